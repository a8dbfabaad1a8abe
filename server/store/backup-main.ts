import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { backupHub, restoreHub } from './backup.js';
import { describeTarget, storeTarget, type StoreTarget } from './open-store.js';

const USAGE = `usage:
  npm run hub:backup -- --out FILE [--db LOCATION]
  npm run hub:restore -- --from FILE [--db LOCATION]
LOCATION is an SQLite path or a postgres:// URL; by default HUB_DB_URL, else HUB_DB.
A backup runs while the hub runs; a restore needs the hub stopped.`;

function fail(message: string): never {
  console.error(`hub-backup: ${message}\n${USAGE}`);
  process.exit(2);
}

/** The database from --db, else from the hub's configuration. */
function targetOf(db: string | undefined): StoreTarget {
  if (db !== undefined) return storeTarget(db);
  try {
    const config = loadConfig();
    return config.dbUrl === null ? { sqlitePath: config.dbPath } : { postgresUrl: config.dbUrl };
  } catch (error) {
    if (error instanceof ConfigError) fail(`bad configuration: ${error.message}`);
    throw error;
  }
}

/** `tsx server/store/backup-main.ts backup|restore ...`, behind npm run hub:backup/restore. */
async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  let values: { out?: string; from?: string; db?: string };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { out: { type: 'string' }, from: { type: 'string' }, db: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  const target = targetOf(values.db);
  const where = describeTarget(target);
  const started = Date.now();
  if (command === 'backup') {
    if (!values.out) fail('--out FILE is required');
    await backupHub(target, values.out);
    console.log(`hub-backup: ${where} backed up to ${values.out} in ${Date.now() - started} ms`);
  } else if (command === 'restore') {
    if (!values.from) fail('--from FILE is required');
    await restoreHub(target, values.from);
    console.log(`hub-backup: ${where} restored from ${values.from} in ${Date.now() - started} ms`);
  } else {
    fail(`unknown command "${command ?? ''}"`);
  }
}

main().catch((error: unknown) => {
  console.error(`hub-backup: failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
