import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { HubEventSchema, HUB_PATHS } from '../../shared/hub-api.js';
import { bearer, login, useSeededHub } from '../testing/fixture.js';
import { openSocket, useHubSockets } from '../testing/sockets.js';

const seeded = useSeededHub({ login: false });
const sockets = useHubSockets(seeded);

const connect = (token: string) => openSocket(sockets.url(HUB_PATHS.events, token), HubEventSchema);

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

async function readyCount(): Promise<number> {
  const res = await seeded.hub.app.inject({ method: 'GET', url: HUB_PATHS.health });
  return res.json<{ acd: { agents: Record<string, number> } }>().acd.agents.ready ?? 0;
}

async function setReady(token: string): Promise<void> {
  const res = await seeded.hub.app.inject({
    method: 'POST',
    url: HUB_PATHS.agentState,
    headers: bearer(token),
    payload: { state: 'ready' },
  });
  expect(res.json()).toEqual({ state: 'ready', since: expect.any(String) });
}

function logout(token: string, payload?: unknown, contentType?: string) {
  return seeded.hub.app.inject({
    method: 'POST',
    url: HUB_PATHS.logout,
    headers: { ...bearer(token), ...(contentType ? { 'content-type': contentType } : {}) },
    ...(payload !== undefined ? { payload: payload as string } : {}),
  });
}

describe('signing out', () => {
  it('takes a ready agent out of the ACD and closes their events socket with 4001', async () => {
    const { token } = await login(seeded.hub.app, 'agent05', '1005');
    await setReady(token);
    const before = await readyCount();
    const { ws, next } = await connect(token);
    expect(await next()).toEqual({
      type: 'agent.state',
      state: 'ready',
      since: expect.any(String),
    });
    const closed = closeOf(ws);

    expect((await logout(token, {})).statusCode).toBe(200);

    expect(await closed).toEqual({ code: 4001, reason: 'signed out' });
    expect(seeded.hub.acd.stateOf('ag-005')).toBe('logged-out');
    expect(await readyCount()).toBe(before - 1);
    // The seat's reconnect with the same token is refused, so it stops rather than loops.
    await expect(connect(token)).rejects.toThrow('HTTP 401');
  });

  it('takes a sign-out without a body, or with an empty JSON body', async () => {
    const first = await login(seeded.hub.app, 'agent03', '1003');
    expect((await logout(first.token)).statusCode).toBe(200);
    expect(seeded.hub.acd.stateOf('ag-003')).toBe('logged-out');

    const second = await login(seeded.hub.app, 'agent03', '1003');
    const res = await logout(second.token, '', 'application/json');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });

  it('still refuses a body that is not JSON or has unknown fields', async () => {
    const { token } = await login(seeded.hub.app, 'agent03', '1003');
    expect((await logout(token, '{', 'application/json')).json()).toMatchObject({
      error: { code: 'invalid_json' },
    });
    expect((await logout(token, { extra: 1 })).json()).toMatchObject({
      error: { field: 'extra' },
    });
  });

  it('leaves the agent in the ACD when an older desk signs out after they moved on', async () => {
    const old = await login(seeded.hub.app, 'agent02', '1002');
    const oldSocket = await connect(old.token);
    const current = await login(seeded.hub.app, 'agent02', '1012');
    await setReady(current.token);
    const currentSocket = await connect(current.token);
    expect(await currentSocket.next()).toEqual({
      type: 'agent.state',
      state: 'ready',
      since: expect.any(String),
    });
    const oldClosed = closeOf(oldSocket.ws);

    const res = await logout(old.token, { refreshToken: old.refreshToken });
    expect(res.statusCode).toBe(200);

    expect((await oldClosed).code).toBe(4001);
    expect(seeded.hub.acd.stateOf('ag-002')).toBe('ready');
    expect(currentSocket.ws.readyState).toBe(currentSocket.ws.OPEN);

    const currentClosed = closeOf(currentSocket.ws);
    await logout(current.token, { refreshToken: current.refreshToken });
    expect((await currentClosed).code).toBe(4001);
    expect(seeded.hub.acd.stateOf('ag-002')).toBe('logged-out');
  });
});
