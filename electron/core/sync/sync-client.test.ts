import { afterEach, describe, expect, it } from 'vitest';
import type { LocalOrder } from '../../../shared/desk-api.js';
import { sampleOrderInput, startFakeHub, type FakeHub } from '../../../tests/fakes/hub-sync.js';
import type { SeatCoreEvent } from '../events.js';
import { eventually, startSeatKit, type SeatKit } from '../testing/seat-kit.js';

let hub: FakeHub | null = null;
let kit: SeatKit | null = null;

afterEach(async () => {
  await kit?.close();
  await hub?.close();
  kit = null;
  hub = null;
});

async function setUp(options: Parameters<typeof startFakeHub>[0] = {}) {
  hub = await startFakeHub(options);
  kit = startSeatKit({ hubUrl: hub.url });
  await kit.login();
  await kit.call('sync.now', {});
  return { hub, kit };
}

const updatedTo =
  (localId: string, status: LocalOrder['status']) =>
  (e: SeatCoreEvent): boolean =>
    e.event === 'order.updated' && e.payload.localId === localId && e.payload.status === status;

/** Hub orders made from each local id; exactly once means one each. */
function hubOrdersPerLocalId(h: FakeHub): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of h.orders.values()) {
    if (o.clientOrderId) counts.set(o.clientOrderId, (counts.get(o.clientOrderId) ?? 0) + 1);
  }
  return counts;
}

async function saveMany(kit: SeatKit, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push((await kit.call('order.save', { order: sampleOrderInput() })).localId);
  }
  return ids;
}

