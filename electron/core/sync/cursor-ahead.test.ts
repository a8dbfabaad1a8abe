import { afterEach, describe, expect, it } from 'vitest';
import { sampleOrderInput, startFakeHub, type FakeHub } from '../../../tests/fakes/hub-sync.js';
import { startSeatKit, type SeatKit } from '../testing/seat-kit.js';

/** The hub restored from an older backup: the seat's pull cursors are ahead of it. */
let hub: FakeHub | null = null;
let kit: SeatKit | null = null;

afterEach(async () => {
  await kit?.close();
  await hub?.close();
  kit = hub = null;
});

async function setUp() {
  hub = await startFakeHub();
  kit = startSeatKit({ hubUrl: hub.url });
  await kit.login();
  await kit.call('sync.now', {});
  return { hub, kit };
}

const warnedAhead = (k: SeatKit) =>
  k.logs.some((l) => l.level === 40 && /ahead of it/.test(String(l.msg)));

describe('a pull cursor ahead of the hub (409 cursor_ahead)', () => {
  it('pulls again from 0 in the same round and then follows the restored hub', async () => {
    const { hub, kit } = await setUp();
    const a = await kit.call('order.save', { order: sampleOrderInput({ summary: '工单甲' }) });
    await kit.call('sync.now', {});
    const backup = hub.backup();
    await kit.call('order.save', { order: sampleOrderInput({ summary: '工单乙' }) });
    await kit.call('sync.now', {});

    hub.restore(backup);
    hub.pulls.length = 0;
    const status = await kit.call('sync.now', {});
    expect(status).toMatchObject({ lastError: null, hubReachable: true });
    expect(hub.pulls).toEqual([
      { cursor: '2', kbCursor: '0', status: 409 },
      { cursor: '0', kbCursor: '0', status: 200 },
    ]);
    expect(warnedAhead(kit)).toBe(true);

    // A change the restored hub makes now reaches the seat (with the old cursor it would
    // have stayed hidden until the hub's counter passed the seat's).
    const orderNo = (await kit.call('order.get', { localId: a.localId }))!.orderNo!;
    hub.editAtHub(orderNo, { summary: '中心改过的工单甲' });
    await kit.call('sync.now', {});
    expect((await kit.call('order.get', { localId: a.localId }))?.input.summary).toBe(
      '中心改过的工单甲',
    );
  });

  it('resets a KB cursor ahead of the hub too', async () => {
    const { hub, kit } = await setUp();
    hub.setKbCursor(7);
    await kit.call('sync.now', {});
    hub.setKbCursor(3);
    hub.pulls.length = 0;
    expect(await kit.call('sync.now', {})).toMatchObject({ lastError: null });
    expect(hub.pulls).toEqual([
      { cursor: '0', kbCursor: '7', status: 409 },
      { cursor: '0', kbCursor: '0', status: 200 },
    ]);
    await kit.call('sync.now', {});
    expect(hub.pulls.at(-1)).toEqual({ cursor: '0', kbCursor: '3', status: 200 });
  });

  it("rebases the seat's orders on the restored hub's versions, so later edits apply", async () => {
    const { hub, kit } = await setUp();
    const a = await kit.call('order.save', { order: sampleOrderInput({ summary: '原来的' }) });
    await kit.call('sync.now', {});
    const backup = hub.backup();
    await kit.call('order.update', { localId: a.localId, changes: { summary: '第一次改' } });
    await kit.call('sync.now', {});
    expect((await kit.call('order.get', { localId: a.localId }))?.hub?.version).toBe(2);

    hub.restore(backup);
    await kit.call('sync.now', {});
    const rebased = await kit.call('order.get', { localId: a.localId });
    expect(rebased?.hub?.version).toBe(1);
    expect(rebased?.input.summary).toBe('原来的');

    await kit.call('order.update', { localId: a.localId, changes: { summary: '第二次改' } });
    expect(await kit.call('sync.now', {})).toMatchObject({ pending: 0, rejected: 0 });
    const orderNo = rebased!.orderNo!;
    expect(hub.orders.get(orderNo)?.summary).toBe('第二次改');
  });

  it('shows an edit refused for a baseVersion ahead of the hub like any refusal', async () => {
    const { hub, kit } = await setUp();
    const a = await kit.call('order.save', { order: sampleOrderInput({ summary: '原来的' }) });
    await kit.call('sync.now', {});
    const backup = hub.backup();
    await kit.call('order.update', { localId: a.localId, changes: { summary: '第一次改' } });
    await kit.call('sync.now', {});

    await hub.stop();
    await kit.call('order.update', { localId: a.localId, changes: { summary: '离线再改' } });
    hub.restore(backup);
    await hub.start();

    const status = await kit.call('sync.now', {});
    expect(status).toMatchObject({ pending: 0, rejected: 1, lastError: null });
    const [refusal] = await kit.call('sync.rejected', {});
    expect(refusal).toMatchObject({ name: 'order.update', localId: a.localId, code: 'invalid' });
    expect(refusal?.reason).toMatch(/baseVersion 2 is ahead/);
    expect(kit.events.some((e) => e.event === 'sync.rejected')).toBe(true);
    // The seat shows the restored hub's values once the refused edit left the outbox.
    const order = await kit.call('order.get', { localId: a.localId });
    expect(order).toMatchObject({ status: 'synced', hub: { version: 1 } });
    expect(order?.input.summary).toBe('原来的');
  });
});
