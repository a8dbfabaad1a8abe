import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HUB_PATHS } from '../../shared/hub-api.js';
import type { OrderCreateMutation, PushResponse } from '../../shared/sync-protocol.js';
import { ManualClock } from '../clock.js';
import { bearer, login, orderSnapshot, useFreshHub } from '../testing/fixture.js';

const fresh = useFreshHub();

/** 2026-12-03 10:00 China time. */
const NOW = Date.parse('2026-12-03T02:00:00Z');

function mutation(args: Record<string, unknown> = {}): OrderCreateMutation {
  return {
    id: randomUUID(),
    name: 'order.create',
    clientOrderId: randomUUID(),
    args: {
      type: 'complaint',
      category: 'noise',
      territory: 'DC',
      summary: '来电人反映东城街道某工地夜间施工噪音扰民。',
      citizenName: '陈先生',
      citizenAddress: '东城街道人民路1号',
      callerNumber: '+86 138-0013-8000',
      ...args,
    } as OrderCreateMutation['args'],
  };
}

async function setup(path = fresh.copy()) {
  const hub = await fresh.open({ path, clock: new ManualClock(NOW) });
  const { token } = await login(hub.app);
  return { path, token };
}

async function push(token: string, mutations: unknown[], seatId = 'seat-A') {
  return fresh.hub.app.inject({
    method: 'POST',
    url: HUB_PATHS.syncPush,
    headers: bearer(token),
    payload: { protocol: 2, seatId, mutations },
  });
}

/** Everything stored about orders and applied mutations, to prove a refusal changed nothing. */
const snapshot = orderSnapshot;

