import type { LocalOrder, RejectedMutation, SyncStatus } from '../../shared/desk-api.js';
import { ORDER_EDITABLE_FIELDS } from '../../shared/order.js';
import type { HubData, HubOrderRow } from './hub-data.js';
import type { JournalEntry, SeatConflict } from './worker-protocol.js';

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
 *   - outboxes are empty and nothing was rejected, but for a seat's decision on a conflict
 *     the hub had meanwhile closed (a lead's edit superseded it, or the assignee decided
 *     it first): `conflict.resolve` refused `unknown-conflict`, no more of them than the
 *     seat's journalled decisions of conflicts the hub shows closed by someone else;
 *
 * and, with a lead editing and assigning at the hub during the run (lead-driver.ts):
 *   - every order shows the hub's values with no pending edit; an order the hub assigned
 *     to the seat's agent is held by that seat (pulled, origin `hub`) and agrees too;
 *   - the open conflicts a seat shows are exactly the hub's open conflicts
 *     (order_conflicts, resolution NULL) on the orders that seat pulls: those its agent
 *     pushed from it, and those assigned to its agent;
 *   - no value is lost: every value a journalled edit sent is the hub's value of that
 *     field now, or in the order's revision log (as the new or the old value), or in a
 *     conflict row of that field (as the seat's or the hub's value);
 *   - a conflict a seat decided (journalled) is closed at the hub.
 */
export interface SeatEnd {
  index: number;
  seatId: string;
  /** The agent signed in on the seat at the end. */
  agentId: string | null;
  journal: JournalEntry[];
  /** Times the worker was killed (each may leave one made but unjournalled mutation). */
  kills: number;
  status: SyncStatus | null;
  rejected: number;
  rejectedList: RejectedMutation[];
  orders: LocalOrder[];
  /** Open conflicts the seat shows. */
  conflicts: SeatConflict[];
}

export interface CheckResult {
  journalled: number;
  journalledCreates: number;
  journalledEdits: number;
  /** Conflicts the seats decided (journalled conflict.resolve). */
  journalledResolves: number;
  hubOrders: number;
  /** Conflict rows at the hub on the seats' orders, and how many are still open. */
  hubConflicts: number;
  hubConflictsOpen: number;
  /** Seat edit values found nowhere at the hub (current value, revisions, conflicts). */
  valuesLost: number;
  /** Open conflicts shown by a seat and not open at the hub for it, or the other way. */
  conflictsMismatched: number;
  /** Journalled orders or edits the hub (or the seat) does not have. */
  lost: number;
  /** Hub orders beyond the first for one clientOrderId. */
  doubled: number;
  /**
   * Orders whose fields, number or version differ between seat and hub, that show pending
   * edits after the drain, or held by one side only.
   */
  mismatched: number;
  /** Every finding, as a sentence; empty when the run is clean. */
  problems: string[];
}

/** Hub column value of an editable field. */
function hubValue(order: HubOrderRow, field: (typeof ORDER_EDITABLE_FIELDS)[number]): string {
  return order[field];
}

/** Where a value a seat sent may be found at the hub, per order and field. */
function valuesAtHub(hub: HubData): Map<string, Set<string>> {
  const known = new Map<string, Set<string>>();
  const add = (orderNo: string, field: string, value: string | null): void => {
    if (value === null) return;
    const key = `${orderNo}/${field}`;
    const set = known.get(key) ?? new Set<string>();
    set.add(value);
    known.set(key, set);
  };
  for (const order of hub.orders) {
    for (const field of ORDER_EDITABLE_FIELDS) add(order.orderNo, field, hubValue(order, field));
  }
  for (const r of hub.revisions) {
    add(r.orderNo, r.field, r.newValue);
    add(r.orderNo, r.field, r.oldValue);
  }
  for (const c of hub.conflicts) {
    add(c.orderNo, c.field, c.seatValue);
    add(c.orderNo, c.field, c.hubValue);
  }
  return known;
}

