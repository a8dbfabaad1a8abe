import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ApiErrorSchema, HUB_PATHS, ROLES, type Role } from '../../shared/hub-api.js';
import { issueSession } from '../auth/sessions.js';
import { systemClock } from '../clock.js';
import { upgradeEndpoints } from '../events/upgrades.js';
import { SEED_AGENTS } from '../seed/agents.js';
import { bearer, useSeededHub } from '../testing/fixture.js';
import { upgradeStatus, useHubSockets } from '../testing/sockets.js';
import { requireDeclaredAccess, type RouteAccess } from './access.js';

const seeded = useSeededHub({ login: false });
const sockets = useHubSockets(seeded);

/** A plausible value for each path parameter, so the request reaches the route. */
function concreteUrl(pattern: string): string {
  const samples: Record<string, string> = { number: '13800138000', orderNo: 'DG20261203000001' };
  return pattern.replace(/:(\w+)/g, (_m, name: string) => samples[name] ?? 'x1');
}

/** A fresh bearer token of the seed account holding `role` (no login: no ACD side effect). */
async function tokenOf(role: Role): Promise<string> {
  const agent = SEED_AGENTS.find((a) => a.role === role);
  if (!agent) throw new Error(`the seed has no account with the role ${role}`);
  const session = await issueSession(seeded.hub.store.sessions, systemClock, {
    agentId: agent.id,
    extension: agent.extension,
  });
  return session.token;
}

async function call(method: string, url: string, token: string | null) {
  const res = await seeded.hub.app.inject({
    method: method as 'GET',
    url,
    headers: token ? bearer(token) : {},
    ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
  });
  return { status: res.statusCode, body: res.body };
}

function allows(access: RouteAccess | undefined, role: Role): boolean {
  return access === 'public' || (access !== undefined && access.includes(role));
}

describe('WebSocket endpoint access', () => {
  it('knows every WebSocket endpoint the hub upgrades, each with its roles', () => {
    const endpoints = upgradeEndpoints(seeded.hub.app.server);
    expect(endpoints.map((e) => e.path).sort()).toEqual(
      [HUB_PATHS.events, HUB_PATHS.wallboardEvents].sort(),
    );
    for (const { path, access } of endpoints) expect(access.length, path).toBeGreaterThan(0);
  });

  it('opens (101) for every declared role, 403 for the others, 401 without a token', async () => {
    const failures: string[] = [];
    for (const { path, access } of upgradeEndpoints(seeded.hub.app.server)) {
      const anonymous = await upgradeStatus(sockets.url(path, null));
      if (anonymous !== 401) failures.push(`${path} without a token: ${anonymous}, expected 401`);
      const forged = await upgradeStatus(sockets.url(path, 'not-a-token-the-hub-made-000000'));
      if (forged !== 401) failures.push(`${path} with a forged token: ${forged}, expected 401`);

      for (const role of ROLES) {
        const status = await upgradeStatus(sockets.url(path, await tokenOf(role)));
        const expected = access.includes(role) ? 101 : 403;
        if (status !== expected)
          failures.push(`${path} as ${role}: ${status}, expected ${expected}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('keeps the wallboard, which shows every call, from agents and unit handlers', () => {
    const wallboard = upgradeEndpoints(seeded.hub.app.server).find(
      (e) => e.path === HUB_PATHS.wallboardEvents,
    );
    expect(wallboard?.access).toEqual(['lead', 'admin']);
  });
});

describe('route access', () => {
  it('covers every route the app registered, each with a declaration', () => {
    const routes = seeded.hub.app.routeCatalog.routes;
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const route of routes) expect(route.access, `${route.method} ${route.url}`).toBeDefined();
    const urls = routes.map((r) => r.url);
    for (const path of [HUB_PATHS.health, HUB_PATHS.login, HUB_PATHS.syncPush, HUB_PATHS.audit]) {
      expect(urls).toContain(path);
    }
  });

  it('lets every role through where declared, 403 elsewhere, 401 without a token', async () => {
    const failures: string[] = [];
    for (const route of seeded.hub.app.routeCatalog.routes) {
      const url = concreteUrl(route.url);
      const name = `${route.method} ${route.url}`;
      const anonymous = await call(route.method, url, null);
      const expectAnonymous = route.access === 'public' ? 'not 401/403' : '401';
      const anonymousOk =
        route.access === 'public'
          ? anonymous.status !== 401 && anonymous.status !== 403
          : anonymous.status === 401;
      if (!anonymousOk)
        failures.push(`${name} without a token: ${anonymous.status}, expected ${expectAnonymous}`);

      for (const role of ROLES) {
        // A fresh token per request: a route may end the session it was called with.
        const res = await call(route.method, url, await tokenOf(role));
        if (allows(route.access, role)) {
          if (res.status === 401 || res.status === 403) {
            failures.push(`${name} as ${role}: ${res.status}, expected it allowed`);
          }
        } else if (res.status !== 403) {
          failures.push(`${name} as ${role}: ${res.status}, expected 403`);
        } else if (!ApiErrorSchema.parse(JSON.parse(res.body)).error.message.includes('role')) {
          failures.push(`${name} as ${role}: the 403 does not name the role`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('names the missing role and the account’s own in a 403', async () => {
    const res = await call('GET', `${HUB_PATHS.audit}?limit=5`, await tokenOf('agent'));
    expect(res.status).toBe(403);
    expect(ApiErrorSchema.parse(JSON.parse(res.body)).error).toEqual({
      code: 'forbidden',
      message: 'GET /api/v1/audit needs the role admin; account agent01 has the role agent',
    });
  });

  it('keeps citizens’ data from the roles that take no calls', () => {
    const byUrl = new Map(
      seeded.hub.app.routeCatalog.routes.map((r) => [`${r.method} ${r.url}`, r]),
    );
    const history = byUrl.get('GET /api/v1/callers/:number/history')?.access;
    const push = byUrl.get(`POST ${HUB_PATHS.syncPush}`)?.access;
    const audit = byUrl.get(`GET ${HUB_PATHS.audit}`)?.access;
    for (const role of ['unit-handler', 'admin'] as const) {
      expect(allows(history, role)).toBe(false);
      expect(allows(push, role)).toBe(false);
    }
    expect(audit).toEqual(['admin']);
  });

  it('refuses to start an app with a route that declares no access', async () => {
    const app = Fastify();
    requireDeclaredAccess(app);
    app.get('/declared', { config: { access: 'public' } }, async () => ({}));
    expect(() => app.get('/forgotten', async () => ({}))).toThrow(
      'route GET /forgotten declares no access',
    );
    await app.close();
  });
});
