import type { FastifyRequest } from 'fastify';
import type { Role } from '../../shared/hub-api.js';
import type { Clock } from '../clock.js';
import { bearerToken, tokenHash } from '../auth/tokens.js';
import type { HubStore, SessionRepository } from '../store/repository.js';
import { HttpError } from './errors.js';

/** Who is asking: the account of a live session, its role, and the extension it sits at. */
export interface AuthContext {
  agentId: string;
  account: string;
  role: Role;
  extension: string;
  /** The bearer token of the request (sign-out revokes it). */
  token: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

/** The signed-in account of a request that passed the access check. */
export function requireAuth(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new HttpError(401, 'unauthorized', 'a bearer token is required');
  return request.auth;
}

/** Looks a raw bearer token up; null when unknown or expired. */
export async function sessionFor(
  sessions: SessionRepository,
  clock: Clock,
  token: string | null,
): Promise<{ agentId: string; extension: string } | null> {
  if (!token) return null;
  const session = await sessions.find(tokenHash(token), clock.now());
  return session ? { agentId: session.agentId, extension: session.extension } : null;
}

const BEARER_WITH_TOKEN = /^Bearer\s+\S/i;
const INVALID_TOKEN = 'the token is invalid or has expired; renew it or sign in again';

/**
 * The account behind a request's `Authorization: Bearer` header, or a 401. The role is
 * read from the account on every request, so a changed role takes effect at once.
 */
export async function authenticate(
  store: HubStore,
  clock: Clock,
  request: FastifyRequest,
): Promise<AuthContext> {
  const header = request.headers.authorization;
  const token = bearerToken(header);
  // A Bearer header whose token is not one the hub could have made is a bad token,
  // not a missing one: the seat should sign in again, not fix its header.
  if (!token && !BEARER_WITH_TOKEN.test(header ?? '')) {
    throw new HttpError(401, 'unauthorized', 'Authorization: Bearer <token> is required');
  }
  const auth = await accountFor(store, clock, token);
  if (!auth) throw new HttpError(401, 'unauthorized', INVALID_TOKEN);
  return auth;
}

/**
 * The account and role behind a raw bearer token, or null: for WebSocket upgrades
 * (`?token=`), which pass no route hooks and check the role themselves.
 */
export async function accountFor(
  store: HubStore,
  clock: Clock,
  token: string | null,
): Promise<AuthContext | null> {
  const session = await sessionFor(store.sessions, clock, token);
  const agent = session ? await store.agents.get(session.agentId) : null;
  if (!token || !session || !agent) return null;
  return {
    agentId: agent.id,
    account: agent.account,
    role: agent.role,
    extension: session.extension,
    token,
  };
}
