import { describe, expect, it } from 'vitest';
import type { LocalOrder, SyncStatus } from '../../shared/desk-api.js';
import type { OrderInput } from '../../shared/order.js';
import { checkRun, type SeatEnd } from './end-check.js';
import type { HubData, HubOrderRow } from './hub-data.js';

const input: OrderInput = {
  type: 'complaint',
  category: 'noise',
  territory: 'NC',
  summary: '夜间施工噪音',
  citizenName: '王先生',
  citizenAddress: '东城路 1 号',
  callerNumber: '13900000001',
};

const idle: SyncStatus = {
  hubReachable: true,
  pending: 0,
  rejected: 0,
  conflicts: 0,
  syncing: false,
  lastSuccessAt: null,
  lastError: null,
  nextRetryAt: null,
  catchUp: null,
};

function seatOrder(
  localId: string,
  orderNo: string,
  fields: OrderInput,
  version: number,
): LocalOrder {
  return {
    localId,
    status: 'synced',
    orderNo,
    rejectReason: null,
    origin: 'seat',
    createdAt: '2026-12-04T00:00:00.000Z',
    input: fields,
    hub: {
      version,
      state: 'created',
      createdAt: '2026-12-04T00:00:00.000Z',
      deadline: null,
      lastReply: null,
      assignedTo: null,
    },
    pendingEdits: 0,
    openConflicts: 0,
  };
}

function hubOrder(
  clientOrderId: string,
  orderNo: string,
  fields: OrderInput,
  version: number,
): HubOrderRow {
  return {
    orderNo,
    clientOrderId,
    seatId: 'seat-a',
    agentId: 'ag-001',
    assignedTo: null,
    version,
    ...fields,
  };
}

/** One seat that made an order and edited it once; the hub agrees. */
function cleanRun(): { seats: SeatEnd[]; hub: HubData } {
  const edited = { ...input, summary: '夜间施工噪音，已联系' };
  return {
    seats: [
      {
        index: 0,
        seatId: 'seat-a',
        agentId: 'ag-001',
        kills: 0,
        status: idle,
        rejected: 0,
        rejectedList: [],
        journal: [
          { op: 'create', localId: 'o1', input },
          { op: 'update', localId: 'o1', changes: { summary: edited.summary } },
        ],
        orders: [seatOrder('o1', 'DG20261204000001', edited, 2)],
        conflicts: [],
      },
    ],
    hub: {
      orders: [hubOrder('o1', 'DG20261204000001', edited, 2)],
      applied: [
        { orderNo: 'DG20261204000001', seatId: 'seat-a' },
        { orderNo: 'DG20261204000001', seatId: 'seat-a' },
      ],
      revisions: [
        {
          orderNo: 'DG20261204000001',
          field: 'summary',
          oldValue: input.summary,
          newValue: edited.summary,
          actor: 'seat:seat-a',
          seatId: 'seat-a',
        },
      ],
      conflicts: [],
    },
  };
}

const ORDER = 'DG20261204000001';

/**
 * The clean run with a lead in it: lead01 changed the citizen's name at the hub, the
 * seat's later edit of it (made on the older version, journalled) lost and left conflict
 * c1 open on both sides; and the lead assigned order o2 of seat-a to ag-002, whose seat-b
 * holds it from the hub (origin `hub`, its own local id).
 */
function leadRun(): { seats: SeatEnd[]; hub: HubData } {
  const { seats, hub } = cleanRun();
  const seat = seats[0]!;
  const edited = seat.orders[0]!.input;
  const byLead = { ...edited, citizenName: '李女士' };
  seat.journal.push({ op: 'update', localId: 'o1', changes: { citizenName: '王先生甲' } });
  seat.orders = [{ ...seatOrder('o1', ORDER, byLead, 4), openConflicts: 1 }];
  seat.conflicts = [{ conflictId: 'c1', orderNo: ORDER, field: 'citizenName' }];
  hub.orders = [hubOrder('o1', ORDER, byLead, 4)];
  hub.applied.push({ orderNo: ORDER, seatId: 'seat-a' });
  hub.revisions.push({
    orderNo: ORDER,
    field: 'citizenName',
    oldValue: input.citizenName,
    newValue: byLead.citizenName,
    actor: 'lead01',
    seatId: null,
  });
  hub.conflicts.push({
    conflictId: 'c1',
    orderNo: ORDER,
    field: 'citizenName',
    seatValue: '王先生甲',
    hubValue: byLead.citizenName,
    seatId: 'seat-a',
    resolution: null,
    resolvedBy: null,
  });
  // Order o2 of seat-a, assigned by the lead to ag-002, who works on seat-b.
  const other = { ...input, summary: '路灯不亮', callerNumber: '13900000002' };
  seat.journal.push({ op: 'create', localId: 'o2', input: other });
  seat.orders.push(seatOrder('o2', 'DG20261204000002', other, 5));
  hub.orders.push({ ...hubOrder('o2', 'DG20261204000002', other, 5), assignedTo: 'ag-002' });
  hub.applied.push({ orderNo: 'DG20261204000002', seatId: 'seat-a' });
  seats.push({
    index: 1,
    seatId: 'seat-b',
    agentId: 'ag-002',
    kills: 0,
    status: idle,
    rejected: 0,
    rejectedList: [],
    journal: [],
    orders: [{ ...seatOrder('x9', 'DG20261204000002', other, 5), origin: 'hub' }],
    conflicts: [],
  });
  return { seats, hub };
}

