import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/store-backends.js';
import { SAMPLE_NOW, samplePush, sampleImported } from '../../testing/store-samples.js';
import { orderDay } from '../../orders/order-number.js';
import { openHubStore, storeTarget } from '../open-store.js';
import type { HubStore } from '../repository.js';

const DAY = 24 * 60 * 60 * 1000;

describe.each(testBackends())('orders on $name', (backend) => {
  let store: HubStore;

  beforeEach(async () => {
    store = await openHubStore(storeTarget(await backend.scratch()));
    return () => store.close();
  });
  afterAll(() => backend.cleanup());

  it('numbers pushed orders DG + China date + 6 digits, versions from one counter', async () => {
    const results = await store.orders.applyPush(samplePush(['1', '2']));
    expect(results).toEqual([
      { id: 'm-1', status: 'applied', orderNo: 'DG20261203000001', version: 1 },
      { id: 'm-2', status: 'applied', orderNo: 'DG20261203000002', version: 2 },
    ]);
    // After 16:00 UTC it is already the next day in China.
    const late = Date.parse('2026-12-03T16:30:00Z');
    const [next] = await store.orders.applyPush(samplePush(['3'], late));
    expect(next).toMatchObject({ orderNo: 'DG20261204000001', version: 3 });
    expect(await store.orders.count()).toBe(3);
  });

  it('applies a mutation id once, ever, and refuses a taken client order id', async () => {
    await store.orders.applyPush(samplePush(['1']));
    const again = await store.orders.applyPush({
      ...samplePush(['1', '2', '2']),
      items: [
        ...samplePush(['1', '2']).items,
        // Same client order as m-2, under a new mutation id.
        { ...samplePush(['2']).items[0]!, mutationId: 'm-other' },
      ],
    });
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'applied', 'rejected']);
    expect(again[0]).toMatchObject({ orderNo: 'DG20261203000001', version: 1 });
    expect(again[2]).toMatchObject({ reason: expect.stringContaining('c-2') as string });
    expect(await store.orders.count()).toBe(2);
  });

  it('answers a mutation id repeated inside one batch as a duplicate of its first', async () => {
    const batch = samplePush(['1', '2', '1', '3']);
    const results = await store.orders.applyPush(batch);
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['m-1', 'applied'],
      ['m-2', 'applied'],
      ['m-1', 'duplicate'],
      ['m-3', 'applied'],
    ]);
    expect(results[2]).toEqual({ ...results[0], status: 'duplicate' });
    // Numbers and versions stay consecutive in batch order, the repeat taking none.
    expect(results.flatMap((r) => (r.status === 'applied' ? [r.orderNo, r.version] : []))).toEqual([
      'DG20261203000001',
      1,
      'DG20261203000002',
      2,
      'DG20261203000003',
      3,
    ]);
    expect(await store.orders.count()).toBe(3);
    // A whole full-size push is one transaction: every order is there with its client id.
    const big = samplePush(Array.from({ length: 200 }, (_, i) => `b${i}`));
    const bigResults = await store.orders.applyPush(big);
    expect(bigResults.every((r) => r.status === 'applied')).toBe(true);
    expect(await store.orders.count()).toBe(203);
    expect(await store.orders.get('DG20261203000203')).toMatchObject({
      clientOrderId: 'c-b199',
      version: 203,
    });
  });

  it('concurrent pushes with overlapping mutation ids never double an order or a number', async () => {
    // 12 seats push at once; each batch overlaps its neighbour's (ids i and i+1).
    const pushes = Array.from({ length: 12 }, (_, i) =>
      store.orders.applyPush(samplePush([String(i), String(i + 1)], SAMPLE_NOW, `seat-${i}`)),
    );
    const results = (await Promise.all(pushes)).flat();
    const applied = results.filter((r) => r.status === 'applied');
    expect(applied).toHaveLength(13);
    expect(await store.orders.count()).toBe(13);
    const numbers = applied.map((r) => (r.status === 'applied' ? r.orderNo : ''));
    expect(new Set(numbers).size).toBe(13);
    const versions = applied
      .map((r) => (r.status === 'applied' ? r.version : 0))
      .sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    // Every duplicate points at the order its id created.
    for (const r of results) {
      if (r.status !== 'duplicate') continue;
      const first = applied.find((a) => a.id === r.id);
      expect(first).toMatchObject({ orderNo: r.orderNo, version: r.version });
    }
  });

  it('imports history numbered by creation time, then pushes continue the day and the counter', async () => {
    const caller = '0769-2222 3333';
    await store.orders.importOrders([
      sampleImported(SAMPLE_NOW - 3000, caller),
      sampleImported(SAMPLE_NOW - 1 * DAY, '+86 138 0013 8000'),
      sampleImported(SAMPLE_NOW - 5000, caller),
    ]);
    const [pushed] = await store.orders.applyPush(samplePush(['1']));
    expect(pushed).toMatchObject({ orderNo: 'DG20261203000003', version: 4 });

    const history = await store.orders.byCaller('076922223333', { limit: 10, offset: 0 });
    expect(history.total).toBe(2);
    expect(history.orders.map((o) => o.orderNo)).toEqual(['DG20261203000002', 'DG20261203000001']);
    expect(history.orders[0]).toMatchObject({ state: 'closed', lastReply: '已处理' });
    const mobile = await store.orders.byCaller('13800138000', { limit: 1, offset: 1 });
    // The pushed order (newest) and the imported one share the mobile number's key.
    expect(mobile.total).toBe(2);
    expect(mobile.orders.map((o) => o.orderNo)).toEqual(['DG20261202000001']);
    // Past the last page the total still comes with the (empty) page; unknown: nothing.
    const past = await store.orders.byCaller('076922223333', { limit: 10, offset: 5 });
    expect(past).toEqual({ orders: [], total: 2 });
    expect(await store.orders.byCaller('10000', { limit: 10, offset: 0 })).toEqual({
      orders: [],
      total: 0,
    });
  });

  it('imports a large batch across days with consecutive numbers per day', async () => {
    const orders = Array.from({ length: 5000 }, (_, i) =>
      sampleImported(
        SAMPLE_NOW - 3 * DAY + i * 60_000,
        `1380013${String(i % 500).padStart(4, '0')}`,
      ),
    );
    await store.orders.importOrders(orders);
    expect(await store.orders.count()).toBe(5000);
    const first = await store.orders.byCaller('13800130000', { limit: 100, offset: 0 });
    expect(first.total).toBe(10);
    // Each number carries the China date of its order, across the day boundaries.
    for (const order of first.orders) {
      expect(order.orderNo.slice(2, 10)).toBe(orderDay(Date.parse(order.createdAt)));
    }
    const last = first.orders.at(-1)!;
    expect(last.orderNo).toBe('DG20261130000001');
    expect(last.version).toBe(1);
  });

  it('pulls by seat or by agent in version order, in pages', async () => {
    await store.orders.applyPush(samplePush(['1', '2'], SAMPLE_NOW, 'seat-a'));
    await store.orders.applyPush(samplePush(['3'], SAMPLE_NOW, 'seat-b'));
    const page = await store.orders.pull({
      seatId: 'seat-a',
      agentId: 'a1',
      afterVersion: 0,
      limit: 1,
    });
    expect(page).toMatchObject({ lastVersion: 1, hasMore: true });
    const rest = await store.orders.pull({
      seatId: 'seat-a',
      agentId: 'a1',
      afterVersion: 1,
      limit: 5,
    });
    expect(rest.orders.map((o) => o.version)).toEqual([2]);
    expect(rest.hasMore).toBe(false);
    const byAgent = await store.orders.pull({ agentId: 'a1', afterVersion: 0, limit: 10 });
    expect(byAgent.orders.map((o) => o.version)).toEqual([1, 2, 3]);
    expect(await store.orders.get('DG20261203000003')).toMatchObject({ clientOrderId: 'c-3' });
    expect(await store.orders.get('DG20261203000009')).toBeNull();
  });
});
