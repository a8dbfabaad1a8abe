import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ApiErrorSchema, HUB_PATHS } from '../shared/hub-api.js';
import { useSeededHub } from './testing/fixture.js';

const seeded = useSeededHub({ login: false });

const PROTECTED: { method: 'GET' | 'POST'; url: string }[] = [
  { method: 'POST', url: HUB_PATHS.agentState },
  { method: 'GET', url: HUB_PATHS.callerHistory('13800138000') },
  { method: 'GET', url: `${HUB_PATHS.kbSearch}?q=社保` },
  { method: 'POST', url: HUB_PATHS.syncPush },
  { method: 'GET', url: HUB_PATHS.syncPull },
];

describe('the hub app', () => {
  it('answers health without a token', async () => {
    const res = await seeded.hub.app.inject({ method: 'GET', url: HUB_PATHS.health });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      acd: { kamailio: 'connected', waiting: 0 },
    });
  });

  describe.each(PROTECTED)('$method $url', ({ method, url }) => {
    it.each([
      ['no Authorization header', undefined, /required/],
      [
        'a token the hub never issued',
        'Bearer abcdefghijklmnopqrstuvwxyz012345',
        /invalid or has expired/,
      ],
      ['a token no hub could have made', 'Bearer nope', /invalid or has expired/],
      ['another scheme', 'Basic YWdlbnQwMTpkZW1vMTIzNA==', /required/],
      ['a Bearer scheme with no token', 'Bearer ', /required/],
    ])('answers 401 to %s', async (_name, authorization, message) => {
      const res = await seeded.hub.app.inject({
        method,
        url,
        headers: authorization ? { authorization } : {},
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      expect(res.statusCode).toBe(401);
      const body = ApiErrorSchema.parse(res.json());
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.message).toMatch(message);
    });
  });

  it('answers unknown paths with the error shape', async () => {
    const res = await seeded.hub.app.inject({ method: 'GET', url: '/api/v1/nope?token=secret' });
    expect(res.statusCode).toBe(404);
    const body = ApiErrorSchema.parse(res.json());
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).not.toContain('secret');
  });

  const LONG_NUMBER = '1'.repeat(5000);
  const json = { 'content-type': 'application/json' };

  it.each([
    {
      name: 'an over-long path parameter',
      request: { method: 'GET', url: `/api/v1/callers/${LONG_NUMBER}/history` },
      status: 414,
      error: { code: 'uri_too_long', message: expect.stringMatching(/URL path is longer/) },
    },
    {
      name: 'a bad percent-encoding in a path parameter',
      request: { method: 'GET', url: '/api/v1/callers/%E0%A4%A/history' },
      status: 400,
      error: { code: 'invalid_url', message: expect.stringMatching(/percent-encoding/) },
    },
    {
      name: 'a bad percent-encoding outside any route',
      request: { method: 'GET', url: '/%' },
      status: 400,
      error: { code: 'invalid_url', message: expect.stringMatching(/percent-encoding/) },
    },
    {
      name: 'a method no route has',
      request: { method: 'DELETE', url: HUB_PATHS.login },
      status: 404,
      error: { code: 'not_found', message: `no route DELETE ${HUB_PATHS.login}` },
    },
    {
      name: 'a body that is not JSON',
      request: { method: 'POST', url: HUB_PATHS.login, headers: json, payload: '{"account":' },
      status: 400,
      error: { code: 'invalid_json', message: 'body is not valid JSON', field: 'body' },
    },
    {
      name: 'a JSON body that sets __proto__',
      request: {
        method: 'POST',
        url: HUB_PATHS.login,
        headers: json,
        payload: '{"__proto__":{"x":1}}',
      },
      status: 400,
      error: {
        code: 'invalid_request',
        message: 'body: the key __proto__ is not allowed',
        field: '__proto__',
      },
    },
    {
      name: 'an empty JSON body',
      request: { method: 'POST', url: HUB_PATHS.login, headers: json, payload: '' },
      status: 400,
      error: { code: 'invalid_request', message: 'body is required', field: 'body' },
    },
    {
      name: 'a body that is not JSON at all',
      request: {
        method: 'POST',
        url: HUB_PATHS.login,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'account=agent01',
      },
      status: 415,
      error: { code: 'unsupported_media_type', message: 'the body must be application/json' },
    },
  ] as const)('answers $name with the error shape', async ({ request, status, error }) => {
    const res = await seeded.hub.app.inject(request);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ error });
    expect(res.body).not.toMatch(/FST_|statusCode|1111111111/);
  });

  it('answers a request that is not HTTP with the error shape', async () => {
    const { app } = seeded.hub;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const socket = connect((app.server.address() as AddressInfo).port, '127.0.0.1');
    let raw = '';
    socket.on('data', (d: Buffer) => (raw += d.toString()));
    socket.write('NOT HTTP AT ALL\r\n\r\n');
    await new Promise((resolve) => socket.on('close', resolve));
    const [head = '', payload = ''] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(payload)).toEqual({
      error: { code: 'bad_request', message: 'the request is not valid HTTP' },
    });
  });
});
