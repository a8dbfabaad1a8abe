import { describe, expect, it } from 'vitest';
import { HUB_PATHS, LoginResponseSchema } from '../../shared/hub-api.js';
import { ManualClock } from '../clock.js';
import { bearer, useFreshHub } from '../testing/fixture.js';

const fresh = useFreshHub();

async function post(payload: Record<string, unknown>) {
  const res = await fresh.hub.app.inject({ method: 'POST', url: HUB_PATHS.login, payload });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

describe('POST login', () => {
  it('signs an agent in at the seat it names', async () => {
    const hub = await fresh.open();
    const res = await post({ account: 'agent03', password: 'demo1234', extension: '1005' });
    expect(res.status).toBe(200);
    const body = LoginResponseSchema.parse(res.body);
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(body.agent).toEqual({
      id: 'ag-003',
      account: 'agent03',
      name: '黄丽娟',
      role: 'agent',
      extension: '1005',
      queues: ['general'],
    });
    expect(body.sip).toEqual({
      wsUrl: 'ws://127.0.0.1:8080/ws',
      domain: '127.0.0.1',
      user: '1005',
      displayName: '黄丽娟',
    });
    expect(hub.acd.stateOf('ag-003')).toBe('not-ready');
  });

  it('signs in the shift lead', async () => {
    await fresh.open();
    const body = LoginResponseSchema.parse(
      (await post({ account: 'lead01', password: 'demo1234', extension: '1901' })).body,
    );
    expect(body.agent.role).toBe('lead');
    expect(body.agent.queues).toEqual([]);
  });

  it.each([
    ['a wrong password', { account: 'agent01', password: 'demo12345', extension: '1001' }],
    ['an unknown account', { account: 'nobody', password: 'demo1234', extension: '1001' }],
  ])('refuses %s with the same 401', async (_name, payload) => {
    await fresh.open();
    const res = await post(payload);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: { code: 'invalid_credentials', message: 'account or password is wrong' },
    });
  });

  it.each([
    ['no extension', { account: 'agent01', password: 'demo1234' }, 'extension'],
    [
      'a bad extension',
      { account: 'agent01', password: 'demo1234', extension: '10a1' },
      'extension',
    ],
    ['an empty account', { account: ' ', password: 'demo1234', extension: '1001' }, 'account'],
    ['an unknown field', { account: 'a', password: 'b', extension: '1001', x: 1 }, 'x'],
    ['no body', null, 'body'],
  ])('refuses %s with 400 naming the field', async (_name, payload, field) => {
    const hub = await fresh.open();
    const res =
      payload === null
        ? await hub.app.inject({ method: 'POST', url: HUB_PATHS.login })
        : await hub.app.inject({ method: 'POST', url: HUB_PATHS.login, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { field: string } }>().error.field).toBe(field);
  });

  it('says what a bad extension must look like, in the schema’s words', async () => {
    await fresh.open();
    const res = await post({ account: 'agent01', password: 'demo1234', extension: '10a1' });
    expect(res.body).toEqual({
      error: {
        code: 'invalid_request',
        message: 'extension must be 3 to 6 digits',
        field: 'extension',
      },
    });
  });

  it('hands out a token that works until the session expires', async () => {
    const clock = new ManualClock(Date.parse('2026-12-03T00:00:00Z'));
    const hub = await fresh.open({ clock });
    const { token } = LoginResponseSchema.parse(
      (await post({ account: 'agent01', password: 'demo1234', extension: '1001' })).body,
    );
    const ask = () =>
      hub.app.inject({
        method: 'GET',
        url: `${HUB_PATHS.kbSearch}?q=社保卡`,
        headers: bearer(token),
      });
    expect((await ask()).statusCode).toBe(200);
    clock.advance(11 * 60 * 60 * 1000);
    expect((await ask()).statusCode).toBe(200);
    clock.advance(2 * 60 * 60 * 1000);
    expect((await ask()).statusCode).toBe(401);
  });

  it('logs out another agent who sat at the same extension', async () => {
    const hub = await fresh.open();
    await post({ account: 'agent01', password: 'demo1234', extension: '1001' });
    await post({ account: 'agent02', password: 'demo1234', extension: '1001' });
    expect(hub.acd.stateOf('ag-001')).toBe('logged-out');
    expect(hub.acd.stateOf('ag-002')).toBe('not-ready');
  });
});
