import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HubEventSchema, HUB_PATHS, type HubEvent } from '../../shared/hub-api.js';
import { bearer, login, useSeededHub } from '../testing/fixture.js';

const seeded = useSeededHub({ login: false });
let base: string;

beforeAll(async () => {
  const { app } = seeded.hub;
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

/** Opens the events socket; resolves with a reader of its frames once open. */
function connect(token: string): Promise<{ ws: WebSocket; next: () => Promise<HubEvent> }> {
  const ws = new WebSocket(`${base}${HUB_PATHS.events}?token=${encodeURIComponent(token)}`);
  const frames: HubEvent[] = [];
  const waiters: ((e: HubEvent) => void)[] = [];
  ws.on('message', (data) => {
    const event = HubEventSchema.parse(JSON.parse(String(data)));
    const waiter = waiters.shift();
    if (waiter) waiter(event);
    else frames.push(event);
  });
  const next = (): Promise<HubEvent> =>
    new Promise((resolve, reject) => {
      const queued = frames.shift();
      if (queued) return resolve(queued);
      const timer = setTimeout(() => reject(new Error('no event within 2 s')), 2000);
      waiters.push((e) => {
        clearTimeout(timer);
        resolve(e);
      });
    });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, next }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('events WebSocket', () => {
  it('refuses a socket without a valid token', async () => {
    await expect(connect('not-a-token-the-hub-made-000000')).rejects.toThrow('HTTP 401');
  });

  it('tells the seat its state first, then what the ACD does for it', async () => {
    const { token } = await login(seeded.hub.app, 'agent04', '1004');
    const { ws, next } = await connect(token);
    expect(await next()).toEqual({ type: 'agent.state', state: 'not-ready' });

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
    expect(res.json()).toEqual({ state: 'ringing' });
    expect(await next()).toMatchObject({
      type: 'call.offered',
      callId: 'ws-1@test',
      queue: 'general',
    });
    expect(await next()).toEqual({ type: 'agent.state', state: 'ringing' });

    seeded.hub.acd.handleEvent({ event: 'call.answered', callId: 'ws-1@test' });
    expect(await next()).toEqual({ type: 'agent.state', state: 'on-call' });
    seeded.hub.acd.handleEvent({ event: 'call.ended', callId: 'ws-1@test' });
    expect(await next()).toEqual({ type: 'agent.state', state: 'wrap-up' });
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
    await expect(sb.next()).rejects.toThrow('no event');
    sa.ws.close();
    sb.ws.close();
  });
});
