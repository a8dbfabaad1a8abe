import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleOrderInput, startFakeHub, type FakeHub } from '../../tests/fakes/hub-sync.js';
import { fixedKeyStore } from './store/key-store.js';
import { startSeatKit, type SeatKit } from './testing/seat-kit.js';

// The desk methods of issue 4 through the seat core (a hub is needed only to sign in:
// the fake one; tests/e2e/seat-*.test.ts run the seat against the real hub).

const keyStore = fixedKeyStore(Buffer.alloc(32, 4));
const agent01 = { account: 'agent01', password: 'secret', extension: '1001' };
let hub: FakeHub | null = null;
const kits: SeatKit[] = [];
afterEach(async () => {
  for (const kit of kits.splice(0)) await kit.close();
  await hub?.close();
  hub = null;
});

async function seat(keepDir?: string): Promise<SeatKit> {
  hub ??= await startFakeHub();
  const kit = startSeatKit({ hubUrl: hub.url, keyStore, offlineSignIn: true, keepDir });
  kits.push(kit);
  await kit.call('session.login', agent01);
  return kit;
}

function draftRows(dir: string): number {
  const db = new Database(path.join(dir, 'seat.sqlite'), { readonly: true });
  const n = db.prepare('SELECT count(*) FROM drafts').pluck().get() as number;
  db.close();
  return n;
}

describe('drafts through the desk API', () => {
  it('a draft outlives a seat core that was never closed', async () => {
    const crashed = await seat();
    await crashed.call('draft.save', {
      slot: 'call-7',
      draft: { summary: '市民来电反映', callerNumber: '13800138000' },
    });
    // A second core opens the same folder while the first never closed: a restart after
    // a crash (WAL, synchronous FULL: the committed draft is in the file).
    const restarted = await seat(crashed.dir);
    expect(await restarted.call('draft.get', { slot: 'call-7' })).toMatchObject({
      draft: { summary: '市民来电反映', callerNumber: '13800138000' },
      savedAt: expect.any(String),
    });
  });

  it('the save that uses a draft clears it; discard clears it too', async () => {
    const kit = await seat();
    await kit.call('draft.save', { slot: 'new', draft: { summary: '草稿一' } });
    await kit.call('draft.save', { slot: 'call-1', draft: { summary: '草稿二' } });
    const saved = await kit.call('order.save', { order: sampleOrderInput(), draftSlot: 'new' });
    expect(await kit.call('draft.get', { slot: 'new' })).toBeNull();
    expect(draftRows(kit.dir)).toBe(1);

    await kit.call('order.update', {
      localId: saved.localId,
      changes: { summary: '改过的摘要' },
      draftSlot: 'call-1',
    });
    expect(await kit.call('draft.get', { slot: 'call-1' })).toBeNull();

    await kit.call('draft.save', { slot: 'x', draft: { summary: '要丢弃的' } });
    await kit.call('draft.discard', { slot: 'x' });
    expect(await kit.call('draft.get', { slot: 'x' })).toBeNull();
    expect(draftRows(kit.dir)).toBe(0);
  });

  it('keeps each agent’s drafts apart on a shared desk PC', async () => {
    const kit = await seat();
    await kit.call('draft.save', { slot: 'new', draft: { summary: '早班的草稿' } });
    await kit.call('session.logout', {});
    await kit.call('session.login', { account: 'agent02', password: 'secret', extension: '1002' });
    expect(await kit.call('draft.get', { slot: 'new' })).toBeNull();
    await kit.call('draft.save', { slot: 'new', draft: { summary: '晚班的草稿' } });

    await kit.call('session.logout', {});
    await kit.call('session.login', agent01);
    expect(await kit.call('draft.get', { slot: 'new' })).toMatchObject({
      draft: { summary: '早班的草稿' },
    });
    expect(draftRows(kit.dir)).toBe(2);
  });

  it('refuses a bad draft or edit by field, changing nothing', async () => {
    const kit = await seat();
    const saved = await kit.call('order.save', { order: sampleOrderInput() });
    const huge = await kit.core.handle('draft.save', {
      slot: 'new',
      draft: { citizenName: 'x'.repeat(201) },
    });
    expect(huge).toMatchObject({
      ok: false,
      error: { code: 'bad-request', field: 'draft.citizenName' },
    });
    const empty = await kit.core.handle('order.update', { localId: saved.localId, changes: {} });
    expect(empty).toMatchObject({ ok: false, error: { code: 'bad-request', field: 'changes' } });
    const unknown = await kit.core.handle('order.update', {
      localId: 'nope',
      changes: { summary: '改' },
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(draftRows(kit.dir)).toBe(0);
    expect(await kit.call('order.get', { localId: saved.localId })).toMatchObject({
      pendingEdits: 0,
      input: { summary: sampleOrderInput().summary },
    });
  });
});

describe('order edits', () => {
  it('lists by the seat’s save order even when the seat clock runs backwards', async () => {
    const kit = await seat();
    const first = await kit.call('order.save', { order: sampleOrderInput({ summary: '第一单' }) });
    const second = await kit.call('order.save', { order: sampleOrderInput({ summary: '第二单' }) });
    const db = new Database(path.join(kit.dir, 'seat.sqlite'));
    // The second was "saved" a day before the first, by the seat's clock.
    db.prepare(`UPDATE orders SET created_at = '2020-01-01T00:00:00.000Z' WHERE local_id = ?`).run(
      second.localId,
    );
    db.close();
    const list = await kit.call('order.list', {});
    expect(list.map((o) => o.localId).slice(0, 2)).toEqual([second.localId, first.localId]);
  });
});
