import type { Logger } from 'pino';
import {
  PUSH_MAX_BYTES,
  PUSH_MAX_MUTATIONS,
  type PushResponse,
} from '../../../shared/sync-protocol.js';
import type { HubClient } from '../hub/hub-client.js';
import {
  HubHttpError,
  HubProtocolError,
  HubSessionChangedError,
  HubUnreachableError,
} from '../hub/hub-errors.js';
import type { AppliedChanges, OrderStore, PushOutcome } from '../store/order-store.js';
import { buildPushBatch, type PushBatch } from './push-batch.js';

/** How far a catch-up has got: entries it started with, entries answered since. */
export interface CatchUp {
  total: number;
  done: number;
}

export interface OutboxPusherOptions {
  store: () => OrderStore;
  hub: HubClient;
  seatId: string;
  /** Logs under seat.sync.outbox. */
  log: Logger;
  maxMutations?: number;
  maxBytes?: number;
  /** What answers changed: orders, refusals, conflicts (the core's events). */
  announce: (changes: AppliedChanges) => void;
  /** A catch-up's progress (more than one batch to go out); null when it is over. */
  progress?: (catchUp: CatchUp | null) => void;
  /** The hub answered a push. */
  onHubAnswered: () => void;
}

/**
 * The push half of a sync round: the outbox goes out in order, in batches capped by
 * count and bytes (PUSH_MAX_MUTATIONS, PUSH_MAX_BYTES), and an entry leaves the outbox
 * only with the hub's answer for it, in the transaction that records that answer.
 *
 * What the hub may answer a batch, and what happens:
 *   200        each result applied: applied/duplicate -> synced, rejected -> refused
 *              (shown to the agent, never sent again); the caps grow back (doubling)
 *   413        halve the batch and the caps; a lone mutation is refused here as
 *              `too-large` (CASES F08: never the same oversized batch forever)
 *   no answer  retried at once; the same batch dying twice in a row while the hub's
 *              health answers is taken as 413 (a proxy that resets instead of answering
 *              413). A lone mutation is never refused for a reset: the round backs off.
 *   400 + field mutations.N   that mutation refused (`invalid`) with the hub's message
 *   400, no field             halve until the culprit is alone, then refuse it
 *   anything else             the round fails and backs off
 * Nothing here holds a database transaction across a network call.
 */
export class OutboxPusher {
  private readonly maxCount: number;
  private readonly maxBytes: number;
  private countCap: number;
  private byteCap: number;
  /** The batch whose push last died without an answer (first mutation id and size). */
  private lastDied: string | null = null;

  constructor(private readonly options: OutboxPusherOptions) {
    this.maxCount = options.maxMutations ?? PUSH_MAX_MUTATIONS;
    this.maxBytes = options.maxBytes ?? PUSH_MAX_BYTES;
    this.countCap = this.maxCount;
    this.byteCap = this.maxBytes;
  }

  private get log(): Logger {
    return this.options.log;
  }

  /** The current caps, for tests and the log. */
  get caps(): { count: number; bytes: number } {
    return { count: this.countCap, bytes: this.byteCap };
  }

  /** Pushes until the outbox is empty; throws what should end the round. */
  async pushAll(): Promise<void> {
    const { hub, seatId } = this.options;
    // Narrowed for this round only while isolating a batch the hub refused as a whole.
    let roundCount = this.countCap;
    const total = this.options.store().outboxLength();
    let catchUp: CatchUp | null = null;

    try {
      for (;;) {
        const store = this.options.store();
        const agent = store.currentAgent();
        const head = store.outboxHead(Math.min(roundCount, this.countCap));
        if (head.length === 0) return;
        const batch = buildPushBatch(head, seatId, head.length, this.byteCap);
        if (!catchUp && total > batch.entries.length) {
          catchUp = { total, done: 0 };
          this.options.progress?.(catchUp);
        }

        let response: PushResponse;
        try {
          // The entries are this agent's: they never go out under another session.
          response = await hub.push(
            batch.body,
            () => this.options.store().currentAgent() === agent,
          );
        } catch (err) {
          if (err instanceof HubSessionChangedError) {
            this.log.info('The agent changed before a push went out; it waits for its agent.');
            return;
          }
          if (err instanceof HubUnreachableError) {
            if (await this.diedTwiceWhileHubAnswers(batch)) await this.onTooLarge(batch);
            else if (this.lastDied === null) throw err;
            continue;
          }
          if (!(err instanceof HubHttpError)) throw err;
          if (err.status === 413) {
            await this.onTooLarge(batch);
            continue;
          }
          if (err.status === 400 || err.status === 422) {
            roundCount = await this.onRefused(batch, err);
            continue;
          }
          throw err;
        }

        this.options.onHubAnswered();
        this.lastDied = null;
        const removed = await this.applyResponse(batch, response);
        if (removed === 0) {
          throw new HubProtocolError(
            `The hub answered a push of ${batch.entries.length} mutations without a result ` +
              `for any of them.`,
          );
        }
        this.growCaps();
        if (catchUp) {
          catchUp = { total, done: Math.min(total, catchUp.done + removed) };
          this.options.progress?.(catchUp);
        }
      }
    } finally {
      if (catchUp) this.options.progress?.(null);
    }
  }

