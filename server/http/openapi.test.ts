import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { HUB_PATHS } from '../../shared/hub-api.js';
import { useSeededHub } from '../testing/fixture.js';
import { hubApiDocument } from './api-document.js';

const seeded = useSeededHub();

interface Operation {
  summary: string;
  'x-roles': string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

async function served(): Promise<Document> {
  const res = await seeded.hub.app.inject({ method: 'GET', url: HUB_PATHS.openapi });
  expect(res.statusCode).toBe(200);
  return res.json<Document>();
}

describe('OpenAPI document', () => {
  it('is served without a token and describes every route the app registered', async () => {
    const doc = await served();
    expect(doc.openapi).toBe('3.1.0');
    for (const route of seeded.hub.app.routeCatalog.routes) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.url}`).toBeDefined();
      expect(op?.['x-roles']).toEqual(route.access === 'public' ? [] : route.access);
    }
  });

  it('describes inputs from the same schemas that validate them', async () => {
    const doc = await served();
    const history = doc.paths['/api/v1/callers/{number}/history']?.get;
    expect(history?.parameters?.map((p) => [p.name, p.in, p.required])).toEqual([
      ['number', 'path', true],
      ['limit', 'query', false],
      ['offset', 'query', false],
    ]);
    expect(Object.keys(history?.responses ?? {})).toEqual(['200', '400', '401', '403']);
    const login = doc.paths[HUB_PATHS.login]?.post;
    expect(login?.security).toEqual([]);
    // The schema's own pattern, as LoginRequestSchema checks it.
    expect(JSON.stringify(login?.requestBody)).toContain(JSON.stringify('^\\d{3,6}$'));
    expect(Object.keys(login?.responses ?? {})).toContain('429');
  });

  it('is what docs/openapi.json holds (run `npm run openapi` after changing a route)', async () => {
    const committed: unknown = JSON.parse(
      await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8'),
    );
    expect(committed, 'docs/openapi.json is stale: run `npm run openapi`').toEqual(
      await hubApiDocument(),
    );
  });
});

describe('input validation from the route schemas', () => {
  it.each([
    [`${HUB_PATHS.health}?verbose=1`, 'verbose'],
    [`${HUB_PATHS.kbSearch}?q=社保&page=2`, 'page'],
    [HUB_PATHS.order('12345'), 'orderNo'],
    [`${HUB_PATHS.syncPull}?limit=abc`, 'limit'],
  ])('refuses GET %s naming %s', async (url, field) => {
    const res = await seeded.hub.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${seeded.token}` },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_request', field } });
  });

  it('limits bodies per route: a sign-in is small, a push batch large', async () => {
    const big = 'x'.repeat(100 * 1024);
    const login = await seeded.hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.sessionRefresh,
      payload: { refreshToken: big },
    });
    expect(login.statusCode).toBe(413);
    const push = await seeded.hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.syncPush,
      headers: { authorization: `Bearer ${seeded.token}` },
      payload: { protocol: 2, seatId: 'seat-A', mutations: [], padding: big },
    });
    // Past the size check: refused by the schema instead, naming the field.
    expect(push.statusCode).toBe(400);
    expect(push.json()).toMatchObject({ error: { field: 'mutations' } });
  });
});
