import { scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * Account passwords at rest: argon2id (RFC 9106) through @node-rs/argon2, in the PHC
 * string format (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`), which carries its own
 * cost so it can be raised later without breaking stored hashes.
 *
 * Hashes written before argon2id are scrypt, `scrypt$N$r$p$salt$hash` (base64). They
 * still verify, and {@link needsRehash} tells the login to replace them with argon2id
 * once the password has been seen in the clear.
 */
const ARGON2_COST = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Argon2id (the library's default algorithm; its enum is a const enum that this build
 * cannot import) at OWASP's listed cost: 19 MiB, 2 passes, 1 lane.
 */
export async function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFKC'), ARGON2_COST);
}

/** Compares in constant time; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const normalized = password.normalize('NFKC');
  if (stored.startsWith('$argon2id$')) {
    try {
      return await verify(stored, normalized);
    } catch {
      return false;
    }
  }
  if (stored.startsWith('scrypt$')) return verifyScrypt(normalized, stored);
  return false;
}

/** True for a hash that is not argon2id at today's cost: rehash it at the next login. */
export function needsRehash(stored: string): boolean {
  const cost = `m=${ARGON2_COST.memoryCost},t=${ARGON2_COST.timeCost},p=${ARGON2_COST.parallelism}`;
  return !stored.startsWith(`$argon2id$v=19$${cost}$`);
}

const SCRYPT_KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, SCRYPT_KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, expectedHash] = stored.split('$');
  if (!n || !r || !p || !salt || !expectedHash) return false;
  const expected = Buffer.from(expectedHash, 'base64');
  try {
    const key = await derive(password, Buffer.from(salt, 'base64'), {
      N: Number(n),
      r: Number(r),
      p: Number(p),
    });
    return key.length === expected.length && timingSafeEqual(key, expected);
  } catch {
    return false;
  }
}
