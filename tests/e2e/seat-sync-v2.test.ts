import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalOrder } from '../../shared/desk-api.js';
import { HUB_PATHS } from '../../shared/hub-api.js';
import type { HubOrder } from '../../shared/order.js';
import { SYNC_PROTOCOL_VERSION, type PushResponse } from '../../shared/sync-protocol.js';
import { bearer, login, type TestHub } from '../../server/testing/fixture.js';
import { sampleOrderInput } from '../fakes/hub-sync.js';
import { fixedKeyStore } from '../../electron/core/store/key-store.js';
import { useRealHubs, type RealHub } from './support/real-hub.js';
import { eventually, startSeatKit, type SeatKit } from '../../electron/core/testing/seat-kit.js';

// The seat's half of protocol v2 against the real hub app, in process.

const { startRealHub } = useRealHubs();
let hub: RealHub | null = null;
let kit: SeatKit | null = null;
afterEach(async () => {
  await kit?.close();
  kit = null;
  await hub?.close();
  hub = null;
});

async function signedInSeat(): Promise<{ hub: RealHub; kit: SeatKit }> {
  hub = await startRealHub();
  kit = startSeatKit({
    hubUrl: hub.url,
    keyStore: fixedKeyStore(Buffer.alloc(32, 3)),
    offlineSignIn: true,
  });
  await kit.call('session.login', { account: 'agent01', password: 'demo1234', extension: '1001' });
  return { hub, kit };
}

async function hubOrder(at: TestHub, orderNo: string): Promise<HubOrder> {
  const { token } = await login(at.app, 'lead01', '1901');
  const res = await at.app.inject({
    method: 'GET',
    url: HUB_PATHS.order(orderNo),
    headers: bearer(token),
  });
  expect(res.statusCode).toBe(200);
  return res.json<HubOrder>();
}

async function synced(seat: SeatKit, localId: string): Promise<LocalOrder> {
  let order: LocalOrder | null = null;
  await eventually(() => {
    void seat.call('order.get', { localId }).then((o) => (order = o));
    return order?.status === 'synced' && order.hub !== null;
  }, 10_000);
  if (!order) throw new Error('unreachable');
  return order;
}

/**
 * An order saved and synced; then the hub goes down for the seat, and a lead changes the
 * order's summary at the hub meanwhile. The hub stays down: the test starts it again.
 */
async function leadEditsWhileSeatIsCut(hub: RealHub, seat: SeatKit, summary: string) {
  const saved = await seat.call('order.save', { order: sampleOrderInput() });
  const first = await synced(seat, saved.localId);
  const orderNo = first.orderNo ?? '';
  await hub.stop();
  await hub.whileDown(async (at) => {
    const { token } = await login(at.app, 'lead01', '1901');
    const res = await at.app.inject({
      method: 'PATCH',
      url: HUB_PATHS.order(orderNo),
      headers: bearer(token),
      payload: { baseVersion: first.hub?.version, changes: { summary } },
    });
    expect(res.statusCode).toBe(200);
  });
  return { saved, orderNo };
}

