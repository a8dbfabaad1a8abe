import { describe, expect, it } from 'vitest';
import { HUB_PATHS } from '../../shared/hub-api.js';
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
      body: { state: 'ready' },
    });
    await hub.acd.flush();
    expect((await hub.store.agents.get('ag-001'))?.state).toBe('ready');
    expect((await setState(token, { state: 'not-ready' })).body).toEqual({ state: 'not-ready' });
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
    expect(res.body).toEqual({ state: 'ringing' });
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
      { type: 'agent.state', state: 'ringing' },
    ]);
    // Ready again while the call rings is not taken.
    expect((await setState(token, { state: 'ready' })).body).toEqual({ state: 'ringing' });
  });

  it('takes not-ready with a reason, answers it, and stores it', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app);
    expect(await setState(token, { state: 'not-ready', reason: 'training' })).toEqual({
      status: 200,
      body: { state: 'not-ready', reason: 'training' },
    });
    await hub.acd.flush();
    expect(await hub.store.agents.get('ag-001')).toMatchObject({
      state: 'not-ready',
      stateReason: 'training',
    });
  });

  it('still takes not-ready without a reason, as the current seat sends it', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app);
    await setState(token, { state: 'ready' });
    expect(await setState(token, { state: 'not-ready' })).toEqual({
      status: 200,
      body: { state: 'not-ready' },
    });
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
