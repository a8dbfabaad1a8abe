import type { Logger } from 'pino';
import type { SyncStatus } from '../../../shared/desk-api.js';
import type { PullResponse } from '../../../shared/sync-protocol.js';
import type { SeatCoreEvent } from '../events.js';
import type { HubClient } from '../hub/hub-client.js';
import { HubHttpError, HubProtocolError, HubUnreachableError } from '../hub/hub-errors.js';
import { fastRetryDelay } from '../hub/hub-events.js';
import type { AppliedChanges } from '../store/order-store.js';
import type { SeatStore } from '../store/seat-store.js';
import { Backoff } from './backoff.js';
import { OutboxPusher, type CatchUp } from './outbox-pusher.js';

export type SyncTrigger =
  'save' | 'timer' | 'retry' | 'hub-back' | 'hub-event' | 'login' | 'manual';

export interface SyncClientOptions {
  store: SeatStore;
  hub: HubClient;
  seatId: string;
  log: Logger;
  emit: (event: SeatCoreEvent) => void;
  /** Signed in at the hub (a token), with the store unlocked: push and pull may run. */
  hasSession: () => boolean;
  /**
   * The hub's health answered while there is no hub session: the core signs in for real
   * if the agent signed in offline meanwhile.
   */
  onHubHealthy?: () => Promise<void>;
  /** The hub refused the token (401): the core ends the session. */
  onUnauthorized: (reason: string) => void;
  /** Pause between rounds while all is well. */
  intervalMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  maxMutations?: number;
  maxBytes?: number;
}

/** Pages taken in one round; more waits for the next round. */
const MAX_PULL_PAGES = 50;

/**
 * Moves the outbox to the hub and hub changes back (shared/sync-protocol.ts).
 *
 * A round pushes the outbox in order, in batches capped by count and bytes, applies the
 * answer to each mutation, then pulls every page after the cursor. Without a session a
 * round only asks the hub's health, so the seat knows whether the hub is there.
 *
 *                  save / timer / hub back / sync.now
 *     +------+ -----------------------------------------> +---------+  a trigger meanwhile:
 *     | idle |                                            | running | one more round after
 *     +------+ <-- round ok (backoff reset; next round --- +---------+
 *                  in intervalMs), or 401 (session ended)    |     ^
 *                                                round failed |     | delay over, or an
 *                                                             v     | urgent trigger
 *                                                      +-------------+ (hub back, sync.now)
 *                                                      | backing off |
 *                                                      +-------------+
 *   delay = 50 ms doubling up to 60 s, drawn from the upper half of that span (jitter),
 *   but at most about 1 s (0.5..1 s) while the outbox holds entries and the hub cannot be
 *   reached: noticing the hub is back is most of a catch-up's time (10k orders < 5 s).
 *   A save while backing off waits for the delay, so a hub that is down is not hammered.
 *
 * How a push deals with 413 and 400 is in outbox-pusher.ts.
 */
export class SyncClient {
  private readonly log: Logger;
  private readonly pullLog: Logger;
  private readonly backoff: Backoff;
  private readonly pusher: OutboxPusher;

  private current: Promise<void> | null = null;
  private again = false;
  private mode: 'idle' | 'running' | 'backoff' = 'idle';
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  private hubReachable = false;
  private lastSuccessAt: string | null = null;
  private lastError: string | null = null;
  private nextRetryAt: string | null = null;
  private catchUp: CatchUp | null = null;
  private lastStatusJson = '';

  constructor(private readonly options: SyncClientOptions) {
    this.log = options.log.child({ category: 'seat.sync.outbox' });
    this.pullLog = options.log.child({ category: 'seat.sync.pull' });
    this.backoff = new Backoff(options.backoff ?? { baseMs: 50, maxMs: 60_000 });
    this.pusher = new OutboxPusher({
      store: () => options.store.orders,
      hub: options.hub,
      seatId: options.seatId,
      log: this.log,
      maxMutations: options.maxMutations,
      maxBytes: options.maxBytes,
      announce: (changes) => this.announce(changes),
      onHubAnswered: () => this.noteHubReachable(true),
      progress: (catchUp) => {
        this.catchUp = catchUp;
        this.emitStatus();
      },
    });
  }

