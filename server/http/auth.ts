import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import { bearerToken, tokenHash } from '../auth/tokens.js';
import type { SessionRepository } from '../store/repository.js';
import { HttpError } from './errors.js';

/** Who is asking: the agent of a live session and the extension it signed in at. */
export interface AuthContext {
  agentId: string;
  extension: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

/** The signed-in agent of a request that passed the bearer check. */
export function requireAuth(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new HttpError(401, 'unauthorized', 'a bearer token is required');
  return request.auth;
}

/** Looks a raw token up; null when unknown or expired. */
export async function sessionFor(
  sessions: SessionRepository,
  clock: Clock,
  token: string | null,
): Promise<AuthContext | null> {
  if (!token) return null;
  const session = await sessions.find(tokenHash(token), clock.now());
  return session ? { agentId: session.agentId, extension: session.extension } : null;
}

const BEARER_WITH_TOKEN = /^Bearer\s+\S/i;
const INVALID_TOKEN = 'the token is invalid or has expired; sign in again';

/** onRequest hook for every route but health and login: Bearer token or 401. */
export function bearerAuth(sessions: SessionRepository, clock: Clock) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const token = bearerToken(header);
    // A Bearer header whose token is not one the hub could have made is a bad token,
    // not a missing one: the seat should sign in again, not fix its header.
    if (!token && !BEARER_WITH_TOKEN.test(header ?? '')) {
      throw new HttpError(401, 'unauthorized', 'Authorization: Bearer <token> is required');
    }
    const auth = token ? await sessionFor(sessions, clock, token) : null;
    if (!auth) throw new HttpError(401, 'unauthorized', INVALID_TOKEN);
    request.auth = auth;
  };
}
