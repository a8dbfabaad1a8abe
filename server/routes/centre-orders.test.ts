import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../shared/domain/phone.js';
import { CentreOrderListSchema, HUB_PATHS } from '../../shared/hub-api.js';
import { HubOrderSchema } from '../../shared/order.js';
import { PullResponseSchema, PushResponseSchema } from '../../shared/sync-protocol.js';
import { orderDay } from '../orders/order-number.js';
import { bearer, login, useFreshHub, type TestHub } from '../testing/fixture.js';

/**
 * The centre's orders for shift leads (GET /api/v1/orders) and the call id in the hub's
 * orders: pushed orders of today, found newest first, paged by number, filtered by the
 * account that took them and by the queue of their call; agents are refused the list.
 */
const fresh = useFreshHub();

const CALLER = '13800138000';

function orderArgs(summary: string, callId?: string) {
  return {
    type: 'consultation',
    category: 'housing-fund',
    territory: 'NC',
    summary,
    citizenName: '陈先生',
    citizenAddress: '',
    callerNumber: CALLER,
    ...(callId === undefined ? {} : { callId }),
  };
}

/** A call the ACD queued from `queue`, as the orders taken on it point at. */
async function queuedCall(hub: TestHub, queue: string): Promise<string> {
  const callId = `${randomUUID()}@pbx`;
  await hub.store.calls.queued({
    callId,
    caller: CALLER,
    callerKey: normalizePhone(CALLER),
    queue,
    queuedAt: Date.now(),
  });
  return callId;
}

async function push(hub: TestHub, token: string, summary: string, callId?: string) {
  const res = await hub.app.inject({
    method: 'POST',
    url: HUB_PATHS.syncPush,
    headers: bearer(token),
    payload: {
      protocol: 2,
      seatId: 'seat-A',
      mutations: [
        {
          id: randomUUID(),
          name: 'order.create',
          clientOrderId: randomUUID(),
          args: orderArgs(summary, callId),
        },
      ],
    },
  });
  const [result] = PushResponseSchema.parse(res.json()).results;
  if (result?.status !== 'applied') throw new Error(`push refused: ${res.body}`);
  return result.orderNo;
}

