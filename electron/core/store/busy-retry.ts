/**
 * SQLite answers SQLITE_BUSY when another connection holds the write lock longer than the
 * busy timeout (CASES F07). better-sqlite3 is synchronous, so a long busy timeout would
 * freeze the whole process (the Electron main process, the seat host); we keep it short
 * and retry here, asynchronously, with a growing pause between attempts.
 */
export interface BusyRetryOptions {
  /** How many attempts in all, the first included. */
  attempts?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each pause, for the log. */
  onBusy?: (attempt: number, delayMs: number) => void;
}

export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` (one synchronous transaction) until it gets through the lock. With the
 * defaults the attempts span about fifteen seconds before the error is given up to the
 * caller.
 */
export async function withBusyRetry<T>(work: () => T, options: BusyRetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 25;
  let delay = options.firstDelayMs ?? 10;
  const maxDelay = options.maxDelayMs ?? 1000;

  for (let attempt = 1; ; attempt++) {
    try {
      return work();
    } catch (err) {
      if (!isBusyError(err) || attempt >= attempts) throw err;
      options.onBusy?.(attempt, delay);
      await sleep(delay);
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}
