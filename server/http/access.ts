import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ROLES, type Role } from '../../shared/hub-api.js';

/**
 * Who may call a route. Every route the hub registers declares it in its options,
 * `config: { access: ... }`, and the access check refuses the rest (403); a route that
 * declares nothing is refused at startup, so a new route cannot be left open by mistake.
 *
 * - `'public'`: anyone, no token (health, login, the API description)
 * - a list of roles: a signed-in account holding one of them
 */
export type RouteAccess = 'public' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/** Every role: for routes any signed-in account may use (its own state, sign out). */
export const ANY_ROLE: readonly Role[] = ROLES;

/** Roles that take or join citizens' calls and record orders. */
export const CALL_ROLES: readonly Role[] = ['agent', 'specialist', 'lead'];

/** The access a request's route declared; undefined when it declared none. */
export function routeAccess(request: FastifyRequest): RouteAccess | undefined {
  return request.routeOptions.config.access;
}

/** Refuses to start a hub with a route that declares no access (see RouteAccess). */
export function requireDeclaredAccess(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    if (access === undefined && route.method !== 'HEAD') {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    }
  });
}
