import { describe, expect, it } from 'vitest';
import { HUB_PATHS } from '../../shared/hub-api.js';
import { WallboardFrameSchema, type WallboardFrame } from '../../shared/wallboard.js';
import { bearer, login, useSeededHub } from '../testing/fixture.js';
import { openSocket, useHubSockets } from '../testing/sockets.js';

const seeded = useSeededHub({ login: false });
const sockets = useHubSockets(seeded);

/** Opens the wallboard stream; resolves once open, with a reader of its frames. */
const connect = (token: string) =>
  openSocket(sockets.url(HUB_PATHS.wallboardEvents, token), WallboardFrameSchema);

describe('wallboard events WebSocket', () => {
  it('refuses a socket without a valid token', async () => {
    await expect(connect('not-a-token-the-hub-made-000000')).rejects.toThrow('HTTP 401');
  });

  it('refuses an agent: the wallboard is for leads and admins', async () => {
    const { token } = await login(seeded.hub.app, 'agent02', '1002');
    await expect(connect(token)).rejects.toThrow('HTTP 403');
  });

  it('gives a lead the snapshot, then each call and agent move within a second', async () => {
    const lead = await login(seeded.hub.app, 'lead01', '1901');
    const board = await connect(lead.token);
    const snapshot = await board.next();
    expect(snapshot.type).toBe('snapshot');
    expect(snapshot.agents.map((a) => a.agentId)).toContain('ag-001');
    expect(snapshot.queues.find((q) => q.queue === 'general')).toMatchObject({ waiting: 0 });

    const agent = await login(seeded.hub.app, 'agent01', '1001');
    const started = Date.now();
    seeded.hub.acd.handleEvent({
      event: 'call.queued',
      tindex: 3,
      tlabel: 4,
      callId: 'wb-1@test',
      caller: '13800138000',
      queue: 'general',
    });
    const res = await seeded.hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.agentState,
      headers: bearer(agent.token),
      payload: { state: 'ready' },
    });
    expect(res.json()).toEqual({ state: 'ringing', since: expect.any(String) });

    // Frames are coalesced: read until the call shows as ringing at 1001.
    let seen: WallboardFrame | undefined;
    while (!seen) {
      const frame = await board.next(1000);
      if (frame.calls.some((c) => c.callId === 'wb-1@test' && c.phase === 'ringing')) seen = frame;
    }
    expect(Date.now() - started).toBeLessThan(1000);
    expect(seen.agents.find((a) => a.agentId === 'ag-001')?.state).toBe('ringing');
    expect(seen.calls.find((c) => c.callId === 'wb-1@test')).toMatchObject({
      agent: '1001',
      caller: '138****8000',
    });
    expect(seen.queues.find((q) => q.queue === 'general')).toMatchObject({ offered: 1 });
    board.ws.close();
  });
});