export function checkRun(seats: readonly SeatEnd[], hub: HubData): CheckResult {
  const problems: string[] = [];
  let lost = 0;
  let doubled = 0;
  let mismatched = 0;
  let valuesLost = 0;
  let conflictsMismatched = 0;
  const mention = (line: string): void => {
    // A broken run can have thousands; the first hundred say enough.
    if (problems.length < 100) problems.push(line);
    else if (problems.length === 100) problems.push('(more problems left out)');
  };

  const byClientId = new Map<string, HubOrderRow[]>();
  const byOrderNo = new Map<string, HubOrderRow>();
  for (const order of hub.orders) {
    byOrderNo.set(order.orderNo, order);
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
  const conflictById = new Map(hub.conflicts.map((c) => [c.conflictId, c]));
  const known = valuesAtHub(hub);

  let journalledCreates = 0;
  let journalledEdits = 0;
  let journalledResolves = 0;
  for (const seat of seats) {
    const name = `seat ${seat.index} (${seat.seatId})`;
    if (seat.status === null) mention(`${name} answered no sync status`);
    else if (seat.status.pending !== 0)
      mention(`${name} still has ${seat.status.pending} in its outbox`);

    const held = new Map(seat.orders.map((o) => [o.localId, o]));
    const editsPerOrder = new Map<string, number>();
    // Decisions the hub may have refused because someone else closed the conflict first.
    let closedByOthers = 0;
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
      } else if (entry.op === 'update') {
        journalledEdits += 1;
        editsPerOrder.set(entry.localId, (editsPerOrder.get(entry.localId) ?? 0) + 1);
        const orderNo =
          byClientId.get(entry.localId)?.[0]?.orderNo ?? held.get(entry.localId)?.orderNo;
        if (!orderNo) continue; // counted above: the hub never got the order
        for (const [field, value] of Object.entries(entry.changes)) {
          if (known.get(`${orderNo}/${field}`)?.has(value as string)) continue;
          valuesLost += 1;
          lost += 1;
          mention(
            `order ${orderNo} ${field}: ${name} sent ${JSON.stringify(value)}, which is ` +
              `neither the hub's value nor in its revisions or conflicts`,
          );
        }
      } else {
        journalledResolves += 1;
        const conflict = conflictById.get(entry.conflictId);
        if (!conflict) {
          mention(`${name} decided conflict ${entry.conflictId}, which the hub never had`);
        } else if (conflict.resolution === null) {
          conflictsMismatched += 1;
          mention(
            `${name} decided conflict ${entry.conflictId} (${entry.choice}); ` +
              `the hub still has it open`,
          );
        } else if (conflict.resolvedBy !== `seat:${seat.seatId}`) {
          closedByOthers += 1;
        }
      }
    }

    let rejectedResolves = 0;
    const rejectedOther: RejectedMutation[] = [];
    for (const r of seat.rejectedList) {
      if (r.name === 'conflict.resolve' && r.code === 'unknown-conflict') rejectedResolves += 1;
      else rejectedOther.push(r);
    }
    if (seat.rejected !== seat.rejectedList.length) {
      mention(`${name} has ${seat.rejected} rejected mutations`);
    } else if (rejectedOther.length > 0) {
      const first = rejectedOther[0]!;
      mention(
        `${name} has ${rejectedOther.length} rejected mutations ` +
          `(first: ${first.name} ${first.code}: ${first.reason})`,
      );
    }
    if (rejectedResolves > closedByOthers) {
      mention(
        `${name}: the hub refused ${rejectedResolves} conflict decisions, but only ` +
          `${closedByOthers} of its decided conflicts were closed by someone else`,
      );
    }

    for (const order of seat.orders) {
      const atHub =
        order.origin === 'hub'
          ? byOrderNo.get(order.orderNo ?? '')
          : byClientId.get(order.localId)?.[0];
      if (!atHub) {
        mismatched += 1;
        mention(`${name} holds order ${order.localId} (${order.status}) the hub does not have`);
        continue;
      }
      if (order.origin === 'hub' && atHub.assignedTo !== seat.agentId) {
        mismatched += 1;
        mention(
          `${name} holds order ${atHub.orderNo} from the hub, which is assigned to ` +
            `${atHub.assignedTo ?? 'no one'}, not to ${seat.agentId ?? '(no agent)'}`,
        );
      }
      if (order.status !== 'synced' || order.orderNo !== atHub.orderNo) {
        mismatched += 1;
        mention(
          `${name} shows order ${order.localId} as ${order.status} ${order.orderNo ?? '(no number)'}; ` +
            `the hub has ${atHub.orderNo}`,
        );
      }
      if (order.pendingEdits !== 0) {
        mismatched += 1;
        mention(`${name} shows order ${atHub.orderNo} with ${order.pendingEdits} pending edits`);
      }
      for (const field of ORDER_EDITABLE_FIELDS) {
        if (order.input[field] !== hubValue(atHub, field)) {
          mismatched += 1;
          mention(
            `order ${atHub.orderNo} ${field}: ${name} ${JSON.stringify(order.input[field])}, ` +
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
      if (order.origin === 'hub') continue;
      const applied = appliedPerOrder.get(atHub.orderNo) ?? 0;
      const expected = 1 + (editsPerOrder.get(order.localId) ?? 0);
      if (applied < expected) {
        lost += expected - applied;
        mention(
          `order ${atHub.orderNo}: ${expected} mutations journalled, ${applied} applied at the hub`,
        );
      }
    }
    const heldNumbers = new Set(seat.orders.map((o) => o.orderNo));
    const pulled = new Set<string>();
    for (const order of hub.orders) {
      const own = order.seatId === seat.seatId && order.agentId === seat.agentId;
      const assigned = seat.agentId !== null && order.assignedTo === seat.agentId;
      if (own || assigned) pulled.add(order.orderNo);
      if (order.seatId === seat.seatId && !held.has(order.clientOrderId ?? '')) {
        mismatched += 1;
        mention(`the hub has order ${order.orderNo} from ${name}, which the seat does not hold`);
      } else if (assigned && !own && !heldNumbers.has(order.orderNo)) {
        mismatched += 1;
        mention(
          `the hub assigned order ${order.orderNo} to ${seat.agentId}, and ${name} does not hold it`,
        );
      }
    }

    // Open conflicts: the seat's list against the hub's on the orders this seat pulls.
    const shown = new Map(seat.conflicts.map((c) => [c.conflictId, c]));
    for (const c of hub.conflicts) {
      if (c.resolution !== null || !pulled.has(c.orderNo)) continue;
      if (shown.delete(c.conflictId)) continue;
      conflictsMismatched += 1;
      mention(
        `conflict ${c.conflictId} (order ${c.orderNo} ${c.field}) is open at the hub; ` +
          `${name} does not show it`,
      );
    }
    for (const c of shown.values()) {
      conflictsMismatched += 1;
      const there = conflictById.get(c.conflictId);
      mention(
        `${name} shows conflict ${c.conflictId} (order ${c.orderNo} ${c.field}) open; the hub ` +
          (there
            ? `has it ${there.resolution ?? 'open, on an order this seat does not pull'}`
            : 'never had it'),
      );
    }

    // Every decision journalled is a mutation, but one the hub refused was not applied.
    const applied = appliedPerSeat.get(seat.seatId) ?? 0;
    const made = seat.journal.length - rejectedResolves;
    const extra = applied - made;
    if (extra < 0) {
      lost += -extra;
      mention(
        `${name}: ${made} mutations journalled (and not refused), ${applied} applied at the hub`,
      );
    } else if (extra > seat.kills) {
      mention(
        `${name}: the hub applied ${applied} mutations, ${extra} more than journalled, ` +
          `with only ${seat.kills} kills to explain them`,
      );
    }
  }

  const ours = new Set(seats.map((s) => s.seatId));
  const ourOrders = new Set(
    hub.orders.filter((o) => o.seatId !== null && ours.has(o.seatId)).map((o) => o.orderNo),
  );
  const ourConflicts = hub.conflicts.filter((c) => ourOrders.has(c.orderNo));
  return {
    journalled: journalledCreates + journalledEdits + journalledResolves,
    journalledCreates,
    journalledEdits,
    journalledResolves,
    hubOrders: ourOrders.size,
    hubConflicts: ourConflicts.length,
    hubConflictsOpen: ourConflicts.filter((c) => c.resolution === null).length,
    lost,
    doubled,
    mismatched,
    valuesLost,
    conflictsMismatched,
    problems,
  };
}