async function get(hub: TestHub, url: string, token: string) {
  const res = await hub.app.inject({ method: 'GET', url, headers: bearer(token) });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

const list = (query: string) => `${HUB_PATHS.orders}${query}`;

/** agent01 and agent02 each push orders today: on a general call, a talent call, none. */
async function centre() {
  const hub = await fresh.open();
  const agent01 = (await login(hub.app, 'agent01', '1001')).token;
  const agent02 = (await login(hub.app, 'agent02', '1002')).token;
  const lead = (await login(hub.app, 'lead01', '1901')).token;
  const generalCall = await queuedCall(hub, 'general');
  const talentCall = await queuedCall(hub, 'talent');
  const first = await push(hub, agent01, '公积金提取', generalCall);
  const second = await push(hub, agent02, '人才引进补贴', talentCall);
  const third = await push(hub, agent01, '无来电的补录工单');
  return { hub, agent01, agent02, lead, generalCall, talentCall, first, second, third };
}

describe("the centre's orders (GET /api/v1/orders)", () => {
  it("answers a lead today's orders newest first, with the call, its queue and the account", async () => {
    const { hub, lead, generalCall, talentCall, first, second, third } = await centre();
    const res = await get(hub, list(''), lead);
    expect(res.status).toBe(200);
    const page = CentreOrderListSchema.parse(res.body);
    expect(page.day).toBe(orderDay(Date.now()));
    // Pushed after the seed's orders of today (if any): they have the day's last numbers.
    expect(page.orders.slice(0, 3).map((o) => o.orderNo)).toEqual([third, second, first]);
    expect(page.orders.slice(0, 3).map((o) => [o.callId, o.queue, o.agentAccount])).toEqual([
      [null, null, 'agent01'],
      [talentCall, 'talent', 'agent02'],
      [generalCall, 'general', 'agent01'],
    ]);
    expect(page.orders.every((o) => o.orderNo.startsWith(`DG${page.day}`))).toBe(true);
  });

  it('pages by number: `next` of a page is `before` of the next one', async () => {
    const { hub, lead, first, second, third } = await centre();
    const one = CentreOrderListSchema.parse(
      (await get(hub, list('?agent=agent01&limit=1'), lead)).body,
    );
    expect(one.orders.map((o) => o.orderNo)).toEqual([third]);
    expect(one.next).toBe(third);
    const two = CentreOrderListSchema.parse(
      (await get(hub, list(`?agent=agent01&limit=1&before=${one.next}`), lead)).body,
    );
    expect(two.orders.map((o) => o.orderNo)).toEqual([first]);
    expect(two.next).toBeNull();
    const all = CentreOrderListSchema.parse((await get(hub, list('?limit=100'), lead)).body);
    expect(all.orders.map((o) => o.orderNo)).toContain(second);
  });

  it('filters by the account that took an order and by the queue of its call', async () => {
    const { hub, lead, second } = await centre();
    const byAgent = CentreOrderListSchema.parse(
      (await get(hub, list('?agent=agent02'), lead)).body,
    );
    expect(byAgent.orders.map((o) => o.orderNo)).toEqual([second]);
    const byQueue = CentreOrderListSchema.parse((await get(hub, list('?queue=talent'), lead)).body);
    expect(byQueue.orders.map((o) => o.orderNo)).toContain(second);
    expect(byQueue.orders.every((o) => o.queue === 'talent')).toBe(true);
    const otherDay = CentreOrderListSchema.parse(
      (await get(hub, list('?agent=agent02&day=20200101'), lead)).body,
    );
    expect(otherDay).toEqual({ day: '20200101', orders: [], next: null });
  });

  it('refuses agents and unit handlers (403 naming the roles) and lets an admin list', async () => {
    const { hub, agent01 } = await centre();
    const refused = await get(hub, list(''), agent01);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain('one of the roles lead, admin');
    const unit = (await login(hub.app, 'unit01', '1801')).token;
    expect((await get(hub, list('?agent=agent01'), unit)).status).toBe(403);
    const admin = (await login(hub.app, 'admin01', '1999')).token;
    expect((await get(hub, list('?agent=agent01'), admin)).status).toBe(200);
    const anonymous = await hub.app.inject({ method: 'GET', url: list('') });
    expect(anonymous.statusCode).toBe(401);
  });

  it('names the field of a bad query', async () => {
    const { hub, lead } = await centre();
    const cases: [string, string, RegExp][] = [
      ['?day=20261340', 'day', /calendar date/],
      ['?day=2026-12-04', 'day', /yyyymmdd/],
      ['?limit=0', 'limit', /limit/],
      ['?limit=101', 'limit', /limit/],
      ['?before=DG2026', 'before', /order number/],
      ['?day=20261203&before=DG20261204000001', 'before', /of the day 20261203/],
      ['?colour=red', 'colour', /not a known field/],
    ];
    for (const [query, field, message] of cases) {
      const res = await get(hub, list(query), lead);
      expect(res.status, query).toBe(400);
      const error = res.body.error as { field: string; message: string };
      expect(error.field, query).toBe(field);
      expect(error.message, query).toMatch(message);
    }
  });

  it('audits the list as reads of the orders it showed', async () => {
    const { hub, lead, first, third } = await centre();
    await get(hub, list('?agent=agent01'), lead);
    const admin = (await login(hub.app, 'admin01', '1999')).token;
    const audit = await get(hub, `${HUB_PATHS.audit}?subject=order:${third}`, admin);
    expect(JSON.stringify(audit.body)).toContain(HUB_PATHS.orders);
    const older = await get(hub, `${HUB_PATHS.audit}?subject=order:${first}`, admin);
    expect(JSON.stringify(older.body)).toContain('orders of');
  });
});

describe('the call id in the hub order', () => {
  it('is in the order by number, in the pull and in the caller history; null without a call', async () => {
    const { hub, agent01, lead, generalCall, first, third } = await centre();
    const one = HubOrderSchema.parse((await get(hub, HUB_PATHS.order(first), lead)).body);
    expect(one.callId).toBe(generalCall);
    const none = HubOrderSchema.parse((await get(hub, HUB_PATHS.order(third), lead)).body);
    expect(none.callId).toBeNull();

    const pulled = await get(hub, `${HUB_PATHS.syncPull}?seatId=seat-A`, agent01);
    const orders = PullResponseSchema.parse(pulled.body).orders;
    expect(orders.find((o) => o.orderNo === first)?.callId).toBe(generalCall);

    const history = await get(hub, HUB_PATHS.callerHistory(CALLER), agent01);
    const mine = (history.body.orders as { orderNo: string; callId: string | null }[]).find(
      (o) => o.orderNo === first,
    );
    expect(mine?.callId).toBe(generalCall);
  });
});
