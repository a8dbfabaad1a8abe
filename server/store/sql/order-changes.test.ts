import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { OrderChanges } from '../../../shared/order.js';
import type { MutationResult } from '../../../shared/sync-protocol.js';
import { testBackends } from '../../testing/store-backends.js';
import { SAMPLE_NOW, sampleArticle, samplePush } from '../../testing/store-samples.js';
import { openHubStore, storeTarget } from '../open-store.js';
import {
  OrderChangeError,
  type HubStore,
  type OrderUpdateItem,
  type PushBatch,
  type PushItem,
} from '../repository.js';
import type { SqlHubStore } from './sql-store.js';

const LEAD = { by: 'lead01', at: SAMPLE_NOW + 1000 };

function update(
  id: string,
  order: OrderUpdateItem['order'],
  baseVersion: number | null,
  changes: OrderChanges,
): OrderUpdateItem {
  return { kind: 'update', mutationId: `u-${id}`, order, baseVersion, changes };
}

function resolve(id: string, conflictId: string, choice: 'hub' | 'seat'): PushItem {
  return { kind: 'resolve', mutationId: `r-${id}`, conflictId, choice };
}

function batch(items: PushItem[], seatId = 'seat-1', agentId = 'a1', now = SAMPLE_NOW): PushBatch {
  return { seatId, agentId, now, items };
}

function applied(result: MutationResult | undefined) {
  if (result?.status !== 'applied') throw new Error(`not applied: ${JSON.stringify(result)}`);
  return result;
}

