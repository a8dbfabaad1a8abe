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
        /unknown or has expired/,
      ],
      ['another scheme', 'Basic YWdlbnQwMTpkZW1vMTIzNA==', /required/],
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
});
