import { afterEach, describe, expect, it } from 'vitest';
import { HUB_PATHS, type CentreOrderList, type LoginResponse } from '../../shared/hub-api.js';
import type { HubOrder } from '../../shared/order.js';
import { startFakeHub, type FakeHub } from '../../tests/fakes/hub-sync.js';
import type { FetchLike } from './hub/hub-client.js';
import { hubError, jsonResponse } from './testing/fake-hub-seat.js';
import { eventually, startSeatKit, type SeatKit } from './testing/seat-kit.js';

/**
 * A shift lead's look at the centre's orders through the seat core: `centreOrder.list`
 * (GET /api/v1/orders) and `centreOrder.find` (GET /api/v1/orders/:no). The fake hub signs
 * everyone in as an agent and serves neither route: `Centre` answers them the way
 * server/routes/order.ts does and gives the session the role the test needs.
 */
const CALL_ID = '7-4242@127.0.0.1';
const ORDER: HubOrder = {
  orderNo: 'DG20261204000042',
  clientOrderId: null,
  type: 'consultation',
  category: 'housing-fund',
  territory: 'NC',
  summary: '公积金提取进度查询',
  citizenName: '陈先生',
  citizenAddress: '',
  callerNumber: '13800138000',
  state: 'created',
  createdAt: '2026-12-04T02:00:00.000Z',
  deadline: null,
  lastReply: null,
  assignedTo: null,
  version: 7,
  callId: CALL_ID,
};
const PAGE: CentreOrderList = {
  day: '20261204',
  orders: [{ ...ORDER, agentAccount: 'agent01', queue: 'general' }],
  next: ORDER.orderNo,
};

class Centre {
  role: 'agent' | 'lead' | 'admin' = 'lead';
  /** Status the hub answers the two routes with; 200 serves PAGE and ORDER. */
  status = 200;
  readonly asked: URL[] = [];

  fetch(): FetchLike {
    return async (input, init) => {
      const url = new URL(String(input));
      if (url.pathname === HUB_PATHS.login) {
        const login = (await (await fetch(input, init)).json()) as LoginResponse;
        return jsonResponse(200, { ...login, agent: { ...login.agent, role: this.role } });
      }
      if (!url.pathname.startsWith(HUB_PATHS.orders)) return fetch(input, init);
      this.asked.push(url);
      if (this.status === 403)
        return hubError(403, 'forbidden', 'needs one of the roles lead, admin');
      if (url.pathname === HUB_PATHS.orders) return jsonResponse(200, PAGE);
      if (url.pathname === HUB_PATHS.order(ORDER.orderNo) && this.status === 200) {
        return jsonResponse(200, ORDER);
      }
      return hubError(404, 'not_found', 'no order with this orderNo');
    };
  }
}

let hub: FakeHub | null = null;
const kits: SeatKit[] = [];
afterEach(async () => {
  for (const kit of kits.splice(0)) await kit.close();
  await hub?.close();
  hub = null;
});

async function seat(centre: Centre): Promise<SeatKit> {
  hub ??= await startFakeHub();
  const kit = startSeatKit({ hubUrl: hub.url, fetch: centre.fetch() });
  kits.push(kit);
  await kit.login();
  return kit;
}

describe('centreOrder.list and centreOrder.find', () => {
  it("hands a lead the hub's page, passing the filters on, and logs no citizen data", async () => {
    const centre = new Centre();
    const kit = await seat(centre);
    const page = await kit.call('centreOrder.list', {
      agent: 'agent01',
      queue: 'general',
      before: 'DG20261204000050',
      limit: 20,
    });
    expect(page).toEqual(PAGE);
    const [asked] = centre.asked;
    expect(Object.fromEntries(asked!.searchParams)).toEqual({
      agent: 'agent01',
      queue: 'general',
      before: 'DG20261204000050',
      limit: '20',
    });
    const line = kit.logs.find((l) => String(l.msg).includes('orders of the centre'));
    expect(line?.msg).toContain('listed 1 orders of the centre of 20261204');
    expect(JSON.stringify(kit.logs)).not.toContain(ORDER.citizenName);
    expect(JSON.stringify(kit.logs)).not.toContain(ORDER.callerNumber);
  });

  it('finds an order by its number, typed loosely, with its call id; null when the hub has none', async () => {
    const centre = new Centre();
    centre.role = 'admin';
    const kit = await seat(centre);
    const found = await kit.call('centreOrder.find', {
      orderNo: ` ${ORDER.orderNo.toLowerCase()} `,
    });
    expect(found).toEqual(ORDER);
    expect(centre.asked.at(-1)?.pathname).toBe(HUB_PATHS.order(ORDER.orderNo));
    expect(await kit.call('centreOrder.find', { orderNo: 'DG20261204000043' })).toBeNull();
  });

  it('refuses an agent before asking the hub, and says forbidden when the hub refuses', async () => {
    const centre = new Centre();
    centre.role = 'agent';
    const kit = await seat(centre);
    for (const [method, params] of [
      ['centreOrder.list', {}],
      ['centreOrder.find', { orderNo: ORDER.orderNo }],
    ] as const) {
      const refused = await kit.core.handle(method, params);
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(JSON.stringify(refused)).toContain('has the role agent');
    }
    expect(centre.asked).toEqual([]);

    const lead = new Centre();
    lead.status = 403;
    const leadKit = await seat(lead);
    const byHub = await leadKit.core.handle('centreOrder.list', {});
    expect(byHub).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(JSON.stringify(byHub)).toContain('needs one of the roles lead, admin');
  });

  it('names the bad parameter', async () => {
    const kit = await seat(new Centre());
    const cases: [string, object, string][] = [
      ['centreOrder.find', { orderNo: 'DG2026' }, 'orderNo'],
      ['centreOrder.list', { before: '42' }, 'before'],
      ['centreOrder.list', { day: '20261301' }, 'day'],
      ['centreOrder.list', { limit: 500 }, 'limit'],
      ['centreOrder.list', { agent: '' }, 'agent'],
    ];
    for (const [method, params, field] of cases) {
      const answer = await kit.core.handle(method, params);
      expect(answer, `${method} ${JSON.stringify(params)}`).toMatchObject({
        ok: false,
        error: { code: 'bad-request', field },
      });
    }
  });
});

describe("the seat's store and the hub's call id", () => {
  it('keeps the call id of an order the seat first hears of from the hub', async () => {
    const kit = await seat(new Centre());
    // An order this seat did not make (assigned at the hub, or made before a reinstall).
    hub!.orders.set(ORDER.orderNo, {
      ...ORDER,
      version: 1,
      seatId: kit.core.seatId,
      mutationId: 'made-at-the-hub',
      agentId: 'agent-agent1',
    });
    await kit.call('sync.now', {});
    await eventually(() => kit.events.some((e) => e.event === 'order.updated'));
    const [order] = await kit.call('order.list', {});
    expect(order).toMatchObject({ origin: 'hub', orderNo: ORDER.orderNo });
    expect(order?.input.callId).toBe(CALL_ID);
  });
});
