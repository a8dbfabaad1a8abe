import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { openHubStore, type StoreTarget } from './open-store.js';

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
 * Either way, every write acknowledged before the backup started is in it.
 */
export async function backupHub(target: StoreTarget, out: string): Promise<void> {
  if ('postgresUrl' in target) {
    await run(pgTool('pg_dump'), ['--format=custom', `--file=${out}`, target.postgresUrl]);
    return;
  }
  if (!existsSync(target.sqlitePath)) {
    throw new Error(`no hub database at ${target.sqlitePath}`);
  }
  const partial = join(dirname(out), `.${basename(out)}.partial`);
  rmSync(partial, { force: true });
  const source = new Database(target.sqlitePath, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(partial, { progress: () => ALL_PAGES });
  } finally {
    source.close();
  }
  renameSync(partial, out);
}

/** Pages per backup step: all of them, see above. */
const ALL_PAGES = 0x7fffffff;

/**
 * Replaces the database at `target` with the backup `from`. The hub must be stopped.
 * The backup is checked first (it must open as a hub database this hub knows), so a
 * wrong or newer file never replaces a good one.
 */
export async function restoreHub(target: StoreTarget, from: string): Promise<void> {
  if (!existsSync(from)) throw new Error(`no backup at ${from}`);
  if ('postgresUrl' in target) {
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
