import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { withBusyRetry } from './busy-retry.js';
import type { Sealer } from './sealer.js';

/** The store cannot serve citizen data yet: its key comes with the sign-in (web seat). */
export class StoreLockedError extends Error {
  override readonly name = 'StoreLockedError';
}

/** The sealer of the moment: none while the store is locked. */
export interface SealerRef {
  /** Throws StoreLockedError while the key is not known. */
  get(): Sealer;
  readonly unlocked: boolean;
}

/** The seat store's SealerRef: empty while locked. */
export class SealerSlot implements SealerRef {
  current: Sealer | null = null;

  get unlocked(): boolean {
    return this.current !== null;
  }

  get(): Sealer {
    if (!this.current) {
      throw new StoreLockedError('The seat store is locked until the agent signs in.');
    }
    return this.current;
  }
}

/**
 * Writes to the seat file go one at a time, each one synchronous BEGIN IMMEDIATE
 * transaction, retried on SQLITE_BUSY (CASES F07). While the file is locked by another
 * process only the first waiting write retries, instead of every queued save blocking the
 * event loop for its own busy timeout in turn. Rows are read with `.all()` before any
 * write, never written while a statement iterates.
 */
export class StoreWriter {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
  ) {}

  /** Runs `work` in one immediate transaction, after the writes queued before it. */
  run<T>(work: () => T, what: string): Promise<T> {
    const tx = this.db.transaction(work);
    const next = this.queue.then(() =>
      withBusyRetry(() => tx.immediate(), {
        onBusy: (attempt, delayMs) =>
          this.log.warn(
            { attempt, delayMs },
            `The database is locked by another connection; will retry to ${what} in ${delayMs} ms.`,
          ),
      }),
    );
    this.queue = next.catch(() => {});
    return next;
  }

  /** Resolves once every write queued so far has ended. */
  async drain(): Promise<void> {
    await this.queue;
  }
}
