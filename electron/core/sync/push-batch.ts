import {
  SYNC_PROTOCOL_VERSION,
  type Mutation,
  type PushRequest,
} from '../../../shared/sync-protocol.js';
import type { OutboxEntry } from '../store/order-store.js';

/** A push request ready to send, with the entries it carries and its size on the wire. */
export interface PushBatch {
  entries: OutboxEntry[];
  body: string;
  bytes: number;
}

/**
 * The wire form of an outbox entry. An edit names its order by the hub's number once the
 * seat knows it, else by the seat's id (the create went out first, in the same order).
 * A decision carries only the conflict and the choice; the field and the seat's value
 * stay on the seat.
 */
export function toMutation(entry: OutboxEntry): Mutation {
  const id = entry.mutationId;
  switch (entry.name) {
    case 'order.create':
      return { id, name: entry.name, clientOrderId: entry.orderId, args: entry.args };
    case 'order.update':
      return {
        id,
        name: entry.name,
        order: entry.orderNo ? { orderNo: entry.orderNo } : { clientOrderId: entry.orderId },
        baseVersion: entry.args.baseVersion,
        changes: entry.args.changes,
      };
    case 'conflict.resolve':
      return { id, name: entry.name, conflictId: entry.args.conflictId, choice: entry.args.choice };
  }
}

/**
 * Takes entries from the head of the outbox, in order, while the request stays within
 * `maxCount` mutations and `maxBytes` bytes of UTF-8 JSON (CASES F08). The first entry is
 * always taken, even alone over the byte cap: only the hub can say whether it fits.
 */
export function buildPushBatch(
  entries: readonly OutboxEntry[],
  seatId: string,
  maxCount: number,
  maxBytes: number,
): PushBatch {
  const envelope: Omit<PushRequest, 'mutations'> = { protocol: SYNC_PROTOCOL_VERSION, seatId };
  // `{"protocol":1,"seatId":"…","mutations":[` + `]}`
  let bytes = Buffer.byteLength(JSON.stringify({ ...envelope, mutations: [] }));
  const parts: string[] = [];
  const taken: OutboxEntry[] = [];

  for (const entry of entries) {
    if (taken.length >= maxCount) break;
    const json = JSON.stringify(toMutation(entry));
    const size = Buffer.byteLength(json) + (parts.length > 0 ? 1 : 0);
    if (taken.length > 0 && bytes + size > maxBytes) break;
    parts.push(json);
    taken.push(entry);
    bytes += size;
  }

  const head = JSON.stringify(envelope).slice(0, -1);
  const body = `${head},"mutations":[${parts.join(',')}]}`;
  return { entries: taken, body, bytes: Buffer.byteLength(body) };
}
