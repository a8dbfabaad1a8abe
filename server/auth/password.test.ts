import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from './password.js';

function scryptHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 });
  return ['scrypt', 16384, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

describe('password hashing', () => {
  it('hashes with argon2id and verifies the right password only', async () => {
    const stored = await hashPassword('demo1234');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword('demo1234', stored)).toBe(true);
    expect(await verifyPassword('demo12345', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(false);
  });

  it('salts each hash', async () => {
    expect(await hashPassword('demo1234')).not.toBe(await hashPassword('demo1234'));
  });

  it('still verifies the scrypt hashes stored before argon2id, and asks to rehash them', async () => {
    const old = scryptHash('demo1234');
    expect(await verifyPassword('demo1234', old)).toBe(true);
    expect(await verifyPassword('demo1235', old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
  });

  it('treats full-width and half-width input alike (NFKC)', async () => {
    const stored = await hashPassword('demo1234');
    expect(await verifyPassword('ｄｅｍｏ１２３４', stored)).toBe(true);
  });

  it('never matches a malformed or unknown stored hash', async () => {
    for (const stored of ['plain', 'scrypt$1$2', '$argon2id$broken', '$2b$10$abc']) {
      expect(await verifyPassword('demo1234', stored)).toBe(false);
    }
  });
});
