import { describe, expect, it } from 'vitest';
import { HubEventSchema, HUB_PATHS } from '../../shared/hub-api.js';
import { bearer, login, useSeededHub } from '../testing/fixture.js';
import { openSocket, useHubSockets } from '../testing/sockets.js';

const seeded = useSeededHub({ login: false });
const sockets = useHubSockets(seeded);

/** Opens the events socket; resolves with a reader of its frames once open. */
const connect = (token: string) => openSocket(sockets.url(HUB_PATHS.events, token), HubEventSchema);

describe('events WebSocket', () => {
  it('refuses a socket without a valid token', async () => {
    await expect(connect('not-a-token-the-hub-made-000000')).rejects.toThrow('HTTP 401');
  });

  it('tells the seat its state first, then what the ACD does for it', async () => {
    const { token } = await login(seeded.hub.app, 'agent04', '1004');
    const { ws, next } = await connect(token);
    expect(await next()).toEqual({
      type: 'agent.state',
      state: 'not-ready',
      reason: 'signed-in',
      since: expect.any(String),
    });

    seeded.hub.acd.handleEvent({
      event: 'call.queued',
      tindex: 1,
      tlabel: 2,
      callId: 'ws-1@test',
      caller: '076922345678',
      queue: 'general',
    });
    const res = await seeded.hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.agentState,
      headers: bearer(token),
      payload: { state: 'ready' },
    });
    expect(res.json()).toEqual({ state: 'ringing', since: expect.any(String) });
    expect(await next()).toMatchObject({
      type: 'call.offered',
      callId: 'ws-1@test',
      queue: 'general',
    });
    expect(await next()).toEqual({
      type: 'agent.state',
      state: 'ringing',
      since: expect.any(String),
    });

    seeded.hub.acd.handleEvent({ event: 'call.answered', callId: 'ws-1@test' });
    expect(await next()).toEqual({
      type: 'agent.state',
      state: 'on-call',
      since: expect.any(String),
    });
    seeded.hub.acd.handleEvent({ event: 'call.ended', callId: 'ws-1@test' });
    expect(await next()).toEqual({
      type: 'agent.state',
      state: 'wrap-up',
      since: expect.any(String),
      wrapUpEndsAt: expect.any(String),
    });
    ws.close();
  });

  it('sends nothing of one agent to another agent’s seat', async () => {
    const a = await login(seeded.hub.app, 'agent05', '1005');
    const b = await login(seeded.hub.app, 'agent03', '1003');
    const sa = await connect(a.token);
    const sb = await connect(b.token);
    await sa.next();
    await sb.next();
    seeded.hub.events.publish('ag-005', { type: 'orders.changed' });
    expect(await sa.next()).toEqual({ type: 'orders.changed' });
    await expect(sb.next(300)).rejects.toThrow('no frame');
    sa.ws.close();
    sb.ws.close();
  });
});
