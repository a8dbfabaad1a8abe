import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer tokens are random and opaque (32 bytes, base64url); the store keeps only their
 * SHA-256, so a copy of the database cannot be used to act as an agent.
 */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+([A-Za-z0-9_-]{16,128})\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/** A shift is at most 12 hours; a seat logs in again after that. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
