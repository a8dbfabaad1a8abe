import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HUB_PATHS } from '../../shared/hub-api.js';
import { PullResponseSchema, PushResponseSchema } from '../../shared/sync-protocol.js';
import { bearer, login, useFreshHub, type TestHub } from '../testing/fixture.js';
import { AuditPageSchema } from './audit.js';

const fresh = useFreshHub();

const CITIZEN = {
  name: '陈先生',
  address: '东城街道人民路1号',
  summary: '来电人反映工地夜间施工噪音扰民。',
};

async function get(hub: TestHub, url: string, token: string) {
  const res = await hub.app.inject({ method: 'GET', url, headers: bearer(token) });
  return { status: res.statusCode, body: res.json() as unknown };
}

async function auditAs(hub: TestHub, token: string, query: string) {
  const res = await get(hub, `${HUB_PATHS.audit}?${query}`, token);
  expect(res.status).toBe(200);
  return AuditPageSchema.parse(res.body).entries;
}

async function pushOne(hub: TestHub, token: string) {
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
          args: {
            type: 'complaint',
            category: 'noise',
            territory: 'DC',
            summary: CITIZEN.summary,
            citizenName: CITIZEN.name,
            citizenAddress: CITIZEN.address,
            callerNumber: '+86 138-0013-8000',
          },
        },
      ],
    },
  });
  const [result] = PushResponseSchema.parse(res.json()).results;
  if (result?.status !== 'applied') throw new Error('the push was not applied');
  return result.orderNo;
}

describe('audit log', () => {
  it('records caller history reads by the normalised number, and who read', async () => {
    const hub = await fresh.open();
    const agent = await login(hub.app);
    const admin = await login(hub.app, 'admin01', '1999');
    expect((await get(hub, HUB_PATHS.callerHistory('+86 138-0013-8000'), agent.token)).status).toBe(
      200,
    );
    const entries = await auditAs(hub, admin.token, 'subject=caller:13800138000');
    expect(entries).toEqual([
      {
        at: expect.any(String),
        actorId: 'ag-001',
        actorRole: 'agent',
        action: 'read',
        subject: 'caller:13800138000',
        via: 'GET /api/v1/callers/:number/history',
        detail: expect.stringMatching(/^orders=\d+ calls=\d+$/),
      },
    ]);
    // The admin may write the number as the citizen said it.
    expect(
      await auditAs(hub, admin.token, `subject=${encodeURIComponent('caller:138-0013-8000')}`),
    ).toEqual(entries);
  });

  it('records orders created by a push, reads by a pull and by number, without citizen data', async () => {
    const hub = await fresh.open();
    const agent = await login(hub.app);
    const handler = await login(hub.app, 'unit01', '1801');
    const admin = await login(hub.app, 'admin01', '1999');
    const orderNo = await pushOne(hub, agent.token);

    const pulled = await get(hub, `${HUB_PATHS.syncPull}?seatId=seat-A`, agent.token);
    expect(PullResponseSchema.parse(pulled.body).orders.map((o) => o.orderNo)).toContain(orderNo);
    const read = await get(hub, HUB_PATHS.order(orderNo), handler.token);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ orderNo, citizenName: CITIZEN.name });

    const entries = await auditAs(hub, admin.token, `subject=order:${orderNo}`);
    expect(entries.map((e) => [e.actorId, e.action, e.via])).toEqual([
      ['ag-801', 'read', 'GET /api/v1/orders/:orderNo'],
      ['ag-001', 'read', 'GET /api/v1/sync/pull'],
      ['ag-001', 'create', 'POST /api/v1/sync/push'],
    ]);
    const all = JSON.stringify(await auditAs(hub, admin.token, 'limit=1000'));
    for (const secret of [CITIZEN.name, CITIZEN.address, CITIZEN.summary]) {
      expect(all).not.toContain(secret);
    }
  });

  it('filters by actor and since, newest first', async () => {
    const hub = await fresh.open();
    const agent = await login(hub.app);
    const other = await login(hub.app, 'agent02', '1002');
    const admin = await login(hub.app, 'admin01', '1999');
    await get(hub, HUB_PATHS.callerHistory('13800138000'), agent.token);
    await get(hub, HUB_PATHS.callerHistory('076922345678'), other.token);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await get(hub, HUB_PATHS.callerHistory('13912345678'), agent.token);

    const mine = await auditAs(hub, admin.token, 'actor=ag-001');
    expect(mine.map((e) => e.subject)).toEqual(['caller:13912345678', 'caller:13800138000']);
    const recent = await auditAs(hub, admin.token, `since=${encodeURIComponent(since)}`);
    expect(recent.map((e) => e.subject)).toEqual(['caller:13912345678']);
  });

  it('finds a fixed line however the admin writes it, as the history route keys it', async () => {
    const hub = await fresh.open();
    const agent = await login(hub.app);
    const admin = await login(hub.app, 'admin01', '1999');
    const read = await get(hub, HUB_PATHS.callerHistory('+86-769-22345678'), agent.token);
    expect(read.status).toBe(200);
    const written = ['caller:076922345678', 'caller:+86 769 2234 5678', 'caller:0769-22345678'];
    for (const subject of [...written, 'caller:22345678', 'caller:+8676922345678']) {
      const entries = await auditAs(hub, admin.token, `subject=${encodeURIComponent(subject)}`);
      expect(entries.map((e) => e.subject)).toEqual(['caller:076922345678']);
    }
  });

  it.each([
    ['subject=13800138000', 'subject'],
    ['subject=caller:', 'subject'],
    ['limit=1e1', 'limit'],
    ['limit=', 'limit'],
    ['since=yesterday', 'since'],
    ['limit=0', 'limit'],
    ['who=me', 'who'],
  ])('refuses ?%s naming %s', async (query, field) => {
    const hub = await fresh.open();
    const admin = await login(hub.app, 'admin01', '1999');
    const res = await get(hub, `${HUB_PATHS.audit}?${query}`, admin.token);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { field } });
  });

  it('answers 404 naming orderNo for an unknown order, and audits nothing', async () => {
    const hub = await fresh.open();
    const agent = await login(hub.app);
    const admin = await login(hub.app, 'admin01', '1999');
    const res = await get(hub, HUB_PATHS.order('DG20991231999999'), agent.token);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { field: 'orderNo' } });
    expect(await auditAs(hub, admin.token, 'subject=order:DG20991231999999')).toEqual([]);
  });
});
