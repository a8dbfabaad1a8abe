import { describe, expect, it } from 'vitest';
import { CATEGORY_CODES } from '../../shared/domain/categories.js';
import { OrderInputSchema } from '../../shared/order.js';
import { verifyPassword } from '../auth/password.js';
import { KbSearch } from '../kb/kb-search.js';
import { loadKbFile } from '../kb/kb-file.js';
import { silentLogger } from '../logger.js';
import { openHubStore } from '../store/open-store.js';
import { SEED_NOW } from '../testing/fixture.js';
import { SEED_AGENTS, SEED_PASSWORD } from './agents.js';
import { generateHistory, PINNED_CALLERS } from './history.js';
import { seedStore } from './seed.js';

describe('seed history', () => {
  const history = generateHistory(SEED_NOW);

  it('is the same on every run', () => {
    expect(generateHistory(SEED_NOW)).toEqual(history);
  });

  it('has a few hundred orders over a few dozen callers, all valid inputs', () => {
    expect(history.orders).toHaveLength(300);
    expect(history.callers).toHaveLength(37);
    expect(history.callers.every((c) => c.orders >= 1)).toBe(true);
    for (const order of history.orders) {
      expect(OrderInputSchema.safeParse(order.input).success).toBe(true);
      expect(order.createdAt).toBeLessThan(SEED_NOW);
      expect(order.input.summary).not.toMatch(/[{}]/);
      expect(order.lastReply ?? '').not.toMatch(/[{}]/);
    }
    expect(new Set(history.orders.map((o) => o.input.category))).toEqual(new Set(CATEGORY_CODES));
  });

  it('includes 13800138000 with six orders, the newest about social insurance', () => {
    const mine = history.orders
      .filter((o) => o.input.callerNumber === '13800138000')
      .sort((a, b) => b.createdAt - a.createdAt);
    expect(mine).toHaveLength(6);
    expect(mine[0]?.input.category).toBe('social-insurance');
    expect(PINNED_CALLERS[0]?.number).toBe('13800138000');
  });

  it('includes Dongguan fixed lines 0769-2xxxxxxx', () => {
    const fixed = history.callers.filter((c) => /^07692\d{7}$/.test(c.number));
    expect(fixed.length).toBeGreaterThanOrEqual(8);
    expect(history.callers).toContainEqual({ number: '076922345678', orders: 4 });
  });

  it('has a call for every order and some abandoned calls', () => {
    const ids = new Set(history.calls.map((c) => c.callId));
    expect(history.orders.every((o) => o.input.callId && ids.has(o.input.callId))).toBe(true);
    expect(history.calls.filter((c) => c.outcome === 'abandoned').length).toBe(40);
  });
});

describe('seedStore', () => {
  it('seeds an empty store once, with working demo accounts', async () => {
    const store = await openHubStore({ sqlitePath: ':memory:' });
    const kb = new KbSearch(store.kb, silentLogger());
    expect(await seedStore(store, kb, silentLogger(), { now: SEED_NOW })).toBe(true);
    expect(await seedStore(store, kb, silentLogger(), { now: SEED_NOW })).toBe(false);
    expect(await store.orders.count()).toBe(300);

    const agents = await store.agents.list();
    expect(agents.map((a) => [a.account, a.homeExtension, a.role])).toEqual(
      SEED_AGENTS.map((a) => [a.account, a.extension, a.role]),
    );
    expect(agents.map((a) => a.account)).toEqual([
      'agent01',
      'agent02',
      'agent03',
      'agent04',
      'agent05',
      'specialist01',
      'unit01',
      'lead01',
      'admin01',
    ]);
    for (const a of agents) expect(await verifyPassword(SEED_PASSWORD, a.passwordHash)).toBe(true);
    expect(new Set(agents.map((a) => a.passwordHash)).size).toBe(agents.length);

    const articles = await store.kb.listPublished();
    expect(articles.length).toBe((await loadKbFile()).length);
    expect(articles.length).toBeGreaterThanOrEqual(36);
    await store.close();
  });
});
