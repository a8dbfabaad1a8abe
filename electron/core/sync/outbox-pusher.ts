import type { Logger } from 'pino';
import type { LocalOrder } from '../../../shared/desk-api.js';
import {
  PUSH_MAX_BYTES,
  PUSH_MAX_MUTATIONS,
  type PushResponse,
} from '../../../shared/sync-protocol.js';
import type { HubClient } from '../hub/hub-client.js';
import { HubHttpError, HubProtocolError, HubUnreachableError } from '../hub/hub-errors.js';
import type { OrderStore, PushOutcome } from '../store/order-store.js';
import { buildPushBatch, type PushBatch } from './push-batch.js';

export interface OutboxPusherOptions {
  store: OrderStore;
  hub: HubClient;
  seatId: string;
  /** Logs under seat.sync.outbox. */
  log: Logger;
  maxMutations?: number;
  maxBytes?: number;
  /** Orders whose state changed: they go out as `order.updated`. */
  announce: (orders: readonly LocalOrder[]) => void;
  /** The hub answered a push. */
  onHubAnswered: () => void;
}

/**
 * The push half of a sync round: the outbox goes out in order, in batches capped by
 * count and bytes (PUSH_MAX_MUTATIONS, PUSH_MAX_BYTES), and an entry leaves the outbox
 * only with the hub's answer for it, in the transaction that records that answer.
 *
 * What the hub may answer a batch, and what happens:
 *   200        each result applied: applied/duplicate -> synced, rejected -> rejected
 *   413        halve the batch, keep the smaller caps; a lone mutation is rejected here
 *              (CASES F08: never the same oversized batch forever)
 *   no answer  while the hub's health answers: taken as 413 (a reset instead of a 413)
 *   400 + field mutations.N   that mutation rejected with the hub's message
 *   400, no field             halve until the culprit is alone, then reject it
 *   anything else             the round fails and backs off
 * Nothing here holds a database transaction across a network call.
 */
export class OutboxPusher {
  private countCap: number;
  private byteCap: number;

  constructor(private readonly options: OutboxPusherOptions) {
    this.countCap = options.maxMutations ?? PUSH_MAX_MUTATIONS;
    this.byteCap = options.maxBytes ?? PUSH_MAX_BYTES;
  }

  private get log(): Logger {
    return this.options.log;
  }

  /** Pushes until the outbox is empty; throws what should end the round. */
  async pushAll(): Promise<void> {
    const { store, hub, seatId } = this.options;
    // Narrowed for this round only while isolating a batch the hub refused as a whole.
    let roundCount = this.countCap;

    for (;;) {
      const head = store.outboxHead(Math.min(roundCount, this.countCap));
      if (head.length === 0) return;
      const batch = buildPushBatch(head, seatId, head.length, this.byteCap);

      let response: PushResponse;
      try {
        response = await hub.push(batch.body);
      } catch (err) {
        if (err instanceof HubUnreachableError && (await this.hubAnswersDespite(batch))) {
          await this.onTooLarge(batch);
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
      const removed = await this.applyResponse(batch, response);
      if (removed === 0) {
        throw new HubProtocolError(
          `The hub answered a push of ${batch.entries.length} mutations without a result ` +
            `for any of them.`,
        );
      }
    }
  }

  /**
   * A push of several mutations died without an answer. If the hub still answers its
   * health check, the body was the trouble (a proxy or server that resets instead of
   * answering 413): split it, rather than retrying the same batch forever (CASES F08).
   */
  private async hubAnswersDespite(batch: PushBatch): Promise<boolean> {
    if (batch.entries.length < 2) return false;
    try {
      await this.options.hub.health();
    } catch {
      return false;
    }
    this.log.warn(
      { mutations: batch.entries.length, bytes: batch.bytes },
      `A push of ${batch.entries.length} mutations (${batch.bytes} bytes) got no answer ` +
        `while the hub is up; taking it as too large.`,
    );
    return true;
  }

  /** 413: halve the batch and remember the smaller caps; a lone mutation is refused here. */
  private async onTooLarge(batch: PushBatch): Promise<void> {
    const [first] = batch.entries;
    if (batch.entries.length === 1 && first) {
      this.log.error(
        { mutationId: first.mutationId, localId: first.orderId, bytes: batch.bytes },
        `The hub refused mutation ${first.mutationId} as too large even alone; order ` +
          `${first.orderId} is marked rejected.`,
      );
      await this.applyOutcomes([
        {
          entry: first,
          result: {
            id: first.mutationId,
            status: 'rejected',
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
        result: { id: entry.mutationId, status: 'rejected', reason: err.message + where },
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
    const orders = await this.options.store.applyPushResults(outcomes);
    this.options.announce(orders);
  }
}