  /**
   * A push died without an answer. The first time, it is sent again as it is (a cut
   * connection is the network's doing more often than the body's). The same batch dying
   * again at once, while the hub's health answers, says the body is the trouble: true,
   * split it, rather than retrying it forever (CASES F08). A lone mutation is never
   * taken as too large on a reset. Leaves `lastDied` null when the round should fail.
   */
  private async diedTwiceWhileHubAnswers(batch: PushBatch): Promise<boolean> {
    const key = `${batch.entries[0]?.mutationId ?? ''}/${batch.entries.length}`;
    try {
      await this.options.hub.health();
    } catch {
      this.lastDied = null;
      return false;
    }
    if (this.lastDied !== key) {
      this.lastDied = key;
      this.log.info(
        { mutations: batch.entries.length, bytes: batch.bytes },
        `A push of ${batch.entries.length} mutations got no answer while the hub is up; ` +
          `sending it once more.`,
      );
      return false;
    }
    this.lastDied = null;
    if (batch.entries.length < 2) return false;
    this.log.warn(
      { mutations: batch.entries.length, bytes: batch.bytes },
      `A push of ${batch.entries.length} mutations (${batch.bytes} bytes) died twice in a ` +
        `row while the hub is up; taking it as too large.`,
    );
    return true;
  }

  /** After an answered push the caps double back towards their configured size. */
  private growCaps(): void {
    if (this.countCap >= this.maxCount && this.byteCap >= this.maxBytes) return;
    this.countCap = Math.min(this.maxCount, this.countCap * 2);
    this.byteCap = Math.min(this.maxBytes, this.byteCap * 2);
  }

  /** 413: halve the batch and remember the smaller caps; a lone mutation is refused here. */
  private async onTooLarge(batch: PushBatch): Promise<void> {
    const [first] = batch.entries;
    if (batch.entries.length === 1 && first) {
      this.log.error(
        { mutationId: first.mutationId, localId: first.orderId, bytes: batch.bytes },
        `The hub refused mutation ${first.mutationId} (${first.name}) as too large even alone; ` +
          `it is shown to the agent as refused.`,
      );
      await this.applyOutcomes([
        {
          entry: first,
          result: {
            id: first.mutationId,
            status: 'rejected',
            code: 'too-large',
            reason: `The order is too large for the hub to accept (${batch.bytes} bytes).`,
          },
        },
      ]);
      return;
    }
    this.countCap = Math.max(1, Math.floor(batch.entries.length / 2));
    this.byteCap = Math.max(1, Math.floor(batch.bytes / 2));
    this.log.warn(
      { mutations: batch.entries.length, bytes: batch.bytes, countCap: this.countCap },
      `The hub answered 413 to ${batch.entries.length} mutations (${batch.bytes} bytes); ` +
        `splitting to at most ${this.countCap} mutations and ${this.byteCap} bytes.`,
    );
  }

  /**
   * 400: the hub refused the whole request. If it names `mutations.N`, that mutation is
   * rejected with the hub's words and the rest go again; without a field the batch is
   * halved until the culprit stands alone. A field outside the mutations (protocol,
   * seatId) is no mutation's fault and fails the round instead.
   */
  private async onRefused(batch: PushBatch, err: HubHttpError): Promise<number> {
    const match = /^mutations\.(\d+)(?:\.|$)/.exec(err.field ?? '');
    const culprit = match ? batch.entries[Number(match[1])] : undefined;
    if (err.field && !culprit) throw err;

    const entry = culprit ?? (batch.entries.length === 1 ? batch.entries[0] : undefined);
    if (!entry) return Math.max(1, Math.floor(batch.entries.length / 2));

    const where = err.field
      ? ` (${err.field.replace(/^mutations\.\d+\.?/, '') || 'mutation'})`
      : '';
    this.log.warn(
      { mutationId: entry.mutationId, localId: entry.orderId, code: err.code },
      `The hub refused mutation ${entry.mutationId}: ${err.code}; order ${entry.orderId} is ` +
        `marked rejected.`,
    );
    await this.applyOutcomes([
      {
        entry,
        result: {
          id: entry.mutationId,
          status: 'rejected',
          code: 'invalid',
          reason: err.message + where,
        },
      },
    ]);
    return this.countCap;
  }

  private async applyResponse(batch: PushBatch, response: PushResponse): Promise<number> {
    const byId = new Map(response.results.map((r) => [r.id, r]));
    const outcomes: PushOutcome[] = [];
    const counts = { applied: 0, duplicate: 0, rejected: 0 };
    for (const entry of batch.entries) {
      const result = byId.get(entry.mutationId);
      if (!result) continue;
      outcomes.push({ entry, result });
      counts[result.status]++;
      if (result.status === 'rejected') {
        this.log.warn(
          { mutationId: entry.mutationId, localId: entry.orderId },
          `The hub rejected mutation ${entry.mutationId} (order ${entry.orderId}): ` +
            `${result.reason}`,
        );
      }
    }
    const missing = batch.entries.length - outcomes.length;

    await this.applyOutcomes(outcomes);
    const first = batch.entries[0]?.seq;
    const last = batch.entries.at(-1)?.seq;
    this.log.info(
      { mutations: batch.entries.length, bytes: batch.bytes, ...counts, missing, first, last },
      `Pushed ${batch.entries.length} mutations (seq ${first}..${last}, ${batch.bytes} bytes): ` +
        `${counts.applied} applied, ${counts.duplicate} duplicate, ${counts.rejected} rejected` +
        (missing > 0 ? `, ${missing} without an answer (kept).` : '.'),
    );
    return outcomes.length;
  }

  private async applyOutcomes(outcomes: PushOutcome[]): Promise<void> {
    const changes = await this.options.store().applyPushResults(outcomes);
    this.options.announce(changes);
  }
}
