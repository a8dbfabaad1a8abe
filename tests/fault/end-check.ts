import type { LocalOrder, SyncStatus } from '../../shared/desk-api.js';
import { ORDER_EDITABLE_FIELDS } from '../../shared/order.js';
import type { HubData, HubOrderRow } from './hub-data.js';
import type { JournalEntry } from './worker-protocol.js';

/**
 * The end check of a fault run, after the faults stopped and everything drained:
 *
 *   - every order a seat journalled (the core said "saved") is on the seat and at the hub;
 *   - no clientOrderId has two hub orders (doubled);
 *   - every order the seat holds is synced, and the hub has it with the same number and
 *     the same value in every field; the hub has no order of that seat the seat lacks;
 *   - every journalled edit reached the hub: an order's applied mutations at the hub are
 *     at least its create plus its journalled edits;
 *   - the hub applied no mutation the seat did not make: per seat, applied mutations are
 *     the journalled ones plus at most one per kill (a kill after the core's ok and
 *     before the journal line);
 *   - outboxes are empty and nothing was rejected.
 */
export interface SeatEnd {
  index: number;
  seatId: string;
  journal: JournalEntry[];
  /** Times the worker was killed (each may leave one made but unjournalled mutation). */
  kills: number;
  status: SyncStatus | null;
  rejected: number;
  orders: LocalOrder[];
}

export interface CheckResult {
  journalled: number;
  journalledCreates: number;
  journalledEdits: number;
  hubOrders: number;
  /** Journalled orders or edits the hub (or the seat) does not have. */
  lost: number;
  /** Hub orders beyond the first for one clientOrderId. */
  doubled: number;
  /** Orders whose fields or number differ between seat and hub, or held by one side only. */
  mismatched: number;
  /** Every finding, as a sentence; empty when the run is clean. */
  problems: string[];
}

/** Hub column value of an editable field. */
function hubValue(order: HubOrderRow, field: (typeof ORDER_EDITABLE_FIELDS)[number]): string {
  return order[field];
}

export function checkRun(seats: readonly SeatEnd[], hub: HubData): CheckResult {
  const problems: string[] = [];
  let lost = 0;
  let doubled = 0;
  let mismatched = 0;
  const mention = (line: string): void => {
    // A broken run can have thousands; the first hundred say enough.
    if (problems.length < 100) problems.push(line);
    else if (problems.length === 100) problems.push('(more problems left out)');
  };

  const byClientId = new Map<string, HubOrderRow[]>();
  for (const order of hub.orders) {
    if (order.clientOrderId === null) continue;
    const list = byClientId.get(order.clientOrderId) ?? [];
    list.push(order);
    byClientId.set(order.clientOrderId, list);
  }
  for (const [clientOrderId, list] of byClientId) {
    if (list.length > 1) {
      doubled += list.length - 1;
      const numbers = list.map((o) => o.orderNo).join(', ');
      mention(`order ${clientOrderId} is at the hub ${list.length} times: ${numbers}`);
    }
  }
  const appliedPerOrder = new Map<string, number>();
  const appliedPerSeat = new Map<string, number>();
  for (const row of hub.applied) {
    appliedPerOrder.set(row.orderNo, (appliedPerOrder.get(row.orderNo) ?? 0) + 1);
    appliedPerSeat.set(row.seatId, (appliedPerSeat.get(row.seatId) ?? 0) + 1);
  }

  let journalledCreates = 0;
  let journalledEdits = 0;
  for (const seat of seats) {
    const name = `seat ${seat.index} (${seat.seatId})`;
    if (seat.status === null) mention(`${name} answered no sync status`);
    else if (seat.status.pending !== 0)
      mention(`${name} still has ${seat.status.pending} in its outbox`);
    if (seat.rejected !== 0) mention(`${name} has ${seat.rejected} rejected mutations`);

    const held = new Map(seat.orders.map((o) => [o.localId, o]));
    const editsPerOrder = new Map<string, number>();
    for (const entry of seat.journal) {
      if (entry.op === 'create') {
        journalledCreates += 1;
        if (!held.has(entry.localId)) {
          lost += 1;
          mention(`${name} no longer holds its journalled order ${entry.localId}`);
        }
        if (!byClientId.has(entry.localId)) {
          lost += 1;
          mention(`the hub never got order ${entry.localId} of ${name}`);
        }
      } else {
        journalledEdits += 1;
        editsPerOrder.set(entry.localId, (editsPerOrder.get(entry.localId) ?? 0) + 1);
      }
    }

    for (const order of seat.orders) {
      const atHub = byClientId.get(order.localId)?.[0];
      if (!atHub) {
        mismatched += 1;
        mention(`${name} holds order ${order.localId} (${order.status}) the hub does not have`);
        continue;
      }
      if (order.status !== 'synced' || order.orderNo !== atHub.orderNo) {
        mismatched += 1;
        mention(
          `${name} shows order ${order.localId} as ${order.status} ${order.orderNo ?? '(no number)'}; ` +
            `the hub has ${atHub.orderNo}`,
        );
      }
      for (const field of ORDER_EDITABLE_FIELDS) {
        if (order.input[field] !== hubValue(atHub, field)) {
          mismatched += 1;
          mention(
            `order ${atHub.orderNo} ${field}: seat ${JSON.stringify(order.input[field])}, ` +
              `hub ${JSON.stringify(hubValue(atHub, field))}`,
          );
        }
      }
      if (order.hub != null && order.hub.version !== atHub.version) {
        mismatched += 1;
        mention(
          `order ${atHub.orderNo}: seat saw version ${order.hub.version}, hub has ${atHub.version}`,
        );
      }
      const applied = appliedPerOrder.get(atHub.orderNo) ?? 0;
      const expected = 1 + (editsPerOrder.get(order.localId) ?? 0);
      if (applied < expected) {
        lost += expected - applied;
        mention(
          `order ${atHub.orderNo}: ${expected} mutations journalled, ${applied} applied at the hub`,
        );
      }
    }
    for (const order of hub.orders) {
      if (order.seatId === seat.seatId && !held.has(order.clientOrderId ?? '')) {
        mismatched += 1;
        mention(`the hub has order ${order.orderNo} from ${name}, which the seat does not hold`);
      }
    }

    const applied = appliedPerSeat.get(seat.seatId) ?? 0;
    const extra = applied - seat.journal.length;
    if (extra < 0) {
      lost += -extra;
      mention(
        `${name}: ${seat.journal.length} mutations journalled, ${applied} applied at the hub`,
      );
    } else if (extra > seat.kills) {
      mention(
        `${name}: the hub applied ${applied} mutations, ${extra} more than journalled, ` +
          `with only ${seat.kills} kills to explain them`,
      );
    }
  }

  const ours = new Set(seats.map((s) => s.seatId));
  return {
    journalled: journalledCreates + journalledEdits,
    journalledCreates,
    journalledEdits,
    hubOrders: hub.orders.filter((o) => o.seatId !== null && ours.has(o.seatId)).length,
    lost,
    doubled,
    mismatched,
    problems,
  };
}
