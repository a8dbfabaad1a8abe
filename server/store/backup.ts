import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DatabaseInUseError, lockDatabase } from './database-lock.js';
import { describeTarget, openHubStore, type StoreTarget } from './open-store.js';

/**
 * Backup and restore of the hub database, online: seats keep writing while a backup runs.
 *
 * SQLite: better-sqlite3's online backup API on a connection of its own, all pages in one
 * step. One step reads one consistent snapshot (WAL lets writers go on meanwhile); in
 * smaller steps every write of another connection would restart the copy, and under a
 * steady stream of pushes it might never finish.
 *
 * PostgreSQL: pg_dump -Fc, which reads one snapshot in a repeatable-read transaction;
 * pg_restore --clean --single-transaction, so a failed restore leaves the database as it
 * was. The client binaries come from HUB_PG_BIN, else PostgreSQL 15's, else the PATH.
 *
 * Either way, every write acknowledged before the backup started is in it, and the
 * backup is written to a temp file beside `out` that replaces it only when complete: a
 * failed backup leaves an older one at `out` as it was.
 */
export async function backupHub(target: StoreTarget, out: string): Promise<void> {
  checkBackupFile(target, out);
  const partial = join(dirname(out), `.${basename(out)}.partial`);
  rmSync(partial, { force: true });
  try {
    if ('postgresUrl' in target) {
      await run(pgTool('pg_dump'), ['--format=custom', `--file=${partial}`, target.postgresUrl]);
    } else {
      const source = new Database(target.sqlitePath, { fileMustExist: true });
      try {
        source.pragma('busy_timeout = 5000');
        await source.backup(partial, { progress: () => ALL_PAGES });
      } finally {
        source.close();
      }
    }
    renameSync(partial, out);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/** Pages per backup step: all of them, see above. */
const ALL_PAGES = 0x7fffffff;

/** A backup or restore that must not start; its message says why, in plain words. */
export class BackupError extends Error {
  override name = 'BackupError';
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function sameFile(a: string, b: string): boolean {
  const sa = statSync(a, { throwIfNoEntry: false });
  const sb = statSync(b, { throwIfNoEntry: false });
  if (sa && sb) return sa.dev === sb.dev && sa.ino === sb.ino;
  return resolve(a) === resolve(b);
}

/** Refuses, before anything is written, a backup file that cannot or must not be written. */
function checkBackupFile(target: StoreTarget, out: string): void {
  if (out.endsWith('/') || isDirectory(out)) {
    throw new BackupError(
      `the backup file ${out} is a directory; name a file in it, ` +
        `for example ${join(out, 'hub.backup')}`,
    );
  }
  const dir = dirname(out);
  if (!isDirectory(dir)) throw new BackupError(`the directory ${dir} of ${out} does not exist`);
  if ('sqlitePath' in target) {
    if (!existsSync(target.sqlitePath)) {
      throw new BackupError(`no hub database at ${target.sqlitePath}`);
    }
    const db = target.sqlitePath;
    if ([db, `${db}-wal`, `${db}-shm`].some((file) => sameFile(out, file))) {
      throw new BackupError(`the backup file ${out} is the hub database itself`);
    }
  }
}

export interface RestoreOptions {
  /**
   * PostgreSQL only: restore although other sessions are connected to the database.
   * See restoreHub for what that means for a running hub.
   */
  force?: boolean;
}

/**
 * Replaces the database at `target` with the backup `from`. The hub must be stopped.
 * The backup is checked first (it must open as a hub database this hub knows), so a
 * wrong or newer file never replaces a good one.
 *
 * SQLite: refuses while a hub holds the database's lock file (database-lock.ts), and holds
 * it itself meanwhile, so no hub starts on a half-restored file.
 *
 * PostgreSQL: refuses while other sessions are connected to the database, unless
 * `force`. Forced under a live hub, pg_restore waits for the hub's open transactions,
 * then replaces every table in one transaction: the hub goes on with the restored rows
 * but with what it holds in memory from before (KB index, ACD queues, sessions), and
 * every order it confirmed since the backup is gone. Restart the hub after a forced one.
 */
export async function restoreHub(
  target: StoreTarget,
  from: string,
  options: RestoreOptions = {},
): Promise<void> {
  if (!existsSync(from)) throw new BackupError(`no backup at ${from}`);
  if (isDirectory(from)) throw new BackupError(`the backup ${from} is a directory, not a file`);
  if ('postgresUrl' in target) {
    if (!options.force) await refuseOtherSessions(target.postgresUrl);
    await run(pgTool('pg_restore'), [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--single-transaction',
      `--dbname=${target.postgresUrl}`,
      from,
    ]);
    await (await openHubStore(target)).close();
    return;
  }
  const path = target.sqlitePath;
  if (sameFile(from, path)) throw new BackupError(`the backup ${from} is the hub database itself`);
  let lock;
  try {
    lock = lockDatabase(path, 'restore');
  } catch (error) {
    if (!(error instanceof DatabaseInUseError)) throw error;
    throw new BackupError(
      `${path} is in use by a ${error.holder} (process ${error.pid}); stop it before restoring`,
    );
  }
  try {
    await restoreSqlite(path, from);
  } finally {
    lock.release();
  }
}

async function restoreSqlite(path: string, from: string): Promise<void> {
  const staged = join(dirname(path), `.${basename(path)}.restoring`);
  rmSync(staged, { force: true });
  // A backup file is a whole, closed database (no WAL): a byte copy is enough, and opening
  // it with SQLite would leave -wal/-shm files beside the backup.
  copyFileSync(from, staged);
  try {
    // Opening checks the schema (and migrates a backup of an older hub forward).
    await (await openHubStore({ sqlitePath: staged })).close();
  } catch (error) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(staged + suffix, { force: true });
    throw error;
  }
  // A WAL left beside the old file would be replayed onto the new one: remove it first.
  for (const suffix of ['-wal', '-shm']) rmSync(path + suffix, { force: true });
  renameSync(staged, path);
}

/** Throws BackupError when sessions other than ours are connected to the database. */
async function refuseOtherSessions(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string; apps: string | null }>(
      `select count(*) as n, string_agg(distinct nullif(application_name, ''), ', ') as apps
         from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    );
    const n = Number(rows[0]?.n ?? 0);
    if (n > 0) {
      const apps = rows[0]?.apps ? ` (${rows[0].apps})` : '';
      throw new BackupError(
        `${n} other session${n === 1 ? ' is' : 's are'} connected to ` +
          `${describeTarget({ postgresUrl: url })}${apps}, a running hub perhaps: stop it ` +
          'before restoring, or pass --force (the hub then loses what it wrote since the backup)',
      );
    }
  } finally {
    await client.end();
  }
}

function pgTool(name: 'pg_dump' | 'pg_restore'): string {
  const dir = process.env.HUB_PG_BIN ?? '/usr/lib/postgresql/15/bin';
  const path = join(dir, name);
  return existsSync(path) ? path : name;
}

/** Runs a client tool; rejects with its stderr when it fails. */
function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${basename(command)} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}
