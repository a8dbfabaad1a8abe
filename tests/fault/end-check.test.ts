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
  return { orderNo, clientOrderId, seatId: 'seat-a', version, ...fields };
}

/** One seat that made an order and edited it once; the hub agrees. */
function cleanRun(): { seats: SeatEnd[]; hub: HubData } {
  const edited = { ...input, summary: '夜间施工噪音，已联系' };
  return {
    seats: [
      {
        index: 0,
        seatId: 'seat-a',
        kills: 0,
        status: idle,
        rejected: 0,
        journal: [
          { op: 'create', localId: 'o1', input },
          { op: 'update', localId: 'o1', changes: { summary: edited.summary } },
        ],
        orders: [seatOrder('o1', 'DG20261204000001', edited, 2)],
      },
    ],
    hub: {
      orders: [hubOrder('o1', 'DG20261204000001', edited, 2)],
      applied: [
        { orderNo: 'DG20261204000001', seatId: 'seat-a' },
        { orderNo: 'DG20261204000001', seatId: 'seat-a' },
      ],
    },
  };
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
});
