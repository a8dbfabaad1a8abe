import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer and refresh tokens are random and opaque (32 bytes, base64url); the store keeps
 * only their SHA-256, so a copy of the database cannot be used to act as anyone.
 *
 * The two kinds live in the same sessions table. A refresh token is hashed with a
 * `refresh:` prefix, so it never matches as a bearer token and a bearer token never
 * renews a session: each kind is only good for its own purpose.
 */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored key of a bearer (access) token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The stored key of a refresh token. */
export function refreshTokenHash(token: string): string {
  return createHash('sha256').update(`refresh:${token}`).digest('hex');
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;

/** True for a string the hub could have made as a token. */
export function isTokenShaped(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+([A-Za-z0-9_-]{16,128})\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/** A bearer token lives 15 minutes: a stolen one is soon useless. */
export const ACCESS_TTL_MS = 15 * 60 * 1000;

/** A shift is at most 12 hours; renewals never reach past its end, then the agent signs in. */
export const SHIFT_TTL_MS = 12 * 60 * 60 * 1000;
