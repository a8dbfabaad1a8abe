import { describe, expect, it } from 'vitest';
import { HandoverSchema, HUB_PATHS, type HandoverRequest } from '../../shared/hub-api.js';
import { hashPassword } from '../auth/password.js';
import { ManualClock } from '../clock.js';
import { HANDOVER_TTL_MS } from '../handovers/handover-book.js';
import { bearer, login, SEED_NOW, useFreshHub, type TestHub } from '../testing/fixture.js';

const fresh = useFreshHub();

const CALLER = '13800138000';

const REQUEST: HandoverRequest = {
  callId: 'citizen-1@pbx',
  callerNumber: `+86 ${CALLER}`,
  target: '1002',
  draft: { type: 'complaint', category: 'noise', summary: '工地夜间施工噪音扰民。' },
  notes: '来电人情绪激动，已安抚。',
};

async function post(hub: TestHub, token: string, payload: unknown) {
  const res = await hub.app.inject({
    method: 'POST',
    url: HUB_PATHS.handovers,
    headers: bearer(token),
    payload: payload as Record<string, unknown>,
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

async function get(hub: TestHub, token: string, query: string) {
  const res = await hub.app.inject({
    method: 'GET',
    url: `${HUB_PATHS.handovers}?${query}`,
    headers: bearer(token),
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

/** A psychological-line specialist at extension 1102 (the seed has none of that queue). */
async function psychologist(hub: TestHub): Promise<string> {
  await hub.store.agents.insert({
    id: 'ag-102',
    account: 'psych01',
    name: '何心怡',
    role: 'specialist',
    homeExtension: '1102',
    queues: ['psychological'],
    passwordHash: await hashPassword('demo1234'),
  });
  return (await login(hub.app, 'psych01', '1102')).token;
}

describe('handovers', () => {
  it('gives the target extension the draft and notes, by call and by caller', async () => {
    const hub = await fresh.open();
    const { token: agent01 } = await login(hub.app, 'agent01', '1001');
    const { token: agent02 } = await login(hub.app, 'agent02', '1002');

    const created = await post(hub, agent01, REQUEST);
    expect(created.status).toBe(200);
    expect(created.body.id).toEqual(expect.any(String));

    const byCall = await get(hub, agent02, 'callId=citizen-1%40pbx');
    expect(byCall.status).toBe(200);
    const handover = HandoverSchema.parse(byCall.body);
    expect(handover).toMatchObject({
      id: created.body.id,
      callId: 'citizen-1@pbx',
      target: '1002',
      fromAgent: { id: 'ag-001', name: '陈晓敏', extension: '1001' },
      draft: REQUEST.draft,
      notes: REQUEST.notes,
    });
    // The caller's number written another way is the same caller.
    const byCaller = await get(hub, agent02, `caller=${CALLER}`);
    expect(byCaller.body).toEqual(byCall.body);
  });

  it('answers 404 to an agent the handover is not addressed to', async () => {
    const hub = await fresh.open();
    const { token: agent01 } = await login(hub.app, 'agent01', '1001');
    const { token: agent03 } = await login(hub.app, 'agent03', '1003');
    await post(hub, agent01, REQUEST);

    for (const query of ['callId=citizen-1%40pbx', `caller=${CALLER}`]) {
      const res = await get(hub, agent03, query);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'no-handover' } });
    }
    // Nor does the sender read it back: it is the target's.
    expect((await get(hub, agent01, 'callId=citizen-1%40pbx')).status).toBe(404);
  });

  it('reaches the agents of the queue whose line was the target', async () => {
    const hub = await fresh.open();
    const psych = await psychologist(hub);
    const { token: agent01 } = await login(hub.app, 'agent01', '1001');
    const { token: agent02 } = await login(hub.app, 'agent02', '1002');
    await post(hub, agent01, { ...REQUEST, target: '123453', draft: undefined, notes: '' });

    const res = await get(hub, psych, `caller=${CALLER}`);
    expect(res.status).toBe(200);
    expect(HandoverSchema.parse(res.body)).toMatchObject({ target: '123453', draft: null });
    // agent02 serves the general queue only.
    expect((await get(hub, agent02, `caller=${CALLER}`)).status).toBe(404);
  });

  it('answers the newest of several for the same caller', async () => {
    const clock = new ManualClock(SEED_NOW);
    const hub = await fresh.open({ clock });
    const { token: agent01 } = await login(hub.app, 'agent01', '1001');
    const { token: agent02 } = await login(hub.app, 'agent02', '1002');
    await post(hub, agent01, { ...REQUEST, notes: 'first' });
    clock.advance(60_000);
    await post(hub, agent01, { ...REQUEST, callId: 'citizen-2@pbx', notes: 'second' });

    expect((await get(hub, agent02, `caller=${CALLER}`)).body.notes).toBe('second');
    expect((await get(hub, agent02, 'callId=citizen-1%40pbx')).body.notes).toBe('first');
  });

  it('forgets a handover after 30 minutes', async () => {
    const clock = new ManualClock(SEED_NOW);
    const hub = await fresh.open({ clock });
    const { token: agent01 } = await login(hub.app, 'agent01', '1001');
    await post(hub, agent01, REQUEST);

    clock.advance(HANDOVER_TTL_MS - 1_000);
    // Signed in now: a bearer token lasts less than the handover.
    const { token: agent02 } = await login(hub.app, 'agent02', '1002');
    expect((await get(hub, agent02, 'callId=citizen-1%40pbx')).status).toBe(200);
    clock.advance(2_000);
    expect((await get(hub, agent02, 'callId=citizen-1%40pbx')).status).toBe(404);
    expect((await get(hub, agent02, `caller=${CALLER}`)).status).toBe(404);
  });

  it('audits the write and each read under the caller', async () => {
    const clock = new ManualClock(SEED_NOW);
    const hub = await fresh.open({ clock });
    const { token: agent01 } = await login(hub.app, 'agent01', '1001');
    const { token: agent02 } = await login(hub.app, 'agent02', '1002');
    await post(hub, agent01, REQUEST);
    clock.advance(1_000);
    await get(hub, agent02, `caller=${CALLER}`);
    await get(hub, agent02, 'callId=nobody');

    const entries = await hub.store.audit.list({ subject: `caller:${CALLER}`, limit: 10 });
    const seen = entries.map((e) => [e.actorId, e.action, e.via]).reverse();
    expect(seen).toEqual([
      ['ag-001', 'create', `POST ${HUB_PATHS.handovers}`],
      ['ag-002', 'read', `GET ${HUB_PATHS.handovers}`],
    ]);
    // The audit names who and which caller, never what was handed over.
    expect(JSON.stringify(entries)).not.toContain(REQUEST.notes);
  });

  it('lets only the agent the ACD routed the call to hand it over', async () => {
    const hub = await fresh.open();
    const { token: agent01 } = await login(hub.app, 'agent01', '1001');
    const { token: agent03 } = await login(hub.app, 'agent03', '1003');
    await hub.acd.setStateBySeat('ag-001', '1001', 'ready');
    hub.acd.handleEvent({
      event: 'call.queued',
      tindex: 1,
      tlabel: 1,
      callId: REQUEST.callId,
      caller: CALLER,
      queue: 'general',
    });
    expect(hub.acd.agentOfCall(REQUEST.callId)).toBe('ag-001');

    const stranger = await post(hub, agent03, REQUEST);
    expect(stranger.status).toBe(403);
    expect(stranger.body).toMatchObject({
      error: { code: 'not-your-call', message: expect.stringContaining(REQUEST.callId) },
    });
    hub.acd.handleEvent({ event: 'call.answered', callId: REQUEST.callId });
    expect((await post(hub, agent01, REQUEST)).status).toBe(200);
    expect((await post(hub, agent03, REQUEST)).status).toBe(403);
    // The refused one left nothing for the target to read but the owner's.
    const { token: agent02 } = await login(hub.app, 'agent02', '1002');
    const read = await get(hub, agent02, 'callId=citizen-1%40pbx');
    expect(read.body).toMatchObject({ fromAgent: { id: 'ag-001' } });
  });

  it('refuses a call still queued, allows one the ACD does not know', async () => {
    const hub = await fresh.open();
    const { token: agent01 } = await login(hub.app, 'agent01', '1001');
    // Nobody is ready: the call waits, routed to no one.
    hub.acd.handleEvent({
      event: 'call.queued',
      tindex: 1,
      tlabel: 1,
      callId: 'queued-1@pbx',
      caller: CALLER,
      queue: 'general',
    });
    const queued = await post(hub, agent01, { ...REQUEST, callId: 'queued-1@pbx' });
    expect(queued.status).toBe(403);
    expect(queued.body).toMatchObject({ error: { code: 'not-your-call' } });
    // A direct or outbound call never passed the ACD: the seat that has it decides.
    expect(hub.acd.agentOfCall('direct-1@pbx')).toBeUndefined();
    expect((await post(hub, agent01, { ...REQUEST, callId: 'direct-1@pbx' })).status).toBe(200);
  });

  it('refuses a bad body or query naming the field', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app, 'agent01', '1001');
    const bad = await post(hub, token, { ...REQUEST, target: 'sip:1002' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { field: 'target' } });
    const both = await get(hub, token, `callId=x&caller=${CALLER}`);
    expect(both.status).toBe(400);
    expect((await get(hub, token, '')).status).toBe(400);
  });

  it('is for the roles that take calls', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app, 'unit01', '1801');
    expect((await post(hub, token, REQUEST)).status).toBe(403);
    expect((await get(hub, token, `caller=${CALLER}`)).status).toBe(403);
  });
});
