import { describe, expect, it } from 'vitest';
import { HUB_PATHS } from '../../shared/hub-api.js';
import { ManualClock } from '../clock.js';
import { bearer, login, recordEvents, useFreshHub } from '../testing/fixture.js';

const fresh = useFreshHub();

async function setState(token: string, payload: Record<string, unknown>) {
  const res = await fresh.hub.app.inject({
    method: 'POST',
    url: HUB_PATHS.agentState,
    headers: bearer(token),
    payload,
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

describe('POST agents/me/state', () => {
  it('sets the state and stores it', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app);
    expect(await setState(token, { state: 'ready' })).toEqual({
      status: 200,
      body: { state: 'ready', since: expect.any(String) },
    });
    await hub.acd.flush();
    expect((await hub.store.agents.get('ag-001'))?.state).toBe('ready');
    expect((await setState(token, { state: 'not-ready', reason: 'break' })).body).toEqual({
      state: 'not-ready',
      reason: 'break',
      since: expect.any(String),
    });
  });

  it('answers the hub times: since on entering the state, wrapUpEndsAt from the queue', async () => {
    const clock = new ManualClock(Date.parse('2026-12-03T02:00:00Z'));
    const hub = await fresh.open({
      clock,
      acd: { wrapUpMs: 30_000, wrapUpByQueue: { general: 120_000 } },
    });
    const { token } = await login(hub.app, 'agent02', '1002');
    const events = recordEvents(hub.events, 'ag-002');
    clock.advance(5_000);
    expect((await setState(token, { state: 'ready' })).body).toEqual({
      state: 'ready',
      since: '2026-12-03T02:00:05.000Z',
    });
    hub.acd.handleEvent({
      event: 'call.queued',
      tindex: 1,
      tlabel: 1,
      callId: 'sl-1@test',
      caller: '13800138000',
      queue: 'general',
    });
    clock.advance(1_000);
    hub.acd.handleEvent({ event: 'call.answered', callId: 'sl-1@test' });
    clock.advance(60_000);
    hub.acd.handleEvent({ event: 'call.ended', callId: 'sl-1@test' });
    const wrapUp = {
      state: 'wrap-up',
      since: '2026-12-03T02:01:06.000Z',
      wrapUpEndsAt: '2026-12-03T02:03:06.000Z',
    };
    expect(events.at(-1)).toEqual({ type: 'agent.state', ...wrapUp });
    // The same as POST answers it, for a desk that asks after a reload.
    const res = await hub.app.inject({
      method: 'GET',
      url: HUB_PATHS.agentState,
      headers: bearer(token),
    });
    expect(res.json()).toEqual(wrapUp);
    clock.advance(119_999);
    hub.acd.tick();
    expect(hub.acd.stateOf('ag-002')).toBe('wrap-up');
    clock.advance(1);
    hub.acd.tick();
    expect(events.at(-1)).toEqual({
      type: 'agent.state',
      state: 'ready',
      since: '2026-12-03T02:03:06.000Z',
    });
  });

  it('routes a waiting call the moment the agent goes ready', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app, 'agent02', '1002');
    const events = recordEvents(hub.events, 'ag-002');
    hub.acd.handleEvent({
      event: 'call.queued',
      tindex: 7,
      tlabel: 9,
      callId: 'c-1@test',
      caller: '13800138000',
      queue: 'general',
    });
    expect(hub.link.sent).toEqual([]);
    const res = await setState(token, { state: 'ready' });
    expect(res.body).toEqual({ state: 'ringing', since: expect.any(String) });
    expect(hub.link.sent).toEqual([
      expect.objectContaining({
        action: 'route',
        tindex: 7,
        tlabel: 9,
        callId: 'c-1@test',
        agent: '1002',
      }),
    ]);
    expect(events).toEqual([
      {
        type: 'call.offered',
        callId: 'c-1@test',
        caller: '13800138000',
        queue: 'general',
        waitMs: expect.any(Number),
      },
      { type: 'agent.state', state: 'ringing', since: res.body.since },
    ]);
    // Ready again while the call rings is not taken, and tells the seat nothing new.
    expect((await setState(token, { state: 'ready' })).body).toEqual(res.body);
    expect(events).toHaveLength(2);
  });

  it('takes not-ready with a reason, answers it, and stores it', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app);
    expect(await setState(token, { state: 'not-ready', reason: 'training' })).toEqual({
      status: 200,
      body: { state: 'not-ready', reason: 'training', since: expect.any(String) },
    });
    await hub.acd.flush();
    expect(await hub.store.agents.get('ag-001')).toMatchObject({
      state: 'not-ready',
      stateReason: 'training',
    });
  });

  it('refuses not-ready without a reason, naming the reasons, and changes nothing', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app);
    await setState(token, { state: 'ready' });
    const res = await setState(token, { state: 'not-ready' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: {
        field: 'reason',
        message: expect.stringContaining('not-ready needs a reason: one of break, meal'),
      },
    });
    expect(hub.acd.stateOf('ag-001')).toBe('ready');
  });

  it('refuses a move that makes no sense with 409 naming both states', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app);
    const res = await setState(token, { state: 'wrap-up' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: {
        code: 'state-conflict',
        message: expect.stringContaining('cannot go from not-ready to wrap-up'),
        field: 'state',
      },
    });
    expect(hub.acd.stateOf('ag-001')).toBe('not-ready');
  });

  it.each([
    ['unit01', '1801', 'ag-801'],
    ['admin01', '1999', 'ag-999'],
    ['lead01', '1901', 'ag-901'],
  ])(
    'refuses ready to %s, who serves no queue, and /health does not count them',
    async (account, extension, agentId) => {
      const hub = await fresh.open();
      const { token } = await login(hub.app, account, extension);
      const res = await setState(token, { state: 'ready' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        error: {
          code: 'state-conflict',
          message: 'cannot go from not-ready to ready: the account serves no queue',
          field: 'state',
        },
      });
      expect(hub.acd.stateOf(agentId)).toBe('not-ready');
      const health = await hub.app.inject({ method: 'GET', url: HUB_PATHS.health });
      expect(health.json<{ acd: { agents: Record<string, number> } }>().acd.agents.ready ?? 0).toBe(
        0,
      );
      // Not-ready and signing out still work for them.
      expect((await setState(token, { state: 'not-ready', reason: 'training' })).status).toBe(200);
    },
  );

  it.each([
    [{ state: 'asleep' }, 'state'],
    [{}, 'state'],
    [{ state: 'ready', reason: 'x' }, 'reason'],
    [{ state: 'ready', reason: 'meal' }, 'reason'],
    [{ state: 'not-ready', reason: 'missed-call' }, 'reason'],
  ])('refuses %j naming %s', async (payload, field) => {
    const hub = await fresh.open();
    const { token } = await login(hub.app);
    const res = await setState(token, payload);
    expect(res.status).toBe(400);
    expect((res.body as { error: { field: string } }).error.field).toBe(field);
  });
});