  status(): SyncStatus {
    const { pending, rejected, conflicts } = this.closed
      ? { pending: 0, rejected: 0, conflicts: 0 }
      : this.options.store.orders.counts();
    return {
      hubReachable: this.hubReachable,
      pending,
      rejected,
      conflicts,
      syncing: this.current !== null,
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      nextRetryAt: this.mode === 'backoff' ? this.nextRetryAt : null,
      catchUp: this.catchUp,
    };
  }

  /**
   * Asks for a round. An urgent trigger (the hub is back, the agent asked) cuts a backoff
   * short; a save during a backoff waits for it, so a hub that is down is not hammered.
   */
  trigger(reason: SyncTrigger, urgent = false): void {
    if (this.closed) return;
    if (this.current) {
      this.again = true;
      return;
    }
    if (this.mode === 'backoff' && !urgent) {
      this.emitStatus();
      return;
    }
    this.startUnawaited(reason);
  }

  /** Runs a round that starts after this call and resolves with the status after it. */
  async syncNow(): Promise<SyncStatus> {
    while (this.current) await this.current;
    if (!this.closed) await this.start('manual');
    return this.status();
  }

  /** Tells the status whether the hub answered something else (login, events stream). */
  noteHubReachable(reachable: boolean): void {
    if (this.hubReachable === reachable) return;
    this.hubReachable = reachable;
    this.emitStatus();
  }

  emitStatus(): void {
    if (this.closed) return;
    const status = this.status();
    const json = JSON.stringify(status);
    if (json === this.lastStatusJson) return;
    this.lastStatusJson = json;
    this.options.emit({ event: 'sync.status', payload: status });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    await this.current?.catch(() => {});
  }

  private start(reason: SyncTrigger): Promise<void> {
    if (this.current) {
      this.again = true;
      return this.current;
    }
    this.clearTimer();
    this.mode = 'running';
    this.current = this.round(reason).finally(() => {
      this.current = null;
      this.afterRound();
    });
    this.emitStatus();
    return this.current;
  }

  /**
   * A round nobody awaits. round() handles its own failures, but what it calls back into
   * (emit, onUnauthorized) may still throw; that is logged, not left an unhandled rejection
   * that would end the process.
   */
  private startUnawaited(reason: SyncTrigger): void {
    this.start(reason).catch((err: unknown) => {
      this.log.error({ err, reason }, `A sync round (${reason}) ended with an unexpected error.`);
    });
  }

  private afterRound(): void {
    this.emitStatus();
    if (this.closed) return;
    if (this.again && this.mode === 'idle') {
      this.again = false;
      this.startUnawaited('save');
    } else {
      this.again = false;
    }
  }

  /** One round; never rejects: the outcome goes to the status and the schedule. */
  private async round(reason: SyncTrigger): Promise<void> {
    try {
      if (!this.options.hasSession()) {
        await this.options.hub.health();
        this.hubReachable = true;
        await this.options.onHubHealthy?.();
        const { pending } = this.options.store.orders.counts();
        this.lastError = pending > 0 ? `Not signed in: ${pending} changes wait to be sent.` : null;
        if (this.options.hasSession()) this.again = true;
      } else {
        await this.pusher.pushAll();
        await this.pullAll();
        this.hubReachable = true;
        this.lastSuccessAt = new Date().toISOString();
        this.lastError = null;
      }
      if (this.backoff.attempts > 0) {
        this.log.info(
          { failures: this.backoff.attempts },
          `Sync works again after ${this.backoff.attempts} failed attempts.`,
        );
      }
      this.backoff.reset();
      this.schedule('idle', this.options.intervalMs ?? 15_000);
    } catch (err) {
      if (this.closed) return;
      this.onRoundFailed(err, reason);
    }
  }