describe.each(testBackends())('order changes on $name', (backend) => {
  let store: HubStore;

  beforeEach(async () => {
    store = await openHubStore(storeTarget(await backend.scratch()));
    return () => store.close();
  });
  afterAll(() => backend.cleanup());

  /** One order pushed by agent a1 from seat-1; answers its number and version. */
  async function created(id = '1'): Promise<{ orderNo: string; version: number }> {
    const [result] = await store.orders.applyPush(samplePush([id]));
    return applied(result);
  }

  async function revisionFields(orderNo: string) {
    return ((await store.orders.revisions(orderNo)) ?? []).map((r) => [r.field, r.newValue, r.by]);
  }

  it('applies a mixed batch in order, creates in bulk between updates', async () => {
    const items: PushItem[] = [
      ...samplePush(['1', '2']).items,
      update('1', { clientOrderId: 'c-1' }, null, { summary: '路灯不亮，已两周' }),
      ...samplePush(['3']).items,
      update('2', { clientOrderId: 'c-3' }, null, { territory: 'DC', citizenName: '李四' }),
    ];
    const results = await store.orders.applyPush(batch(items));
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['m-1', 'applied'],
      ['m-2', 'applied'],
      ['u-1', 'applied'],
      ['m-3', 'applied'],
      ['u-2', 'applied'],
    ]);
    // Every change takes the next version of the one counter, in the batch's order.
    expect(results.map((r) => applied(r).version)).toEqual([1, 2, 3, 4, 5]);
    const first = await store.orders.get('DG20261203000001');
    expect(first).toMatchObject({ summary: '路灯不亮，已两周', version: 3 });
    expect(await store.orders.get('DG20261203000003')).toMatchObject({
      territory: 'DC',
      citizenName: '李四',
      version: 5,
    });
    expect(await revisionFields('DG20261203000001')).toEqual([
      ['summary', '路灯不亮，已两周', 'seat:seat-1'],
    ]);
    const [revision] = (await store.orders.revisions('DG20261203000001')) ?? [];
    expect(revision).toMatchObject({ oldValue: '路灯不亮', seatId: 'seat-1', mutationId: 'u-1' });
  });

  it('refuses a mutation id another seat already used, and a base version the hub never made', async () => {
    const { orderNo, version } = await created();
    // The same create id from another seat is no retry: it would tie that seat's order
    // to this one.
    const [stolen] = await store.orders.applyPush({ ...samplePush(['1']), seatId: 'seat-2' });
    expect(stolen).toMatchObject({ status: 'rejected', code: 'invalid' });
    expect(await store.orders.count()).toBe(1);

    await store.orders.edit(orderNo, version, { territory: 'DC' }, LEAD);
    const after = (await store.orders.get(orderNo))?.version ?? 0;
    const [ahead] = await store.orders.applyPush(
      batch([update('9', { orderNo }, after + 100_000, { territory: 'NC' })]),
    );
    expect(ahead).toMatchObject({ status: 'rejected', code: 'invalid' });
    expect((ahead as { reason: string }).reason).toMatch(/ahead/);
    expect(await store.orders.get(orderNo)).toMatchObject({ territory: 'DC', version: after });
    await expect(
      store.orders.edit(orderNo, after + 1, { summary: '来自未来的版本' }, LEAD),
    ).rejects.toMatchObject({ code: 'ahead' });
    expect(await store.orders.latestVersion()).toBe(after);
  });

  it('applies each kind of mutation once: a repeated batch is all duplicates, nothing rewritten', async () => {
    const { orderNo } = await created();
    await store.orders.edit(orderNo, 1, { summary: '组长改过' }, LEAD);
    const first = await store.orders.applyPush(
      batch([update('1', { orderNo }, 1, { summary: '座席改的', citizenName: '王五' })]),
    );
    const conflictId = applied(first[0]).conflicts?.[0]?.conflictId ?? '';
    const items: PushItem[] = [
      ...samplePush(['1', '2']).items,
      update('1', { orderNo }, 1, { summary: '座席改的', citizenName: '王五' }),
      resolve('1', conflictId, 'seat'),
      update('3', { clientOrderId: 'c-2' }, null, { callerNumber: '0769-2222 3333' }),
    ];
    const once = await store.orders.applyPush(batch(items));
    expect(once.map((r) => r.status)).toEqual([
      'duplicate',
      'applied',
      'duplicate',
      'applied',
      'applied',
    ]);
    const revisionsBefore = await revisionFields(orderNo);
    const versionBefore = (await store.orders.get(orderNo))?.version;
    const again = await store.orders.applyPush(batch(items));
    expect(again.map((r) => r.status)).toEqual(Array(5).fill('duplicate'));
    // A duplicate answers where its mutation landed, as the first answer did.
    expect(again.map((r) => ('version' in r ? r.version : null))).toEqual(
      once.map((r) => ('version' in r ? r.version : null)),
    );
    expect(await revisionFields(orderNo)).toEqual(revisionsBefore);
    expect((await store.orders.get(orderNo))?.version).toBe(versionBefore);
    // The caller key follows an edited number: the caller history finds the order by it.
    const history = await store.orders.byCaller('076922223333', { limit: 5, offset: 0 });
    expect(history.orders.map((o) => o.clientOrderId)).toEqual(['c-2']);
  });

  it('takes two offline edits of one field from the same seat without a conflict', async () => {
    const items: PushItem[] = [
      ...samplePush(['1']).items,
      update('1', { clientOrderId: 'c-1' }, null, { summary: '第一次改' }),
      update('2', { clientOrderId: 'c-1' }, null, { summary: '第二次改' }),
    ];
    const results = await store.orders.applyPush(batch(items));
    expect(results.map((r) => ('conflicts' in r ? r.conflicts : undefined))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(await store.orders.get('DG20261203000001')).toMatchObject({ summary: '第二次改' });
    expect(await store.orders.conflicts('DG20261203000001')).toEqual([]);
  });

  it('keeps the hub value of a field a lead changed, applies the others, records the conflict', async () => {
    const { orderNo, version } = await created();
    const edited = await store.orders.edit(orderNo, version, { summary: '组长核实后改写' }, LEAD);
    expect(edited.order.version).toBe(version + 1);

    // The seat edited offline on the version it had seen, before the lead's edit.
    const [result] = await store.orders.applyPush(
      batch([update('1', { orderNo }, version, { summary: '座席离线改写', territory: 'DC' })]),
    );
    const done = applied(result);
    expect(done.conflicts).toEqual([
      expect.objectContaining({
        orderNo,
        field: 'summary',
        seatValue: '座席离线改写',
        hubValue: '组长核实后改写',
        hubChangedBy: 'lead01',
        seatId: 'seat-1',
        mutationId: 'u-1',
        resolution: null,
      }),
    ]);
    expect(await store.orders.get(orderNo)).toMatchObject({
      summary: '组长核实后改写',
      territory: 'DC',
      version: done.version,
    });
    // Nothing is dropped: the seat's value is in the conflict log, the rest in revisions.
    expect(await revisionFields(orderNo)).toEqual([
      ['summary', '组长核实后改写', 'lead01'],
      ['territory', 'DC', 'seat:seat-1'],
    ]);
    // An edit from another seat of the same agent counts as someone else's change too.
    const [other] = await store.orders.applyPush(
      batch([update('2', { orderNo }, version, { territory: 'SSH' })], 'seat-2'),
    );
    expect(applied(other).conflicts?.map((c) => [c.field, c.hubChangedBy])).toEqual([
      ['territory', 'seat:seat-1'],
    ]);
  });

  it('supersedes an open conflict when the field is edited again, at the seat or the hub', async () => {
    const { orderNo, version } = await created();
    await store.orders.edit(orderNo, version, { summary: '组长版', citizenName: '组长' }, LEAD);
    const [r1] = await store.orders.applyPush(
      batch([update('1', { orderNo }, version, { summary: '座席版', citizenName: '座席' })]),
    );
    const [onSummary, onName] = applied(r1).conflicts ?? [];
    const seen = applied(r1).version;
    // The seat, having pulled, edits the summary again: that conflict is superseded.
    const [r2] = await store.orders.applyPush(
      batch([update('2', { orderNo }, seen, { summary: '座席新版' })]),
    );
    expect(applied(r2).conflicts).toBeUndefined();
    // The lead edits the name: that one is superseded too.
    await store.orders.edit(orderNo, applied(r2).version, { citizenName: '核实姓名' }, LEAD);
    const log = (await store.orders.conflicts(orderNo)) ?? [];
    expect(log.map((c) => [c.conflictId, c.resolution?.choice, c.resolution?.by])).toEqual(
      expect.arrayContaining([
        [onSummary?.conflictId, 'superseded', 'seat:seat-1'],
        [onName?.conflictId, 'superseded', 'lead01'],
      ]),
    );
    expect(await store.orders.get(orderNo)).toMatchObject({
      summary: '座席新版',
      citizenName: '核实姓名',
    });
  });

  it('decides conflicts by mutation: seat writes its value, hub keeps; a decided one is unknown', async () => {
    const { orderNo, version } = await created();
    await store.orders.edit(orderNo, version, { summary: '组长版', citizenName: '组长' }, LEAD);
    const [r1] = await store.orders.applyPush(
      batch([update('1', { orderNo }, version, { summary: '座席版', citizenName: '座席' })]),
    );
    const [onSummary, onName] = applied(r1).conflicts ?? [];
    const results = await store.orders.applyPush(
      batch([
        resolve('1', onSummary?.conflictId ?? '', 'seat'),
        resolve('2', onName?.conflictId ?? '', 'hub'),
        resolve('3', onName?.conflictId ?? '', 'seat'),
        resolve('4', 'no-such-conflict', 'hub'),
      ]),
    );
    expect(results.map((r) => [r.status, 'code' in r ? r.code : null])).toEqual([
      ['applied', null],
      ['applied', null],
      ['rejected', 'unknown-conflict'],
      ['rejected', 'unknown-conflict'],
    ]);
    // Each decision gave the order a version, so a pull sees it.
    expect(applied(results[1]).version).toBeGreaterThan(applied(results[0]).version);
    expect(await store.orders.get(orderNo)).toMatchObject({
      summary: '座席版',
      citizenName: '组长',
      version: applied(results[1]).version,
    });
    const log = (await store.orders.conflicts(orderNo)) ?? [];
    expect(log.map((c) => [c.field, c.resolution?.choice, c.resolution?.by])).toEqual(
      expect.arrayContaining([
        ['summary', 'seat', 'seat:seat-1'],
        ['citizenName', 'hub', 'seat:seat-1'],
      ]),
    );
    expect((await revisionFields(orderNo)).at(-1)).toEqual(['summary', '座席版', 'seat:seat-1']);
    // A lead may decide at the hub; a conflict already decided is unknown there too.
    await expect(
      store.orders.resolveConflict(onName?.conflictId ?? '', 'seat', LEAD),
    ).rejects.toThrow(OrderChangeError);
  });

  it('refuses updates of unknown orders and of other agents’ orders, and stores nothing', async () => {
    const { orderNo } = await created();
    const results = await store.orders.applyPush(
      batch(
        [
          update('1', { orderNo }, null, { summary: '别人的工单' }),
          update('2', { clientOrderId: '00000000-0000-4000-8000-000000000000' }, null, {
            summary: '没有这张工单',
          }),
          update('3', { orderNo: 'DG20261203999999' }, null, { summary: '也没有' }),
        ],
        'seat-9',
        'a2',
      ),
    );
    expect(results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual([
      'forbidden',
      'unknown-order',
      'unknown-order',
    ]);
    expect(results[0]).toMatchObject({ reason: expect.stringContaining(orderNo) as string });
    expect(await revisionFields(orderNo)).toEqual([]);
    // A refused mutation is not recorded: it is not a duplicate of anything later.
    const sql = store as SqlHubStore;
    const log = await sql.db.selectFrom('applied_mutations').select('mutation_id').execute();
    expect(log.map((r) => r.mutation_id)).toEqual(['m-1']);
  });

  it('lets the assignee change the order and pull it with its open conflicts', async () => {
    await store.agents.insert({
      id: 'a2',
      account: 'agent02',
      name: '座席二',
      role: 'agent',
      homeExtension: '1002',
      queues: ['general'],
      passwordHash: 'x',
    });
    const { orderNo, version } = await created();
    await expect(store.orders.assign(orderNo, 'nobody', LEAD)).rejects.toMatchObject({
      code: 'unknown-agent',
    });
    const assigned = await store.orders.assign(orderNo, 'a2', { ...LEAD, note: '回访' });
    expect(assigned.order.assignedTo).toBe('a2');
    expect(assigned.notify.sort()).toEqual(['a1', 'a2']);
    await store.orders.edit(orderNo, assigned.order.version, { citizenAddress: '新地址' }, LEAD);

    const [r] = await store.orders.applyPush(
      batch([update('1', { orderNo }, version, { citizenAddress: '座席地址' })], 'seat-2', 'a2'),
    );
    expect(applied(r).conflicts).toHaveLength(1);
    const page = await store.orders.pull({ agentId: 'a2', afterVersion: 0, limit: 10 });
    expect(page.orders.map((o) => [o.orderNo, o.assignedTo])).toEqual([[orderNo, 'a2']]);
    expect(page.conflicts.map((c) => [c.field, c.seatValue])).toEqual([
      ['citizenAddress', '座席地址'],
    ]);
    expect(page.lastVersion).toBe(applied(r).version);
    // The owner pulls it too, once: by seat, and without a seat.
    const owner = await store.orders.pull({
      agentId: 'a1',
      seatId: 'seat-1',
      afterVersion: 0,
      limit: 10,
    });
    expect(owner.orders.map((o) => o.orderNo)).toEqual([orderNo]);
    const revisions = (await store.orders.revisions(orderNo)) ?? [];
    expect(revisions[0]).toMatchObject({ field: 'assignedTo', newValue: 'a2', note: '回访' });
  });

  it('pages an assignee’s pull by version across its own and assigned orders', async () => {
    await store.orders.applyPush(samplePush(['1', '2', '3'], SAMPLE_NOW, 'seat-1'));
    await store.agents.insert({
      id: 'a2',
      account: 'agent02',
      name: '座席二',
      role: 'agent',
      homeExtension: '1002',
      queues: ['general'],
      passwordHash: 'x',
    });
    await store.orders.applyPush({ ...samplePush(['4']), seatId: 'seat-2', agentId: 'a2' });
    await store.orders.assign('DG20261203000002', 'a2', LEAD);
    const first = await store.orders.pull({ agentId: 'a2', afterVersion: 0, limit: 1 });
    expect(first.orders.map((o) => o.orderNo)).toEqual(['DG20261203000004']);
    expect(first.hasMore).toBe(true);
    const rest = await store.orders.pull({
      agentId: 'a2',
      afterVersion: first.lastVersion,
      limit: 5,
    });
    expect(rest.orders.map((o) => o.orderNo)).toEqual(['DG20261203000002']);
    expect(rest.hasMore).toBe(false);
  });

  it('refuses a stale hub edit naming the fields, and changes nothing', async () => {
    const { orderNo, version } = await created();
    await store.orders.edit(orderNo, version, { summary: '第一次' }, LEAD);
    const before = await store.orders.get(orderNo);
    const stale = store.orders.edit(orderNo, version, { summary: '第二次', territory: 'DC' }, LEAD);
    await expect(stale).rejects.toMatchObject({ code: 'stale', fields: ['summary'] });
    expect(await store.orders.get(orderNo)).toEqual(before);
    // A field nobody changed since may be edited on the old version.
    await store.orders.edit(orderNo, version, { territory: 'DC' }, LEAD);
    expect(await store.orders.get(orderNo)).toMatchObject({ summary: '第一次', territory: 'DC' });
  });

  it('records a reply: last reply, state replied, both in the log', async () => {
    const { orderNo } = await created();
    const { order } = await store.orders.reply(orderNo, '已派人维修', { by: 'unit01', at: 5 });
    expect(order).toMatchObject({ lastReply: '已派人维修', state: 'replied' });
    expect(await revisionFields(orderNo)).toEqual([
      ['lastReply', '已派人维修', 'unit01'],
      ['state', 'replied', 'unit01'],
    ]);
    await expect(store.orders.reply('DG20261203999999', 'x', LEAD)).rejects.toMatchObject({
      code: 'unknown-order',
    });
  });

  it('feeds KB publishes and retires after the seat’s cursor; a first pull gets only the end', async () => {
    const publish = async (id: string, title: string, at: number) => {
      const draft = await store.kb.saveDraft(sampleArticle(id, title), 'lead', at);
      await store.kb.transition(id, draft.version, 'in-review', 'lead', at + 1);
      await store.kb.transition(id, draft.version, 'published', 'admin', at + 2);
    };
    await publish('kb-1', '第一版', 100);
    const start = await store.kb.feed(0, 10);
    expect(start.items).toEqual([]);
    expect(start.cursor).toBeGreaterThan(0);
    await publish('kb-1', '第二版', 200);
    await store.kb.saveDraft(sampleArticle('kb-2', '只是草稿'), 'lead', 300);
    await store.kb.transition('kb-1', 2, 'retired', 'admin', 400);
    const feed = await store.kb.feed(start.cursor, 10);
    expect(feed.items.map((i) => [i.id, i.version, i.state, i.answer])).toEqual([
      ['kb-1', 1, 'retired', ''],
      ['kb-1', 2, 'published', '第二版的正文'],
      ['kb-1', 2, 'retired', ''],
    ]);
    const paged = await store.kb.feed(start.cursor, 2);
    expect(paged.hasMore).toBe(true);
    const next = await store.kb.feed(paged.cursor, 2);
    expect([...paged.items, ...next.items]).toEqual(feed.items);
    expect(next.cursor).toBe(feed.cursor);
  });

  it('makes a seat key once and answers the same one after', async () => {
    let made = 0;
    const make = () => `key-${++made}`;
    const first = await store.seatKeys.keyFor('web-seat-1', make, 'a1', 1);
    const again = await store.seatKeys.keyFor('web-seat-1', make, 'a2', 2);
    const other = await store.seatKeys.keyFor('web-seat-2', make, 'a1', 3);
    expect(first).toEqual({ dataKey: 'key-1', created: true });
    expect(again).toEqual({ dataKey: 'key-1', created: false });
    expect(other.created).toBe(true);
    expect(other.dataKey).not.toBe(first.dataKey);
  });
});
