import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CallerHistorySchema, HUB_PATHS } from '../../shared/hub-api.js';
import { bearer, useSeededHub } from '../testing/fixture.js';
import { CALLER_HISTORY_ROUTE } from './caller-history.js';

const seeded = useSeededHub();

async function history(number: string, query = '') {
  const res = await seeded.hub.app.inject({
    method: 'GET',
    url: HUB_PATHS.callerHistory(number) + query,
    headers: bearer(seeded.token),
  });
  return { status: res.statusCode, body: res.json() as unknown };
}

describe('GET callers/:number/history', () => {
  it('is mounted where shared/hub-api says', () => {
    expect(CALLER_HISTORY_ROUTE).toBe('/api/v1/callers/:number/history');
  });

  it('finds the same caller however the number is written', async () => {
    const plain = await history('13800138000');
    expect(plain.status).toBe(200);
    for (const written of [
      '+86 138-0013-8000',
      '008613800138000',
      '8613800138000',
      '１３８００１３８０００',
    ]) {
      expect((await history(written)).body).toEqual(plain.body);
    }
  });

  it('lists orders newest first with the seed facts the pop relies on', async () => {
    const h = CallerHistorySchema.parse((await history('13800138000')).body);
    expect(h.number).toBe('13800138000');
    expect(h.total).toBe(6);
    expect(h.orders).toHaveLength(6);
    expect(h.orders[0]?.category).toBe('social-insurance');
    const times = h.orders.map((o) => Date.parse(o.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(h.calls.length).toBeGreaterThanOrEqual(6);
    expect(h.calls.some((c) => c.outcome === 'abandoned')).toBe(true);
    expect(h.calls.find((c) => c.outcome === 'answered')?.agentExtension).toMatch(/^100[1-5]$/);
  });

  it('normalises Dongguan fixed lines, with or without the area code', async () => {
    const full = CallerHistorySchema.parse((await history('0769-22345678')).body);
    expect(full.number).toBe('076922345678');
    expect(full.total).toBe(4);
    expect(full.orders[0]?.category).toBe('noise');
    expect((await history('22345678')).body).toEqual(full);
  });

  it('pages orders and calls with limit and offset', async () => {
    const a = CallerHistorySchema.parse((await history('13800138000', '?limit=2')).body);
    const b = CallerHistorySchema.parse((await history('13800138000', '?limit=2&offset=2')).body);
    expect(a.orders).toHaveLength(2);
    expect(b.orders).toHaveLength(2);
    expect(a.total).toBe(6);
    expect(b.total).toBe(6);
    const seen = new Set(a.orders.map((o) => o.orderNo));
    expect(b.orders.some((o) => seen.has(o.orderNo))).toBe(false);
    expect(a.calls.length).toBeLessThanOrEqual(2);
  });

  it('answers an empty history for a number never seen', async () => {
    const h = CallerHistorySchema.parse((await history('13912345678')).body);
    expect(h).toEqual({ number: '13912345678', orders: [], calls: [], total: 0 });
  });

  it('shows a new order pushed with the number written differently, first', async () => {
    const res = await seeded.hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.syncPush,
      headers: bearer(seeded.token),
      payload: {
        protocol: 2,
        seatId: 'seat-A',
        mutations: [
          {
            id: randomUUID(),
            name: 'order.create',
            clientOrderId: randomUUID(),
            args: {
              type: 'consultation',
              category: 'medical-insurance',
              territory: 'NC',
              summary: '来电人咨询医保异地就医备案。',
              callerNumber: '+86 13800138000',
            },
          },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const h = CallerHistorySchema.parse((await history('13800138000')).body);
    expect(h.total).toBe(7);
    expect(h.orders[0]?.category).toBe('medical-insurance');
  });

  it.each([
    ['abc', '', 'number'],
    ['12', '', 'number'],
    ['13800138000', '?limit=0', 'limit'],
    ['13800138000', '?limit=500', 'limit'],
    ['13800138000', '?offset=-1', 'offset'],
    ['13800138000', '?page=2', 'page'],
  ])('refuses %s%s naming %s', async (number, query, field) => {
    const res = await history(number, query);
    expect(res.status).toBe(400);
    expect((res.body as { error: { field: string } }).error.field).toBe(field);
  });
});
