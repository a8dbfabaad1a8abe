import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ROLES, type Role } from '../../shared/hub-api.js';
import type { Clock } from '../clock.js';
import type { HubStore } from '../store/repository.js';
import { authenticate } from './auth.js';
import { HttpError } from './errors.js';

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

/** Roles that read citizens' orders without taking calls: those plus the unit handlers. */
export const ORDER_READ_ROLES: readonly Role[] = [...CALL_ROLES, 'unit-handler'];

/** Roles that change orders at the hub: edit, assign, decide conflicts. */
export const ORDER_EDIT_ROLES: readonly Role[] = ['lead', 'admin'];

/** Roles that record a unit's reply to a citizen's matter. */
export const ORDER_REPLY_ROLES: readonly Role[] = ['unit-handler', 'lead', 'admin'];

/**
 * The onRequest hook that enforces every route's declared access: public routes pass,
 * the rest need a live bearer token (401) of an account holding one of the route's roles
 * (403, naming the roles). A request that matched no route goes on to the 404 handler;
 * a matched route without a declaration, which requireDeclaredAccess should have made
 * impossible, is refused rather than served.
 */
export function enforceAccess(store: HubStore, clock: Clock) {
  return async (request: FastifyRequest): Promise<void> => {
    const access = routeAccess(request);
    if (access === 'public') return;
    if (access === undefined) {
      if (request.is404) return;
      throw new HttpError(403, 'forbidden', 'this route declares no access and is closed');
    }
    const auth = await authenticate(store, clock, request);
    request.auth = auth;
    if (!access.includes(auth.role)) {
      const needed =
        access.length === 1 ? `the role ${access[0]}` : `one of the roles ${access.join(', ')}`;
      throw new HttpError(
        403,
        'forbidden',
        `${request.method} ${request.routeOptions.url ?? ''} needs ${needed}; ` +
          `account ${auth.account} has the role ${auth.role}`,
      );
    }
  };
}