describe('protocol v2 against the real hub', () => {
  it('an offline edit meets a lead’s edit: field by field, the conflict shown and decided', async () => {
    const { hub, kit } = await signedInSeat();
    // The lead edits the summary at the hub while the seat cannot see it...
    const { saved, orderNo } = await leadEditsWhileSeatIsCut(hub, kit, '组长改过的摘要');
    // ...and the agent edits the summary and the address on the seat, offline.
    const edited = await kit.call('order.update', {
      localId: saved.localId,
      changes: { summary: '坐席离线改的摘要', citizenAddress: '南城街道新地址' },
    });
    expect(edited).toMatchObject({ status: 'pending', pendingEdits: 1 });
    expect(edited.input.summary).toBe('坐席离线改的摘要');

    await hub.start();
    await eventually(() => kit.events.some((e) => e.event === 'conflicts.changed'), 10_000);
    const [conflict] = await kit.call('conflict.list', {});
    expect(conflict).toMatchObject({
      localId: saved.localId,
      orderNo,
      field: 'summary',
      seatValue: '坐席离线改的摘要',
      hubValue: '组长改过的摘要',
      resolution: null,
    });
    const afterPush = await synced(kit, saved.localId);
    // The address took the seat's value, the summary kept the hub's.
    expect(afterPush.input).toMatchObject({
      summary: '组长改过的摘要',
      citizenAddress: '南城街道新地址',
    });
    expect(afterPush.openConflicts).toBe(1);
    expect(await kit.call('sync.status', {})).toMatchObject({ conflicts: 1, pending: 0 });

    // The agent keeps the seat's value: shown at once, then true at the hub.
    await kit.call('conflict.resolve', { conflictId: conflict?.conflictId ?? '', choice: 'seat' });
    const deciding = await kit.call('order.get', { localId: saved.localId });
    expect(deciding?.input.summary).toBe('坐席离线改的摘要');
    await kit.call('sync.now', {});
    expect(await kit.call('conflict.list', {})).toEqual([]);
    expect(await hubOrder(hub.hub, orderNo)).toMatchObject({
      summary: '坐席离线改的摘要',
      citizenAddress: '南城街道新地址',
    });
    const final = await kit.call('order.get', { localId: saved.localId });
    expect(final).toMatchObject({ status: 'synced', openConflicts: 0, pendingEdits: 0 });
    expect(final?.input.summary).toBe('坐席离线改的摘要');
  });

  it('an offline edit of one field, acknowledged after a lead changed another, still brings the lead’s field back', async () => {
    const { hub, kit } = await signedInSeat();
    const { saved, orderNo } = await leadEditsWhileSeatIsCut(hub, kit, '组长补充：已联系物业');
    await kit.call('order.update', {
      localId: saved.localId,
      changes: { citizenAddress: '东城街道主山社区' },
    });
    await hub.start();
    await kit.call('sync.now', {});
    await kit.call('sync.now', {});

    // No conflict (different fields), and the seat holds both changes, as the hub does.
    expect(await kit.call('conflict.list', {})).toEqual([]);
    const atHub = await hubOrder(hub.hub, orderNo);
    expect(atHub).toMatchObject({
      summary: '组长补充：已联系物业',
      citizenAddress: '东城街道主山社区',
    });
    const onSeat = await kit.call('order.get', { localId: saved.localId });
    expect(onSeat).toMatchObject({ status: 'synced', pendingEdits: 0 });
    expect(onSeat?.input).toMatchObject({
      summary: '组长补充：已联系物业',
      citizenAddress: '东城街道主山社区',
    });
    expect(onSeat?.hub?.version).toBe(atHub.version);
  });

  it('an order a lead assigns to the agent arrives with origin hub, and can be edited', async () => {
    const { hub, kit } = await signedInSeat();
    // Another agent's order, pushed from another seat.
    const other = await login(hub.hub.app, 'agent02', '1002');
    const push = await hub.hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.syncPush,
      headers: bearer(other.token),
      payload: {
        protocol: SYNC_PROTOCOL_VERSION,
        seatId: 'seat-other',
        mutations: [
          {
            id: randomUUID(),
            name: 'order.create',
            clientOrderId: randomUUID(),
            args: sampleOrderInput({ summary: '需要回访的工单', citizenName: '赵先生' }),
          },
        ],
      },
    });
    expect(push.statusCode).toBe(200);
    const [result] = push.json<PushResponse>().results;
    if (result?.status !== 'applied') throw new Error('the other seat’s order was not applied');

    const { token } = await login(hub.hub.app, 'lead01', '1901');
    const assign = await hub.hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.orderAssign(result.orderNo),
      headers: bearer(token),
      payload: { agentId: 'ag-001', note: '请回访' },
    });
    expect(assign.statusCode).toBe(200);

    await eventually(
      () =>
        kit.events.some((e) => e.event === 'order.updated' && e.payload.orderNo === result.orderNo),
      10_000,
    );
    const list = await kit.call('order.list', {});
    const assigned = list.find((o) => o.orderNo === result.orderNo);
    expect(assigned).toMatchObject({
      origin: 'hub',
      status: 'synced',
      input: { summary: '需要回访的工单', citizenName: '赵先生' },
      hub: { assignedTo: 'ag-001' },
    });

    await kit.call('order.update', {
      localId: assigned?.localId ?? '',
      changes: { citizenAddress: '回访后确认的地址' },
    });
    await kit.call('sync.now', {});
    expect(await hubOrder(hub.hub, result.orderNo)).toMatchObject({
      citizenAddress: '回访后确认的地址',
    });
  });

  it('kb.search answers from the articles shown before while the hub is down', async () => {
    const { hub, kit } = await signedInSeat();
    const online = await kit.call('kb.search', { q: '社保转移' });
    expect(online.offline).toBe(false);
    expect(online.hits.length).toBeGreaterThan(0);
    await eventually(() => kit.logs.length > 0);

    await hub.stop();
    const offline = await kit.call('kb.search', { q: '社保转移' });
    expect(offline.offline).toBe(true);
    expect(offline.hits.map((h) => h.id)).toContain(online.hits[0]?.id);
  });
});
