import { describe, expect, it } from 'vitest';
import { KbSearch } from '../../kb/kb-search.js';
import { silentLogger } from '../../logger.js';
import { openHubStore } from '../../store/open-store.js';
import { SEED_AGENTS } from '../agents.js';
import { callerNumber } from './callers.js';
import { YearGenerator } from './generate.js';
import { seedYear } from './seed-year.js';

const NOW = Date.parse('2026-12-01T04:00:00Z');

describe('seedYear', () => {
  it('writes the year, the KB and the staff through the store, once', async () => {
    const store = await openHubStore({ sqlitePath: ':memory:' });
    const kb = new KbSearch(store.kb, silentLogger());
    const options = { orders: 3_000, seed: 3, now: NOW, batchSize: 700 };
    const seen: number[] = [];
    const report = await seedYear(store, kb, options, (p) => seen.push(p.orders));

    expect(await store.orders.count()).toBe(3_000);
    expect(report.orders).toBe(3_000);
    expect(report.calls).toBe(3_000 + report.abandonedCalls);
    expect(seen).toEqual([700, 1400, 2100, 2800, 3000]);
    expect((await store.agents.list()).length).toBe(SEED_AGENTS.length);
    expect(await store.kb.countPublished()).toBeGreaterThan(30);
    const shares = Object.values(report.territoryShares);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);

    // The most frequent caller's history: every order, newest first, and the calls.
    const people = new YearGenerator(options).people;
    let top = 0;
    for (let i = 1; i < people.size; i++) if (people.orders[i]! > people.orders[top]!) top = i;
    expect(report.topCallerOrders).toBe(people.orders[top]);
    const history = await store.orders.byCaller(callerNumber(top), { limit: 20, offset: 0 });
    expect(history.total).toBe(people.orders[top]);
    const times = history.orders.map((o) => Date.parse(o.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const calls = await store.calls.byCaller(callerNumber(top), { limit: 100, offset: 0 });
    expect(calls.length).toBeGreaterThanOrEqual(Math.min(100, people.orders[top]!));

    await expect(seedYear(store, kb, options)).rejects.toThrow(/already has data/);
    await store.close();
  });
});