describe('checkRun', () => {
  it('finds nothing in a run where seat and hub agree', () => {
    const { seats, hub } = cleanRun();
    expect(checkRun(seats, hub)).toMatchObject({
      journalled: 2,
      journalledCreates: 1,
      journalledEdits: 1,
      hubOrders: 1,
      lost: 0,
      doubled: 0,
      mismatched: 0,
      problems: [],
    });
  });

  it('counts a second hub order for one clientOrderId as doubled', () => {
    const { seats, hub } = cleanRun();
    hub.orders.push({ ...hub.orders[0]!, orderNo: 'DG20261204000002' });
    const result = checkRun(seats, hub);
    expect(result.doubled).toBe(1);
    expect(result.problems.join('\n')).toContain('at the hub 2 times');
  });

  it('counts a journalled order the hub never got as lost', () => {
    const { seats, hub } = cleanRun();
    hub.orders = [];
    hub.applied = [];
    const result = checkRun(seats, hub);
    expect(result.lost).toBeGreaterThanOrEqual(1);
    expect(result.problems.join('\n')).toContain('the hub never got order o1');
  });

  it('counts a journalled edit that was never applied as lost', () => {
    const { seats, hub } = cleanRun();
    hub.applied.pop();
    const result = checkRun(seats, hub);
    expect(result.lost).toBe(2);
    expect(result.problems.join('\n')).toContain('2 mutations journalled, 1 applied');
  });

  it('finds a field that differs between seat and hub, and a differing version', () => {
    const { seats, hub } = cleanRun();
    hub.orders[0] = { ...hub.orders[0]!, citizenAddress: '西城路 2 号', version: 3 };
    const result = checkRun(seats, hub);
    expect(result.mismatched).toBe(2);
    expect(result.problems.join('\n')).toContain('citizenAddress');
  });

  it('finds an order only one side holds, and an outbox not empty', () => {
    const { seats, hub } = cleanRun();
    hub.orders.push(hubOrder('ghost', 'DG20261204000009', input, 1));
    seats[0]!.status = { ...idle, pending: 1 };
    const result = checkRun(seats, hub);
    expect(result.mismatched).toBe(1);
    expect(result.problems.some((p) => p.includes('which the seat does not hold'))).toBe(true);
    expect(result.problems.some((p) => p.includes('1 in its outbox'))).toBe(true);
  });

  it('allows one unjournalled mutation per kill, and no more', () => {
    const { seats, hub } = cleanRun();
    hub.applied.push({ orderNo: 'DG20261204000001', seatId: 'seat-a' });
    expect(checkRun(seats, hub).problems.join('\n')).toContain('only 0 kills');
    seats[0]!.kills = 1;
    expect(checkRun(seats, hub).problems).toEqual([]);
  });

  it('finds nothing in a run where a lead edited and assigned and both sides agree', () => {
    const { seats, hub } = leadRun();
    expect(checkRun(seats, hub)).toMatchObject({
      journalled: 4,
      hubConflicts: 1,
      hubConflictsOpen: 1,
      lost: 0,
      mismatched: 0,
      valuesLost: 0,
      conflictsMismatched: 0,
      problems: [],
    });
  });

  it('finds an order that still shows pending edits after the drain', () => {
    const { seats, hub } = leadRun();
    seats[0]!.orders[0] = { ...seats[0]!.orders[0]!, pendingEdits: 1 };
    const result = checkRun(seats, hub);
    expect(result.mismatched).toBe(1);
    expect(result.problems.join('\n')).toContain('with 1 pending edits');
  });

  it("finds a seat that still shows the seat's value where the hub kept the lead's", () => {
    const { seats, hub } = leadRun();
    const order = seats[0]!.orders[0]!;
    seats[0]!.orders[0] = { ...order, input: { ...order.input, citizenName: '王先生甲' } };
    const result = checkRun(seats, hub);
    expect(result.mismatched).toBe(1);
    expect(result.problems.join('\n')).toContain('citizenName');
  });

  it('finds a conflict open at the hub that the seat does not show', () => {
    const { seats, hub } = leadRun();
    seats[0]!.conflicts = [];
    const result = checkRun(seats, hub);
    expect(result.conflictsMismatched).toBe(1);
    expect(result.problems.join('\n')).toContain('is open at the hub');
  });

  it('finds a conflict a seat shows open that the hub has closed', () => {
    const { seats, hub } = leadRun();
    hub.conflicts[0] = { ...hub.conflicts[0]!, resolution: 'superseded', resolvedBy: 'lead01' };
    const result = checkRun(seats, hub);
    expect(result.conflictsMismatched).toBe(1);
    expect(result.problems.join('\n')).toContain('the hub has it superseded');
  });

  it('wants the open conflicts of an assigned order on the assignee seat too', () => {
    const { seats, hub } = leadRun();
    hub.conflicts.push({
      ...hub.conflicts[0]!,
      conflictId: 'c2',
      orderNo: 'DG20261204000002',
      field: 'summary',
    });
    seats[0]!.conflicts.push({ conflictId: 'c2', orderNo: 'DG20261204000002', field: 'summary' });
    const result = checkRun(seats, hub);
    expect(result.conflictsMismatched).toBe(1);
    expect(result.problems.join('\n')).toMatch(/conflict c2 .* seat 1 \(seat-b\) does not show/);
  });

  it('finds an order assigned to a seat agent that the seat never pulled', () => {
    const { seats, hub } = leadRun();
    seats[1]!.orders = [];
    const result = checkRun(seats, hub);
    expect(result.mismatched).toBe(1);
    expect(result.problems.join('\n')).toContain('to ag-002, and seat 1 (seat-b) does not hold it');
  });

  it('counts a seat value found nowhere at the hub as lost', () => {
    const { seats, hub } = leadRun();
    // The conflict row that kept the seat's losing value is gone.
    hub.conflicts = [];
    seats[0]!.conflicts = [];
    const result = checkRun(seats, hub);
    expect(result.valuesLost).toBe(1);
    expect(result.lost).toBe(1);
    expect(result.problems.join('\n')).toContain('"王先生甲", which is neither');
  });

  it("takes a value the hub held once (a revision's old value) as kept", () => {
    const { seats, hub } = leadRun();
    seats[0]!.journal.push({
      op: 'update',
      localId: 'o1',
      changes: { citizenName: input.citizenName },
    });
    hub.applied.push({ orderNo: ORDER, seatId: 'seat-a' });
    expect(checkRun(seats, hub).valuesLost).toBe(0);
  });

  it('finds a conflict a seat decided that the hub still has open', () => {
    const { seats, hub } = leadRun();
    seats[0]!.journal.push({ op: 'resolve', localId: 'o1', conflictId: 'c1', choice: 'hub' });
    seats[0]!.conflicts = [];
    hub.applied.push({ orderNo: ORDER, seatId: 'seat-a' });
    const result = checkRun(seats, hub);
    expect(result.conflictsMismatched).toBe(2);
    expect(result.problems.join('\n')).toContain('the hub still has it open');
  });

  it('allows a refused decision on a conflict a lead closed first, and no more', () => {
    const { seats, hub } = leadRun();
    const seat = seats[0]!;
    seat.journal.push({ op: 'resolve', localId: 'o1', conflictId: 'c1', choice: 'seat' });
    seat.conflicts = [];
    hub.conflicts[0] = { ...hub.conflicts[0]!, resolution: 'superseded', resolvedBy: 'lead01' };
    const refusal = {
      mutationId: 'm9',
      name: 'conflict.resolve' as const,
      localId: 'o1',
      orderNo: ORDER,
      code: 'unknown-conflict' as const,
      reason: 'no open conflict c1',
      at: '2026-12-04T00:00:00.000Z',
    };
    seat.rejected = 1;
    seat.rejectedList = [refusal];
    expect(checkRun(seats, hub).problems).toEqual([]);

    seat.rejected = 2;
    seat.rejectedList = [refusal, { ...refusal, mutationId: 'm10' }];
    expect(checkRun(seats, hub).problems.join('\n')).toContain(
      'refused 2 conflict decisions, but only 1',
    );
  });
});