  private onRoundFailed(err: unknown, reason: SyncTrigger): void {
    this.lastError = err instanceof Error ? err.message : String(err);
    this.hubReachable = !(err instanceof HubUnreachableError);

    if (err instanceof HubHttpError && err.status === 401) {
      this.log.warn('The hub refused the session token; the session ends.');
      this.lastError = 'The hub session has ended; sign in again to send the pending orders.';
      this.options.onUnauthorized('The hub no longer accepts this session; sign in again.');
      this.schedule('idle', this.options.intervalMs ?? 15_000);
      return;
    }

    const waiting = this.options.store.orders.counts().pending > 0;
    const slow = this.backoff.next();
    const delay =
      waiting && err instanceof HubUnreachableError ? Math.min(slow, fastRetryDelay()) : slow;
    const known =
      err instanceof HubUnreachableError ||
      err instanceof HubHttpError ||
      err instanceof HubProtocolError;
    const attempt = this.backoff.attempts;
    const fields = { reason, attempt, delayMs: delay };
    if (!known) {
      this.log.error({ ...fields, err }, `Sync failed unexpectedly; retrying in ${delay} ms.`);
    } else {
      // The first failure of a streak is news; the next ones only while debugging.
      const level = attempt === 1 || attempt % 20 === 0 ? 'warn' : 'debug';
      this.log[level](
        fields,
        `Sync failed (attempt ${attempt}): ${this.lastError} Retrying in ${delay} ms.`,
      );
    }
    this.schedule('backoff', delay);
  }

  private schedule(mode: 'idle' | 'backoff', delayMs: number): void {
    this.clearTimer();
    this.mode = mode;
    this.nextRetryAt = new Date(Date.now() + delayMs).toISOString();
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.startUnawaited(mode === 'backoff' ? 'retry' : 'timer');
    }, delayMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Pulls every page after the cursors: orders, their conflicts, the KB feed.
   *
   * A 409 `cursor_ahead` says a cursor is past anything the hub has handed out: the hub
   * was restored from an older backup. Both cursors go back to '0' and the pull starts
   * again, once per round; the pages of that pull rebase the orders on the hub's values
   * and versions (the seat's came from the hub's lost life). Nothing is written until a
   * page is taken in, so a round that dies meanwhile gets the 409 and starts over.
   */
  private async pullAll(): Promise<void> {
    const { store, hub, seatId } = this.options;
    let restart: { cursor: string; kbCursor: string } | null = null;
    let rebase = false;
    for (let page = 0; page < MAX_PULL_PAGES; page++) {
      const cursor = restart?.cursor ?? store.orders.pullCursor();
      const kbCursor = restart?.kbCursor ?? store.kb.cursor();
      restart = null;
      let response: PullResponse;
      try {
        response = await hub.pull(cursor, kbCursor, seatId);
      } catch (err) {
        const ahead =
          err instanceof HubHttpError && err.status === 409 && err.code === 'cursor_ahead';
        if (!ahead || rebase) throw err;
        this.pullLog.warn(
          { cursor, kbCursor, field: err.field },
          `The hub says the pull cursor is ahead of it (${err.message}); it was restored ` +
            `from an older backup. Pulling everything again from 0.`,
        );
        restart = { cursor: '0', kbCursor: '0' };
        rebase = true;
        page--;
        continue;
      }
      const pulled = await store.orders.applyPulled(
        response.orders,
        response.conflicts,
        response.cursor,
        { rebase },
      );
      const kbChanged = await store.kb.applyFeed(response.kb, response.kbCursor);
      this.announce({ ...pulled, rejected: [] });
      if (response.orders.length > 0 || kbChanged > 0) {
        this.pullLog.info(
          {
            orders: response.orders.length,
            changed: pulled.orders.length,
            kb: response.kb.length,
            kbChanged,
            hasMore: response.hasMore,
          },
          `Pulled ${response.orders.length} hub orders (${pulled.orders.length} local orders ` +
            `changed) and ${response.kb.length} KB changes (${kbChanged} cached articles).`,
        );
      }
      const moved = response.cursor !== cursor || response.kbCursor !== kbCursor;
      if (!response.hasMore || !moved) return;
    }
  }

  private announce(changes: AppliedChanges): void {
    const { emit } = this.options;
    for (const order of changes.orders) emit({ event: 'order.updated', payload: order });
    for (const refusal of changes.rejected) emit({ event: 'sync.rejected', payload: refusal });
    if (changes.conflictsChanged) {
      const open = this.options.store.orders.counts().conflicts;
      emit({ event: 'conflicts.changed', payload: { open } });
    }
    if (changes.orders.length > 0 || changes.rejected.length > 0) this.emitStatus();
  }
}
