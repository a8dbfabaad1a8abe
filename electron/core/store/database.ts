import Database from 'better-sqlite3';
import { migrate } from './migrations.js';

/** The file is not a readable SQLite database (not one at all, or corrupt). */
export class StoreDamagedError extends Error {
  override readonly name = 'StoreDamagedError';
}

/** SQLite error codes that mean the file itself is damaged or not a database. */
export function isDamageError(err: unknown): boolean {
  if (err instanceof StoreDamagedError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))
  );
}

/**
 * Kept short on purpose: better-sqlite3 blocks the event loop while it waits for a lock,
 * so a long wait is done by withBusyRetry between attempts instead (CASES F07).
 */
export const BUSY_TIMEOUT_MS = 50;

/**
 * Opens (creating if needed) the seat's SQLite file in WAL mode and brings its schema up
 * to date. `synchronous = FULL`: an order the agent saved must survive a power cut, and
 * a seat writes a few orders a minute, so the extra fsync costs nothing that matters.
 */
export function openSeatDatabase(file: string): Database.Database {
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    // Opening waits longer: it happens once, before any call is handled.
    db.pragma('busy_timeout = 5000');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`SQLite refused WAL mode for ${file} (got ${mode}).`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new StoreDamagedError(`quick_check of ${file} failed: ${check}`);
    migrate(db);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
