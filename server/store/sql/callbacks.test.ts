import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/store-backends.js';
import { openHubStore, storeTarget } from '../open-store.js';
import type { HubStore } from '../repository.js';

const T0 = Date.parse('2026-12-03T02:00:00Z');

describe.each(testBackends())('callback list on $name', (backend) => {
  let store: HubStore;

  beforeEach(async () => {
    store = await openHubStore(storeTarget(await backend.scratch()));
    return () => store.close();
  });
  afterAll(() => backend.cleanup());

  const abandon = (number: string, queue: string, at: number, waitMs = 5_000) =>
    store.callbacks.recordAbandon({ number, queue, at, waitMs });

  it('keeps one live entry per number: a second abandon counts, the place stays', async () => {
    const first = await abandon('13800138000', 'general', T0, 42_000);
    await abandon('13900139000', 'general', T0 + 1_000);
    const again = await abandon('13800138000', 'enterprise', T0 + 2_000);
    expect(again).toEqual({
      ...first,
      abandons: 2,
    });
    expect(first).toMatchObject({
      number: '13800138000',
      queue: 'general',
      abandonedAt: '2026-12-03T02:00:00.000Z',
      waitMs: 42_000,
      abandons: 1,
      attempts: 0,
      status: 'open',
      takenBy: null,
      lastOutcome: null,
    });
    const list = await store.callbacks.list(['general'], 10);
    expect(list.map((c) => [c.number, c.abandons])).toEqual([
      ['13800138000', 2],
      ['13900139000', 1],
    ]);
    expect(await store.callbacks.countOpen(['general'])).toBe(2);
    expect(await store.callbacks.countOpen(['enterprise'])).toBe(0);
    expect(await store.callbacks.countOpen(null)).toBe(2);
    expect(await store.callbacks.list([], 10)).toEqual([]);
  });

  it('claims the oldest open entry of the agent’s queues, the held one again', async () => {
    await abandon('13800000001', 'enterprise', T0);
    const older = await abandon('13800000002', 'general', T0 + 1);
    await abandon('13800000003', 'general', T0 + 2);
    const taken = await store.callbacks.claimNext('ag-1', ['general'], T0 + 10);
    expect(taken).toMatchObject({ id: older.id, status: 'taken', takenBy: 'ag-1' });
    // Asked again (a reloaded desk): the same one, not a second.
    expect((await store.callbacks.claimNext('ag-1', ['general'], T0 + 11))?.id).toBe(older.id);
    expect(await store.callbacks.countOpen(['general'])).toBe(1);
    expect(await store.callbacks.claimNext('ag-2', [], T0)).toBeNull();
    expect((await store.callbacks.claimNext('ag-3', null, T0))?.number).toBe('13800000001');
  });

  it('never gives two agents asking at once the same entry', async () => {
    for (let i = 0; i < 6; i++) await abandon(`1380000010${i}`, 'general', T0 + i);
    const agents = Array.from({ length: 8 }, (_, i) => `ag-${i}`);
    const claims = await Promise.all(
      agents.map((a) => store.callbacks.claimNext(a, ['general'], T0 + 100)),
    );
    const ids = claims.flatMap((c) => (c ? [c.id] : []));
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    expect(claims.filter((c) => c === null)).toHaveLength(2);
  });

  it('reports: reached is done, no-answer is open again until the last attempt', async () => {
    const entry = await abandon('13800138000', 'general', T0);
    await store.callbacks.claimNext('ag-1', ['general'], T0);
    expect(await store.callbacks.report(entry.id, 'ag-2', 'reached', T0, 3)).toMatchObject({
      kind: 'not-held',
      callback: { status: 'taken', takenBy: 'ag-1' },
    });
    for (const attempt of [1, 2]) {
      const r = await store.callbacks.report(entry.id, 'ag-1', 'no-answer', T0, 3);
      expect(r).toMatchObject({
        kind: 'reported',
        callback: { status: 'open', attempts: attempt, takenBy: null, lastOutcome: 'no-answer' },
      });
      await store.callbacks.claimNext('ag-1', ['general'], T0);
    }
    expect(await store.callbacks.report(entry.id, 'ag-1', 'no-answer', T0, 3)).toMatchObject({
      kind: 'reported',
      callback: { status: 'done', attempts: 3 },
    });
    expect(await store.callbacks.report(entry.id, 'ag-1', 'reached', T0, 3)).toMatchObject({
      kind: 'not-held',
    });
    expect(await store.callbacks.report('cb-none', 'ag-1', 'reached', T0, 3)).toEqual({
      kind: 'unknown',
    });
    // Done, the number may be listed afresh.
    const fresh = await abandon('13800138000', 'general', T0 + 5);
    expect(fresh.id).not.toBe(entry.id);
    expect(fresh.abandons).toBe(1);
  });

  it('finishes on reached and wrong-number at once', async () => {
    for (const [number, outcome] of [
      ['13800000011', 'reached'],
      ['13800000012', 'wrong-number'],
    ] as const) {
      const entry = await abandon(number, 'general', T0);
      await store.callbacks.claimNext('ag-1', ['general'], T0);
      expect(await store.callbacks.report(entry.id, 'ag-1', outcome, T0, 3)).toMatchObject({
        kind: 'reported',
        callback: { status: 'done', attempts: 1, lastOutcome: outcome },
      });
    }
    expect(await store.callbacks.list(null, 10)).toEqual([]);
  });

  it('releases taken entries claimed before the cutoff', async () => {
    const a = await abandon('13800000021', 'general', T0);
    const b = await abandon('13800000022', 'talent', T0);
    await store.callbacks.claimNext('ag-1', ['general'], T0);
    await store.callbacks.claimNext('ag-2', ['talent'], T0 + 60_000);
    expect(await store.callbacks.releaseStale(T0 + 30_000)).toEqual(['general']);
    expect(await store.callbacks.get(a.id)).toMatchObject({ status: 'open', takenBy: null });
    expect(await store.callbacks.get(b.id)).toMatchObject({ status: 'taken', takenBy: 'ag-2' });
  });
});
