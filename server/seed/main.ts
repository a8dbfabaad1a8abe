import { rmSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config.js';
import { KbSearch } from '../kb/kb-search.js';
import { createLogger } from '../logger.js';
import { SqliteHubStore } from '../store/sqlite/sqlite-store.js';
import { seedStore } from './seed.js';

/**
 * `npm run seed [-- --force]`: creates the hub database at HUB_DB with the demo seed.
 * A database that already has agents is left alone unless --force, which deletes it
 * first. The hub seeds a new database by itself too; this is for resets and scripts.
 */
async function main(): Promise<void> {
  let dbPath: string;
  let logLevel: string;
  try {
    ({ dbPath, logLevel } = loadConfig());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`seed: bad configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(logLevel);
  if (process.argv.includes('--force')) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  }
  const store = SqliteHubStore.open(dbPath);
  try {
    const kb = new KbSearch(store.kb, log);
    const seeded = await seedStore(store, kb, log, { now: Date.now() });
    console.log(
      seeded
        ? `seed: ${dbPath} created with the demo seed`
        : `seed: ${dbPath} already has data; left alone (use --force to recreate it)`,
    );
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error('seed: failed:', error);
  process.exit(1);
});
