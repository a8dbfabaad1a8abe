import type { SessionTokens } from '../../shared/hub-api.js';
import type { Clock } from '../clock.js';
import type { SessionRepository } from '../store/repository.js';
import { ACCESS_TTL_MS, newToken, refreshTokenHash, SHIFT_TTL_MS, tokenHash } from './tokens.js';

/**
 * The session life cycle: a sign-in opens a shift of at most 12 hours; inside it the seat
 * holds a bearer token of 15 minutes and one refresh token.
 *
 *   login ──> [bearer 15 min + refresh] ──refresh──> [new bearer + new refresh] ──> ...
 *                 │                         (the used refresh token is deleted)
 *                 └── logout / shift end ──> gone: sign in with the password again
 *
 * A refresh token is consumed atomically (SessionRepository.revoke), so of two uses of
 * the same token only one gets a new pair. Every row of a shift keeps the shift's start
 * as `createdAt`, which is how a renewal knows where the shift ends.
 */
export interface SessionOwner {
  agentId: string;
  extension: string;
}

export interface IssuedSession extends SessionTokens {
  /** When the bearer token ends (hub clock, ms). */
  accessExpiresAt: number;
}

/** Opens (shiftStart = now) or continues a shift with a fresh bearer and refresh token. */
export async function issueSession(
  sessions: SessionRepository,
  clock: Clock,
  owner: SessionOwner,
  shiftStart = clock.now(),
): Promise<IssuedSession> {
  const now = clock.now();
  const shiftEnd = shiftStart + SHIFT_TTL_MS;
  const accessExpiresAt = Math.min(now + ACCESS_TTL_MS, shiftEnd);
  const token = newToken();
  const refreshToken = newToken();
  const row = { agentId: owner.agentId, extension: owner.extension, createdAt: shiftStart };
  await sessions.create(tokenHash(token), { ...row, expiresAt: accessExpiresAt });
  await sessions.create(refreshTokenHash(refreshToken), { ...row, expiresAt: shiftEnd });
  return {
    token,
    expiresIn: Math.floor((accessExpiresAt - now) / 1000),
    refreshToken,
    shiftEndsAt: new Date(shiftEnd).toISOString(),
    accessExpiresAt,
  };
}

/**
 * Trades a refresh token for a new pair in the same shift; null when the token is
 * unknown, already used, or its shift is over.
 */
export async function renewSession(
  sessions: SessionRepository,
  clock: Clock,
  refreshToken: string,
): Promise<(IssuedSession & SessionOwner) | null> {
  const hash = refreshTokenHash(refreshToken);
  const session = await sessions.find(hash, clock.now());
  if (!session || !(await sessions.revoke(hash))) return null;
  const owner = { agentId: session.agentId, extension: session.extension };
  return { ...owner, ...(await issueSession(sessions, clock, owner, session.createdAt)) };
}

/**
 * Ends a session: its bearer token and, when given, its refresh token. Without a refresh
 * token every session of the agent ends, since the one left could still renew.
 */
export async function endSession(
  sessions: SessionRepository,
  agentId: string,
  bearer: string,
  refreshToken: string | undefined,
): Promise<void> {
  if (refreshToken === undefined) {
    await sessions.revokeAgent(agentId);
    return;
  }
  const refresh = await sessions.find(refreshTokenHash(refreshToken), 0);
  await sessions.revoke(tokenHash(bearer));
  // Only the caller's own refresh token: one account cannot end another's session.
  if (refresh?.agentId === agentId) await sessions.revoke(refreshTokenHash(refreshToken));
}
