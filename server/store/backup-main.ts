import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { backupHub, BackupError, restoreHub } from './backup.js';
import { describeOpenFailure } from './open-failure.js';
import { describeTarget, storeTarget, type StoreTarget } from './open-store.js';

const USAGE = `usage:
  npm run hub:backup -- --out FILE [--db LOCATION]
  npm run hub:restore -- --from FILE [--db LOCATION] [--force]
LOCATION is an SQLite path or a postgres:// URL; by default HUB_DB_URL, else HUB_DB.
A backup runs while the hub runs; a restore refuses while a hub uses the database
(--force: on PostgreSQL, restore anyway; the hub must be restarted after).`;

/** The flags each command takes: any other is an error that names it. */
const OPTIONS = {
  backup: { out: { type: 'string' }, db: { type: 'string' } },
  restore: { from: { type: 'string' }, db: { type: 'string' }, force: { type: 'boolean' } },
} satisfies Record<string, ParseArgsConfig['options']>;

type Command = keyof typeof OPTIONS;

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

function parse(command: Command, args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS[command], strict: true, allowPositionals: false })
      .values as { out?: string; from?: string; db?: string; force?: boolean };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const flag = /'(-[^']*)'/.exec((error as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
      const known = Object.keys(OPTIONS[command]).map((name) => `--${name}`);
      fail(`${command} does not take ${flag} (it takes ${known.join(', ')})`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      fail(`${command} takes no bare arguments: ${(error as Error).message}`);
    }
    fail((error as Error).message);
  }
}

/** `tsx server/store/backup-main.ts backup|restore ...`, behind npm run hub:backup/restore. */
async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'backup' && command !== 'restore') fail(`unknown command "${command ?? ''}"`);
  const values = parse(command, rest);
  const target = targetOf(values.db);
  const where = describeTarget(target);
  const started = Date.now();
  try {
    if (command === 'backup') {
      if (!values.out) fail('--out FILE is required');
      await backupHub(target, values.out);
      console.log(`hub-backup: ${where} backed up to ${values.out} in ${Date.now() - started} ms`);
    } else {
      if (!values.from) fail('--from FILE is required');
      await restoreHub(target, values.from, { force: values.force ?? false });
      console.log(
        `hub-backup: ${where} restored from ${values.from} in ${Date.now() - started} ms`,
      );
    }
  } catch (error) {
    const message =
      error instanceof BackupError
        ? error.message
        : (describeOpenFailure(error, target) ?? (error as Error).message);
    console.error(`hub-backup: ${command} failed: ${message}`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(`hub-backup: failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
