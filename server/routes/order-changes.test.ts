import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  HUB_PATHS,
  OrderConflictListSchema,
  OrderRevisionListSchema,
} from '../../shared/hub-api.js';
import { HubOrderSchema, OrderConflictSchema } from '../../shared/order.js';
import {
  PullResponseSchema,
  PushResponseSchema,
  type Mutation,
} from '../../shared/sync-protocol.js';
import { bearer, login, recordEvents, useFreshHub, type TestHub } from '../testing/fixture.js';

const fresh = useFreshHub();

const ORDER_ARGS = {
  type: 'complaint',
  category: 'noise',
  territory: 'DC',
  summary: '来电人反映工地夜间施工噪音扰民。',
  citizenName: '陈先生',
  citizenAddress: '东城街道人民路1号',
  callerNumber: '13800138000',
} as const;

async function push(hub: TestHub, token: string, mutations: Mutation[], seatId = 'seat-A') {
  const res = await hub.app.inject({
    method: 'POST',
    url: HUB_PATHS.syncPush,
    headers: bearer(token),
    payload: { protocol: 2, seatId, mutations },
  });
  expect(res.statusCode).toBe(200);
  return PushResponseSchema.parse(res.json()).results;
}

async function send(
  hub: TestHub,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  token: string,
  payload?: unknown,
) {
  const res = await hub.app.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

/** A hub, agent01 with one pushed order, and lead01: the usual cast. */
async function withOrder() {
  const hub = await fresh.open();
  const agent = await login(hub.app, 'agent01', '1001');
  const lead = await login(hub.app, 'lead01', '1901');
  const [created] = await push(hub, agent.token, [
    { id: randomUUID(), name: 'order.create', clientOrderId: randomUUID(), args: ORDER_ARGS },
  ]);
  if (created?.status !== 'applied') throw new Error('the order was not created');
  return { hub, agent: agent.token, lead: lead.token, ...created };
}

describe('order changes at the hub', () => {
  it('lets a lead edit on the version seen, and refuses a stale edit with 409 naming the fields', async () => {
    const { hub, agent, lead, orderNo, version } = await withOrder();
    const heard = recordEvents(hub.events, 'ag-001');
    const edit = await send(hub, 'PATCH', HUB_PATHS.order(orderNo), lead, {
      baseVersion: version,
      changes: { summary: '组长核实：施工至凌晨两点' },
      note: '回访核实',
    });
    expect(edit.status).toBe(200);
    const edited = HubOrderSchema.parse(edit.body);
    expect(edited).toMatchObject({ summary: '组长核实：施工至凌晨两点' });
    expect(edited.version).toBeGreaterThan(version);
    // The order's agent is told to pull.
    expect(heard).toEqual([{ type: 'orders.changed' }]);

    const stale = await send(hub, 'PATCH', HUB_PATHS.order(orderNo), lead, {
      baseVersion: version,
      changes: { territory: 'GC', summary: '另一位组长的改写' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      error: { code: 'stale_order', field: 'changes.summary' },
    });
    expect(JSON.stringify(stale.body)).toContain('summary');
    expect(JSON.stringify(stale.body)).not.toContain('territory');

    const log = await send(hub, 'GET', HUB_PATHS.orderRevisions(orderNo), agent);
    expect(log.status).toBe(200);
    const { revisions } = OrderRevisionListSchema.parse(log.body);
    expect(revisions.map((r) => [r.field, r.by, r.seatId, r.note])).toEqual([
      ['summary', 'lead01', null, '回访核实'],
    ]);
  });

  it.each([
    ['a missing baseVersion', { changes: { summary: 'x' } }, 'baseVersion'],
    ['an unknown field', { baseVersion: 1, changes: { state: 'closed' } }, 'changes.state'],
    ['an empty summary', { baseVersion: 1, changes: { summary: '  ' } }, 'changes.summary'],
    ['a bad territory', { baseVersion: 1, changes: { territory: 'XX' } }, 'changes.territory'],
  ])('refuses a PATCH with %s (400 naming %s), storing nothing', async (_name, body, field) => {
    const { hub, lead, orderNo, version } = await withOrder();
    const res = await send(hub, 'PATCH', HUB_PATHS.order(orderNo), lead, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'invalid_request', field } });
    expect(await hub.store.orders.get(orderNo)).toMatchObject({
      summary: ORDER_ARGS.summary,
      version,
    });
    expect(await hub.store.orders.revisions(orderNo)).toEqual([]);
  });

  it('answers 404 for an unknown order and 403 to an agent trying to PATCH', async () => {
    const { hub, agent, lead, orderNo, version } = await withOrder();
    const payload = { baseVersion: version, changes: { summary: '改' } };
    const unknown = await send(hub, 'PATCH', HUB_PATHS.order('DG20261203999999'), lead, payload);
    expect(unknown.status).toBe(404);
    const agentEdit = await send(hub, 'PATCH', HUB_PATHS.order(orderNo), agent, payload);
    expect(agentEdit.status).toBe(403);
    expect(await hub.store.orders.get(orderNo)).toMatchObject({ version });
  });

  it('records a unit’s reply; the seat pulls the replied order', async () => {
    const { hub, agent, orderNo } = await withOrder();
    const unit = (await login(hub.app, 'unit01', '1801')).token;
    const reply = await send(hub, 'POST', HUB_PATHS.orderReplies(orderNo), unit, {
      text: '已责令工地夜间停工',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ state: 'replied', lastReply: '已责令工地夜间停工' });
    const empty = await send(hub, 'POST', HUB_PATHS.orderReplies(orderNo), unit, { text: ' ' });
    expect(empty).toMatchObject({ status: 400, body: { error: { field: 'text' } } });

    const pulled = await send(hub, 'GET', `${HUB_PATHS.syncPull}?seatId=seat-A`, agent);
    const page = PullResponseSchema.parse(pulled.body);
    expect(page.orders.map((o) => [o.orderNo, o.state, o.lastReply])).toEqual([
      [orderNo, 'replied', '已责令工地夜间停工'],
    ]);
  });

  it('assigns an order: the assignee is told, pulls it and may change it by push', async () => {
    const { hub, lead, orderNo } = await withOrder();
    const assignee = await login(hub.app, 'agent02', '1002');
    const heard = recordEvents(hub.events, 'ag-002');
    const ownerHeard = recordEvents(hub.events, 'ag-001');
    const bad = await send(hub, 'POST', HUB_PATHS.orderAssign(orderNo), lead, {
      agentId: 'ag-404',
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { field: 'agentId' } } });
    const assign = await send(hub, 'POST', HUB_PATHS.orderAssign(orderNo), lead, {
      agentId: 'ag-002',
      note: '请回访',
    });
    expect(assign.status).toBe(200);
    expect(assign.body).toMatchObject({ assignedTo: 'ag-002' });
    expect(heard).toEqual([{ type: 'orders.changed' }]);

    const page = PullResponseSchema.parse(
      (await send(hub, 'GET', `${HUB_PATHS.syncPull}?seatId=seat-B`, assignee.token)).body,
    );
    expect(page.orders.map((o) => o.orderNo)).toEqual([orderNo]);
    const [edit] = await push(
      hub,
      assignee.token,
      [
        {
          id: randomUUID(),
          name: 'order.update',
          order: { orderNo },
          baseVersion: page.orders[0]?.version ?? 0,
          changes: { citizenAddress: '东城街道人民路3号' },
        },
      ],
      'seat-B',
    );
    expect(edit).toMatchObject({ status: 'applied', orderNo });
    // The owner heard of the assignment, then of the assignee's edit; the assignee, who
    // pushed the edit, heard only of the assignment.
    expect(ownerHeard).toHaveLength(2);
    expect(heard).toHaveLength(1);
    // Someone else's order that is not assigned to them stays out of reach.
    const third = await login(hub.app, 'agent03', '1003');
    const [refused] = await push(hub, third.token, [
      {
        id: randomUUID(),
        name: 'order.update',
        order: { orderNo },
        baseVersion: null,
        changes: { summary: '不是我的' },
      },
    ]);
    expect(refused).toMatchObject({ status: 'rejected', code: 'forbidden' });
  });

  it('shows a sync conflict to the seat and lets a lead decide it at the hub', async () => {
    const { hub, agent, lead, orderNo, version } = await withOrder();
    await send(hub, 'PATCH', HUB_PATHS.order(orderNo), lead, {
      baseVersion: version,
      changes: { citizenName: '陈建国' },
    });
    const [pushed] = await push(hub, agent, [
      {
        id: randomUUID(),
        name: 'order.update',
        order: { orderNo },
        baseVersion: version,
        changes: { citizenName: '陈先生（座席）', territory: 'GC' },
      },
    ]);
    if (pushed?.status !== 'applied') throw new Error('not applied');
    const [conflict] = pushed.conflicts ?? [];
    expect(conflict).toMatchObject({ field: 'citizenName', hubValue: '陈建国' });

    const page = PullResponseSchema.parse(
      (await send(hub, 'GET', `${HUB_PATHS.syncPull}?seatId=seat-A`, agent)).body,
    );
    expect(page.conflicts.map((c) => c.conflictId)).toEqual([conflict?.conflictId]);
    expect(page.orders[0]).toMatchObject({ citizenName: '陈建国', territory: 'GC' });

    const url = HUB_PATHS.conflictResolve(conflict?.conflictId ?? '');
    const refused = await send(hub, 'POST', url, lead, { choice: 'both' });
    expect(refused).toMatchObject({ status: 400, body: { error: { field: 'choice' } } });
    const decided = await send(hub, 'POST', url, lead, { choice: 'seat' });
    expect(decided.status).toBe(200);
    expect(OrderConflictSchema.parse(decided.body).resolution).toMatchObject({
      choice: 'seat',
      by: 'lead01',
    });
    expect(await hub.store.orders.get(orderNo)).toMatchObject({ citizenName: '陈先生（座席）' });
    const again = await send(hub, 'POST', url, lead, { choice: 'hub' });
    expect(again.status).toBe(404);

    const listed = await send(hub, 'GET', HUB_PATHS.orderConflicts(orderNo), agent);
    const { conflicts } = OrderConflictListSchema.parse(listed.body);
    expect(conflicts.map((c) => c.resolution?.choice)).toEqual(['seat']);
    // The next pull shows the order without open conflicts.
    const after = PullResponseSchema.parse(
      (await send(hub, 'GET', `${HUB_PATHS.syncPull}?seatId=seat-A&cursor=${page.cursor}`, agent))
        .body,
    );
    expect(after.orders.map((o) => o.citizenName)).toEqual(['陈先生（座席）']);
    expect(after.conflicts).toEqual([]);
  });

  it('audits every change and read of the order, without citizen data', async () => {
    const { hub, lead, orderNo, version } = await withOrder();
    const path = HUB_PATHS.order(orderNo);
    await send(hub, 'PATCH', path, lead, { baseVersion: version, changes: { summary: '改写' } });
    await send(hub, 'GET', HUB_PATHS.orderRevisions(orderNo), lead);
    await send(hub, 'GET', HUB_PATHS.orderConflicts(orderNo), lead);
    const entries = await hub.store.audit.list({ subject: `order:${orderNo}`, limit: 10 });
    expect(entries.map((e) => [e.action, e.via, e.actorId])).toEqual([
      ['read', 'GET /api/v1/orders/:orderNo/conflicts', 'ag-901'],
      ['read', 'GET /api/v1/orders/:orderNo/revisions', 'ag-901'],
      ['update', 'PATCH /api/v1/orders/:orderNo', 'ag-901'],
      ['create', 'POST /api/v1/sync/push', 'ag-001'],
    ]);
    expect(JSON.stringify(entries)).not.toContain('改写');
  });
});

describe('sync push of updates', () => {
  it('refuses a malformed update whole, naming the field, storing nothing', async () => {
    const { hub, agent, orderNo } = await withOrder();
    const before = await hub.store.orders.get(orderNo);
    const res = await hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.syncPush,
      headers: bearer(agent),
      payload: {
        protocol: 2,
        seatId: 'seat-A',
        mutations: [
          {
            id: randomUUID(),
            name: 'order.update',
            order: { orderNo },
            baseVersion: null,
            changes: { summary: '好的改动' },
          },
          {
            id: randomUUID(),
            name: 'order.update',
            order: { orderNo },
            baseVersion: -1,
            changes: { summary: '坏的' },
          },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { field: 'mutations.1.baseVersion' } });
    expect(await hub.store.orders.get(orderNo)).toEqual(before);
    expect(await hub.store.orders.revisions(orderNo)).toEqual([]);
  });
});
