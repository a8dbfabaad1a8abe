import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Who uses an SQLite hub database: `<file>.lock` beside it holds the process id of the
 * hub (or restore) that has it open. A restore refuses while a live process holds it, since
 * a running hub would keep writing into the replaced file's inode and lose every order it
 * confirms after. A lock whose process is gone (the hub was killed) is stale and taken over.
 *
 * The check is by process id on this machine: a hub in another PID namespace (another
 * container on a shared volume) looks dead from here.
 */
export function lockFileOf(sqlitePath: string): string {
  return `${sqlitePath}.lock`;
}

export type LockHolder = 'hub' | 'restore' | 'seed';

export class DatabaseInUseError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number,
    readonly holder: string,
  ) {
    super(`${path} is in use by a ${holder} (process ${pid})`);
    this.name = 'DatabaseInUseError';
  }
}

export interface DatabaseLock {
  /** Removes the lock file, if it is still ours. Idempotent. */
  release(): void;
}

interface LockContent {
  pid: number;
  holder: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockContent | null {
  let content: Partial<LockContent>;
  try {
    content = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockContent>;
  } catch {
    return null;
  }
  const { pid } = content;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return null;
  return { pid, holder: String(content.holder ?? 'hub'), since: String(content.since ?? '') };
}

/**
 * Takes the lock of `sqlitePath` for this process (creating the file's directory), or
 * throws DatabaseInUseError naming the live holder. The lock is also removed when the
 * process exits without release(), but not when it is killed: then it goes stale.
 */
export function lockDatabase(sqlitePath: string, holder: LockHolder): DatabaseLock {
  const file = lockFileOf(sqlitePath);
  mkdirSync(dirname(file), { recursive: true });
  const mine: LockContent = { pid: process.pid, holder, since: new Date().toISOString() };
  const text = JSON.stringify(mine) + '\n';
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, text, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const current = readLock(file);
      if (current !== null && isAlive(current.pid)) {
        throw new DatabaseInUseError(sqlitePath, current.pid, current.holder);
      }
      // Stale (its process is gone) or unreadable: take it over.
      rmSync(file, { force: true });
    }
  }
  const onExit = (): void => release();
  function release(): void {
    process.off('exit', onExit);
    if (readLock(file)?.pid === process.pid) rmSync(file, { force: true });
  }
  process.on('exit', onExit);
  return { release };
}