describe('sync client', () => {
  it('keeps an order pending while the hub is down and syncs it once when it is back', async () => {
    const { hub, kit } = await setUp();
    await hub.stop();

    const saved = await kit.call('order.save', { order: sampleOrderInput() });
    expect(saved.status).toBe('pending');
    await eventually(() =>
      kit.events.some((e) => e.event === 'sync.status' && !e.payload.hubReachable),
    );
    const offline = await kit.call('sync.status', {});
    expect(offline).toMatchObject({ hubReachable: false, pending: 1, conflicts: 0 });
    expect(offline.lastError).toMatch(/cannot be reached/);
    // Backing off: the status says when the next attempt is due.
    const backingOff = await kit.waitForEvent(
      (e) => e.event === 'sync.status' && e.payload.nextRetryAt !== null,
    );
    if (backingOff.event !== 'sync.status') throw new Error('unreachable');
    const retryAt = Date.parse(backingOff.payload.nextRetryAt ?? '');
    expect(retryAt - Date.now()).toBeLessThanOrEqual(1_000);
    expect((await kit.call('order.list', {}))[0]).toMatchObject({ status: 'pending' });

    await hub.start();
    // No sync.now: the events stream reconnecting is what tells the seat the hub is back.
    const synced = await kit.waitForEvent(updatedTo(saved.localId, 'synced'));
    if (synced.event !== 'order.updated') throw new Error('unreachable');

    const onHub = [...hub.orders.values()].filter((o) => o.clientOrderId === saved.localId);
    expect(onHub).toHaveLength(1);
    expect(synced.payload.orderNo).toBe(onHub[0]?.orderNo);
    await eventually(() => {
      const last = kit.events.findLast((e) => e.event === 'sync.status');
      return last?.event === 'sync.status' && !last.payload.syncing;
    });
    expect(await kit.call('sync.status', {})).toMatchObject({
      hubReachable: true,
      pending: 0,
      lastError: null,
    });
  });

  it('splits a batch the hub refuses as too large; every order arrives exactly once (F08)', async () => {
    const { hub, kit } = await setUp({ bodyLimitBytes: 300_000 });
    await hub.stop();
    const saved: string[] = [];
    for (let i = 0; i < 100; i++) {
      // About 12 kB of UTF-8 each: 100 of them make 1.2 MB.
      const summary = `第${i}单：` + '施工噪音扰民'.repeat(660);
      saved.push((await kit.call('order.save', { order: sampleOrderInput({ summary }) })).localId);
    }

    await hub.start();
    await eventually(() => hub.eventClients > 0);
    const status = await kit.call('sync.now', {});

    expect(status).toMatchObject({ pending: 0, rejected: 0, lastError: null });
    expect(hub.pushes.some((p) => p.status === 413)).toBe(true);
    expect(hub.pushes.filter((p) => p.status === 200).every((p) => p.bytes <= 300_000)).toBe(true);
    const perId = hubOrdersPerLocalId(hub);
    expect(saved.every((id) => perId.get(id) === 1)).toBe(true);
    expect(hub.orders.size).toBe(100);
    const local = await kit.call('order.list', {});
    expect(local.every((o) => o.status === 'synced' && o.orderNo)).toBe(true);
  });

  it('marks a rejected mutation rejected with the reason and never sends it again', async () => {
    const { hub, kit } = await setUp({
      rejectMutation: (m) =>
        m.name === 'order.create' && m.args.summary.includes('无效')
          ? 'The address is outside Dongguan.'
          : null,
    });
    const bad = await kit.call('order.save', { order: sampleOrderInput({ summary: '无效地址' }) });
    const good = await kit.call('order.save', { order: sampleOrderInput() });

    const rejected = await kit.waitForEvent(updatedTo(bad.localId, 'rejected'));
    await kit.waitForEvent(updatedTo(good.localId, 'synced'));
    expect(rejected.payload).toMatchObject({ rejectReason: 'The address is outside Dongguan.' });

    await kit.call('sync.now', {});
    await kit.call('sync.now', {});
    const [mutationId] = [...hub.received.keys()].filter(
      (id) => ![...hub.orders.values()].some((o) => o.mutationId === id),
    );
    expect(mutationId).toBeDefined();
    expect(hub.received.get(mutationId ?? '')).toBe(1);
    expect(await kit.call('sync.status', {})).toMatchObject({ pending: 0, rejected: 1 });
    expect(await kit.call('order.list', {})).toContainEqual(
      expect.objectContaining({ localId: bad.localId, status: 'rejected' }),
    );
    const refusals = await kit.call('sync.rejected', {});
    expect(refusals).toEqual([
      expect.objectContaining({
        mutationId,
        name: 'order.create',
        localId: bad.localId,
        code: 'invalid',
        reason: 'The address is outside Dongguan.',
      }),
    ]);
    expect(kit.events.some((e) => e.event === 'sync.rejected')).toBe(true);

    // Dismissed: the refusal and its refused order leave the seat.
    await kit.call('sync.dismiss', { mutationId: mutationId ?? '' });
    expect(await kit.call('sync.rejected', {})).toEqual([]);
    expect(await kit.call('order.get', { localId: bad.localId })).toBeNull();
    expect(await kit.core.handle('sync.dismiss', { mutationId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('takes a duplicate answer after a lost one, keeping the first order number', async () => {
    const { hub, kit } = await setUp();
    hub.loseNextAnswers(1);

    const saved = await kit.call('order.save', { order: sampleOrderInput() });
    const synced = await kit.waitForEvent(updatedTo(saved.localId, 'synced'));

    expect([...hub.received.values()]).toEqual([2]);
    expect(hub.orders.size).toBe(1);
    expect(synced.payload).toMatchObject({ orderNo: [...hub.orders.keys()][0] });
  });

  it('sends a batch whose answer was lost once again as it is, not split', async () => {
    const { hub, kit } = await setUp();
    await hub.stop();
    const saved = await saveMany(kit, 10);
    await hub.start();
    hub.loseNextAnswers(1);

    await eventually(() => hub.pushes.length >= 2);
    await kit.call('sync.now', {});
    expect(hub.pushes.map((p) => p.mutations)).toEqual([10, 10]);
    expect(await kit.call('sync.status', {})).toMatchObject({ pending: 0, rejected: 0 });
    const perId = hubOrdersPerLocalId(hub);
    expect(saved.every((id) => perId.get(id) === 1)).toBe(true);
  });

  it('splits only a batch that dies twice in a row while the hub is up; the caps grow back', async () => {
    const { hub, kit } = await setUp();
    await hub.stop();
    const saved = await saveMany(kit, 10);
    await hub.start();
    hub.loseNextAnswers(2);

    await eventually(() => hub.orders.size === 10);
    await kit.call('sync.now', {});
    // Sent twice as it was, then split (by count and bytes) into smaller batches.
    const sizes = hub.pushes.map((p) => p.mutations);
    expect(sizes.slice(0, 2)).toEqual([10, 10]);
    expect(sizes.slice(2).every((n) => n < 10)).toBe(true);
    expect(sizes.slice(2).reduce((a, b) => a + b, 0)).toBe(10);
    expect(hub.pushes.every((p) => p.status === 200)).toBe(true);
    const perId = hubOrdersPerLocalId(hub);
    expect(saved.every((id) => perId.get(id) === 1)).toBe(true);

    // Back to full batches: ten more orders go in one push.
    await hub.stop();
    await saveMany(kit, 10);
    await hub.start();
    await eventually(() => hub.orders.size === 20);
    expect(hub.pushes.at(-1)?.mutations).toBe(10);
  });

  it('never refuses a lone mutation because its connection was cut', async () => {
    const { hub, kit } = await setUp();
    hub.loseNextAnswers(3);
    const saved = await kit.call('order.save', { order: sampleOrderInput() });

    await kit.waitForEvent(updatedTo(saved.localId, 'synced'));
    expect(hub.pushes.map((p) => p.mutations)).toEqual([1, 1, 1, 1]);
    expect(await kit.call('sync.status', {})).toMatchObject({ pending: 0, rejected: 0 });
    expect(await kit.call('sync.rejected', {})).toEqual([]);
  });

  it('rejects only the mutation a 400 names and sends the rest', async () => {
    const { hub, kit } = await setUp({
      refusePush: (m) =>
        m.name === 'order.create' && m.args.summary.includes('旧分类')
          ? { field: 'category', message: 'category has been retired' }
          : null,
    });
    await hub.stop();
    const first = await kit.call('order.save', { order: sampleOrderInput() });
    const bad = await kit.call('order.save', { order: sampleOrderInput({ summary: '旧分类' }) });
    const last = await kit.call('order.save', { order: sampleOrderInput() });

    await hub.start();
    await eventually(() => hub.eventClients > 0);
    const status = await kit.call('sync.now', {});

    expect(status).toMatchObject({ pending: 0, rejected: 1 });
    expect(hub.pushes.some((p) => p.status === 400)).toBe(true);
    const list = await kit.call('order.list', {});
    const rejected = list.find((o) => o.status === 'rejected');
    expect(rejected?.localId).toBe(bad.localId);
    expect(rejected?.rejectReason).toMatch(/category has been retired/);
    expect(
      list
        .filter((o) => o.status === 'synced')
        .map((o) => o.localId)
        .sort(),
    ).toEqual([first.localId, last.localId].sort());
    expect(hubOrdersPerLocalId(hub).get(bad.localId)).toBeUndefined();
  });

  it('isolates a refused mutation when the 400 names no field', async () => {
    const { hub, kit } = await setUp({
      refusePush: (m) =>
        m.name === 'order.create' && m.args.summary.includes('坏')
          ? { field: null, message: 'The order cannot be taken.' }
          : null,
    });
    await hub.stop();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const summary = i === 4 ? '坏单' : `第${i}单`;
      ids.push((await kit.call('order.save', { order: sampleOrderInput({ summary }) })).localId);
    }
    await hub.start();
    await eventually(() => hub.eventClients > 0);
    expect(await kit.call('sync.now', {})).toMatchObject({ pending: 0, rejected: 1 });
    const rejected = (await kit.call('order.list', {})).filter((o) => o.status === 'rejected');
    expect(rejected.map((o) => o.localId)).toEqual([ids[4]]);
    expect(hub.orders.size).toBe(5);
  });

  it('ends the session when the hub refuses the token', async () => {
    const { hub, kit } = await setUp();
    hub.revokeTokens();
    await kit.call('order.save', { order: sampleOrderInput() });

    const ended = await kit.waitForEvent((e) => e.event === 'session.ended');
    expect(ended.payload).toMatchObject({ reason: expect.stringContaining('sign in') });
    expect(await kit.call('session.get', {})).toBeNull();
    expect(await kit.call('sync.status', {})).toMatchObject({ pending: 1 });

    await kit.login();
    await kit.call('sync.now', {});
    expect(await kit.call('sync.status', {})).toMatchObject({ pending: 0 });
  });

  it('pulls hub changes to its own orders when the hub says orders changed', async () => {
    const { hub, kit } = await setUp();
    const saved = await kit.call('order.save', { order: sampleOrderInput() });
    await kit.waitForEvent(updatedTo(saved.localId, 'synced'));
    const before = kit.events.length;

    const onHub = [...hub.orders.values()][0];
    if (!onHub) throw new Error('no hub order');
    onHub.state = 'dispatched';
    onHub.version = 1000;
    await eventually(() => hub.eventClients > 0);
    hub.emit({ type: 'orders.changed' });

    await eventually(() =>
      kit.events
        .slice(before)
        .some((e) => e.event === 'order.updated' && e.payload.localId === saved.localId),
    );
    expect(hub.requests.filter((r) => r.endsWith('/sync/pull')).length).toBeGreaterThan(1);
  });
});