describe('POST sync/push', () => {
  it('applies a batch: order numbers from the hub clock, versions from the global counter', async () => {
    const { token } = await setup();
    const before = await fresh.hub.store.orders.count();
    const a = mutation();
    const b = mutation({ type: 'consultation', category: 'social-insurance' });
    const res = await push(token, [a, b]);
    expect(res.statusCode).toBe(200);
    const body = res.json<PushResponse>();
    expect(body.protocol).toBe(2);
    expect(body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const [ra, rb] = body.results;
    if (ra?.status !== 'applied' || rb?.status !== 'applied') throw new Error('not applied');
    expect(ra.id).toBe(a.id);
    expect(ra.orderNo).toBe('DG20261203000001');
    expect(rb.orderNo).toBe('DG20261203000002');
    expect(rb.version).toBe(ra.version + 1);
    expect(ra.version).toBeGreaterThan(300); // after the seed's 300 orders
    expect(await fresh.hub.store.orders.count()).toBe(before + 2);

    const stored = await fresh.hub.store.orders.get(ra.orderNo);
    expect(stored).toMatchObject({
      clientOrderId: a.clientOrderId,
      type: 'complaint',
      territory: 'DC',
      state: 'created',
      callerNumber: '+86 138-0013-8000',
      createdAt: new Date(NOW).toISOString(),
      // Five working days after Thursday 2026-12-03.
      deadline: '2026-12-10T15:59:59.999Z',
      lastReply: null,
    });
  });

  it('applies a mutation id once: a retry is a duplicate with the same order', async () => {
    const { token } = await setup();
    const m = mutation();
    const first = (await push(token, [m])).json<PushResponse>().results[0];
    const count = await fresh.hub.store.orders.count();
    const again = (await push(token, [m])).json<PushResponse>().results[0];
    expect(first?.status).toBe('applied');
    expect(again).toEqual({ ...first, status: 'duplicate' });
    expect(await fresh.hub.store.orders.count()).toBe(count);
  });

  it('answers duplicate for a mutation repeated inside one batch', async () => {
    const { token } = await setup();
    const m = mutation();
    const results = (await push(token, [m, m])).json<PushResponse>().results;
    expect(results.map((r) => r.status)).toEqual(['applied', 'duplicate']);
  });

  it('still knows the mutation after the store is reopened on the same file', async () => {
    const { path, token } = await setup();
    const m = mutation();
    const first = (await push(token, [m])).json<PushResponse>().results[0];
    await fresh.close();

    const { token: token2 } = await setup(path);
    const count = await fresh.hub.store.orders.count();
    const again = (await push(token2, [m])).json<PushResponse>().results[0];
    expect(again?.status).toBe('duplicate');
    expect(again && 'orderNo' in again && again.orderNo).toBe(
      first && 'orderNo' in first && first.orderNo,
    );
    expect(await fresh.hub.store.orders.count()).toBe(count);
  });

  it('rejects a second order for the same clientOrderId, and says why', async () => {
    const { token } = await setup();
    const m = mutation();
    await push(token, [m]);
    const other = { ...mutation(), clientOrderId: m.clientOrderId };
    const result = (await push(token, [other])).json<PushResponse>().results[0];
    expect(result).toMatchObject({ status: 'rejected', code: 'taken' });
    expect(result && 'reason' in result && result.reason).toMatch(/already belongs to order DG/);
  });

  it.each([
    ['missing type', { type: undefined }, 'mutations.1.args.type', /required/],
    ['unknown territory', { territory: 'XX' }, 'mutations.1.args.territory', /unknown value "XX"/],
    ['1 MB summary', { summary: '长'.repeat(1_000_000) }, 'mutations.1.args.summary', /too long/],
    ['empty summary', { summary: '   ' }, 'mutations.1.args.summary', /empty/],
    ['unknown field', { extra: 1 }, 'mutations.1.args.extra', /not a known field/],
  ])('refuses the whole batch for a %s, naming the field', async (_name, bad, field, message) => {
    const { path, token } = await setup();
    const before = await snapshot(path);
    const good = mutation();
    const res = await push(token, [good, mutation(bad)]);
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: { code: string; message: string; field: string } }>();
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.field).toBe(field);
    expect(body.error.message).toMatch(message);
    expect(body.error.message).toContain(field);
    expect(await snapshot(path)).toBe(before);
    // The valid mutation of the refused batch was not recorded either.
    expect((await push(token, [good])).json<PushResponse>().results[0]?.status).toBe('applied');
  });

  it.each([
    ['a wrong protocol', 'protocol', { protocol: 1, seatId: 's', mutations: [mutation()] }],
    ['no mutations', 'mutations', { protocol: 2, seatId: 's', mutations: [] }],
    [
      'an unknown mutation',
      'mutations.0.name',
      { protocol: 2, seatId: 's', mutations: [{ name: 'x' }] },
    ],
    [
      'a bad mutation id',
      'mutations.0.id',
      { protocol: 2, seatId: 's', mutations: [{ ...mutation(), id: 'x' }] },
    ],
    ['a missing seat', 'seatId', { protocol: 2, mutations: [mutation()] }],
  ])('refuses %s with 400 naming %s', async (_name, field, payload) => {
    const { token } = await setup();
    const res = await fresh.hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.syncPush,
      headers: bearer(token),
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { field: string } }>().error.field).toBe(field);
  });

  it('refuses a body that is not JSON', async () => {
    const { token } = await setup();
    const res = await fresh.hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.syncPush,
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: '{"protocol":2,',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('invalid_json');
  });

  it('answers 413 to a body over the limit and stores nothing', async () => {
    const { path, token } = await setup();
    const before = await snapshot(path);
    const big = Array.from({ length: 5 }, () => mutation({ summary: '长'.repeat(400_000) }));
    const res = await push(token, big);
    expect(res.statusCode).toBe(413);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('payload_too_large');
    expect(await snapshot(path)).toBe(before);
  });

  it('accepts a full batch near the seat cap (200 mutations, ~1 MB)', async () => {
    const { token } = await setup();
    const batch = Array.from({ length: 200 }, () => mutation({ summary: '东'.repeat(1500) }));
    const res = await push(token, batch);
    expect(res.statusCode).toBe(200);
    const results = res.json<PushResponse>().results;
    expect(results.filter((r) => r.status === 'applied')).toHaveLength(200);
    expect(new Set(results.map((r) => ('orderNo' in r ? r.orderNo : ''))).size).toBe(200);
  });
});
