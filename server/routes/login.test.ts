import { describe, expect, it } from 'vitest';
import { HUB_PATHS, LoginResponseSchema } from '../../shared/hub-api.js';
import { randomBytes, scryptSync } from 'node:crypto';
import { verifyPassword } from '../auth/password.js';
import { ManualClock } from '../clock.js';
import { bearer, useFreshHub } from '../testing/fixture.js';

const fresh = useFreshHub();

/** A hash as the hub stored passwords before argon2id: scrypt$N$r$p$salt$key. */
async function legacyScryptHash(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 });
  return ['scrypt', 16384, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

async function post(payload: Record<string, unknown>) {
  const res = await fresh.hub.app.inject({ method: 'POST', url: HUB_PATHS.login, payload });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

describe('POST login', () => {
  it('hands a web seat its store key, the same on every sign-in, audited; and the hub time', async () => {
    const clock = new ManualClock(Date.parse('2026-12-03T02:00:00Z'));
    const hub = await fresh.open({ clock });
    const ask = { account: 'agent01', password: 'demo1234', extension: '1001' };
    const first = LoginResponseSchema.parse((await post({ ...ask, dataKeyFor: 'web-7' })).body);
    expect(first.hubTime).toBe('2026-12-03T02:00:00.000Z');
    expect(Buffer.from(first.dataKey ?? '', 'base64url')).toHaveLength(32);
    const other = { ...ask, account: 'agent02', extension: '1002', dataKeyFor: 'web-7' };
    const again = LoginResponseSchema.parse((await post(other)).body);
    expect(again.dataKey).toBe(first.dataKey);
    const elsewhere = LoginResponseSchema.parse((await post({ ...ask, dataKeyFor: 'web-8' })).body);
    expect(elsewhere.dataKey).not.toBe(first.dataKey);
    // A desktop seat does not ask, and gets none.
    expect(LoginResponseSchema.parse((await post(ask)).body).dataKey).toBeUndefined();
    const audit = await hub.store.audit.list({ subject: 'seat-key:web-7', limit: 5 });
    expect(audit.map((e) => [e.action, e.actorId])).toEqual([
      ['read', 'ag-002'],
      ['create', 'ag-001'],
    ]);
    const bad = await post({ ...ask, dataKeyFor: 'not a seat/id' });
    expect(bad).toMatchObject({ status: 400, body: { error: { field: 'dataKeyFor' } } });
  });

  it('hands no seat store key to roles that do not work at a desk, and signs them in not at all', async () => {
    const hub = await fresh.open();
    for (const [account, extension] of [
      ['unit01', '1801'],
      ['admin01', '1999'],
    ] as const) {
      const res = await post({ account, password: 'demo1234', extension, dataKeyFor: 'web-7' });
      expect(res).toMatchObject({
        status: 403,
        body: { error: { code: 'seat_key_forbidden', field: 'dataKeyFor' } },
      });
    }
    expect(await hub.store.audit.list({ subject: 'seat-key:web-7', limit: 5 })).toEqual([]);
    expect((await hub.store.agents.findByAccount('unit01'))?.state).toBe('logged-out');
    // Without the ask they sign in as before.
    expect(
      (await post({ account: 'unit01', password: 'demo1234', extension: '1801' })).status,
    ).toBe(200);
  });

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

  it('hands out a bearer token that works for 15 minutes', async () => {
    const clock = new ManualClock(Date.parse('2026-12-03T00:00:00Z'));
    const hub = await fresh.open({ clock });
    const body = LoginResponseSchema.parse(
      (await post({ account: 'agent01', password: 'demo1234', extension: '1001' })).body,
    );
    expect(body.expiresIn).toBe(15 * 60);
    expect(body.shiftEndsAt).toBe('2026-12-03T12:00:00.000Z');
    expect(body.refreshToken).not.toBe(body.token);
    const ask = () =>
      hub.app.inject({
        method: 'GET',
        url: `${HUB_PATHS.kbSearch}?q=社保卡`,
        headers: bearer(body.token),
      });
    expect((await ask()).statusCode).toBe(200);
    clock.advance(14 * 60 * 1000);
    expect((await ask()).statusCode).toBe(200);
    clock.advance(60 * 1000);
    expect((await ask()).statusCode).toBe(401);
  });

  it('stores argon2id hashes and upgrades an old scrypt hash at sign-in', async () => {
    const hub = await fresh.open();
    const scrypt = await legacyScryptHash('demo1234');
    await hub.store.agents.setPasswordHash('ag-002', scrypt);
    expect((await hub.store.agents.get('ag-001'))?.passwordHash).toMatch(/^\$argon2id\$/);

    expect(
      (await post({ account: 'agent02', password: 'demo1234', extension: '1002' })).status,
    ).toBe(200);
    const upgraded = (await hub.store.agents.get('ag-002'))?.passwordHash ?? '';
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$/);
    expect(await verifyPassword('demo1234', upgraded)).toBe(true);
    expect(
      (await post({ account: 'agent02', password: 'demo1234', extension: '1002' })).status,
    ).toBe(200);
    expect((await hub.store.agents.get('ag-002'))?.passwordHash).toBe(upgraded);
  });

  it('blocks an account at an address after 5 failures, with 429 and Retry-After', async () => {
    const hub = await fresh.open();
    const attempt = (password: string, remoteAddress = '10.0.0.7', account = 'agent01') =>
      hub.app.inject({
        method: 'POST',
        url: HUB_PATHS.login,
        remoteAddress,
        payload: { account, password, extension: '1001' },
      });
    for (let i = 1; i <= 4; i++) expect((await attempt('wrong')).statusCode).toBe(401);
    const fifth = await attempt('wrong');
    expect(fifth.statusCode).toBe(429);
    expect(Number(fifth.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(fifth.json()).toMatchObject({ error: { code: 'too_many_attempts' } });

    // Blocked even with the right password: the block comes before the check.
    const right = await attempt('demo1234');
    expect(right.statusCode).toBe(429);
    expect(right.headers['retry-after']).toBeDefined();

    // The same account from its own seat, and another account from the same address, go on.
    expect((await attempt('demo1234', '10.0.0.8')).statusCode).toBe(200);
    expect((await attempt('demo1234', '10.0.0.7', 'agent02')).statusCode).toBe(200);
  });

  it('past 30 failures from an address, refuses the accounts that failed there, not the floor', async () => {
    const hub = await fresh.open();
    const floor = '10.0.0.66';
    const attempt = (account: string, password = 'wrong', remoteAddress = floor) =>
      hub.app.inject({
        method: 'POST',
        url: HUB_PATHS.login,
        remoteAddress,
        payload: { account, password, extension: '1001' },
      });
    // A sprayer behind the call centre's NAT address: one guess at each of 30 names.
    for (let i = 1; i <= 30; i++) expect((await attempt(`guess${i}`)).statusCode).toBe(401);

    // The 31st failure makes the address suspect: that name gets no second guess.
    const over = await attempt('agent05');
    expect(over.statusCode).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect((await attempt('agent05', 'demo1234')).statusCode).toBe(429);
    expect((await attempt('guess1')).statusCode).toBe(429);

    // Honest agents at the same address who have not failed sign in with their password.
    expect((await attempt('agent04', 'demo1234')).statusCode).toBe(200);
    expect((await attempt('agent03', 'demo1234')).statusCode).toBe(200);
    // One who mistypes now is refused that account until the failure ages out.
    expect((await attempt('agent02', 'typo')).statusCode).toBe(429);
    expect((await attempt('agent02', 'demo1234')).statusCode).toBe(429);
    // The same account elsewhere is not touched by the address's failures.
    expect((await attempt('agent05', 'demo1234', '10.0.0.67')).statusCode).toBe(200);
  });

  it('says a __proto__ or constructor key is not allowed, rather than "not valid JSON"', async () => {
    const hub = await fresh.open();
    const poison = [
      ['__proto__', '{"role":"admin"}'],
      ['constructor', '{"prototype":{"role":"admin"}}'],
    ];
    for (const [key, value] of poison) {
      const res = await hub.app.inject({
        method: 'POST',
        url: HUB_PATHS.login,
        headers: { 'content-type': 'application/json' },
        payload: `{"account":"agent01","password":"demo1234","extension":"1001","${key}":${value}}`,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error: {
          code: 'invalid_request',
          message: `body: the key ${key} is not allowed`,
          field: key,
        },
      });
    }
    const broken = await hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.login,
      headers: { 'content-type': 'application/json' },
      payload: '{"account":',
    });
    expect(broken.json()).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it('clears the failure count of a pair after a successful sign-in', async () => {
    const hub = await fresh.open();
    const attempt = (password: string) =>
      hub.app.inject({
        method: 'POST',
        url: HUB_PATHS.login,
        remoteAddress: '10.0.0.9',
        payload: { account: 'agent03', password, extension: '1003' },
      });
    for (let i = 0; i < 4; i++) expect((await attempt('wrong')).statusCode).toBe(401);
    expect((await attempt('demo1234')).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await attempt('wrong')).statusCode).toBe(401);
  });

  it('refuses a body larger than a sign-in with 413', async () => {
    const hub = await fresh.open();
    const res = await hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.login,
      payload: { account: 'agent01', password: 'x'.repeat(10_000), extension: '1001' },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('logs out another agent who sat at the same extension', async () => {
    const hub = await fresh.open();
    await post({ account: 'agent01', password: 'demo1234', extension: '1001' });
    await post({ account: 'agent02', password: 'demo1234', extension: '1001' });
    expect(hub.acd.stateOf('ag-001')).toBe('logged-out');
    expect(hub.acd.stateOf('ag-002')).toBe('not-ready');
  });
});
