import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOsKeyStore, decodeHubDataKey, KEY_FILE, type SafeStorageLike } from './key-store.js';

/**
 * Stands in for Electron's safeStorage (which needs the Electron binary): strings are
 * really encrypted, with AES-256-GCM under a key of this "OS account".
 */
class StandInSafeStorage implements SafeStorageLike {
  calls = { encrypt: 0, decrypt: 0 };

  constructor(
    private readonly osKey = randomBytes(32),
    private readonly available = true,
  ) {}

  isEncryptionAvailable(): boolean {
    return this.available;
  }

  encryptString(plainText: string): Buffer {
    this.calls.encrypt++;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.osKey, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  decryptString(encrypted: Buffer): string {
    this.calls.decrypt++;
    const decipher = createDecipheriv('aes-256-gcm', this.osKey, encrypted.subarray(0, 12));
    decipher.setAuthTag(encrypted.subarray(12, 28));
    return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString();
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'seat-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the OS key store adapter', () => {
  it('makes a random 32-byte key once and keeps it only encrypted', () => {
    const os = new StandInSafeStorage();
    const key = createOsKeyStore(os, dir).load();
    expect(key.byteLength).toBe(32);
    expect(os.calls.encrypt).toBe(1);

    const file = readFileSync(path.join(dir, KEY_FILE));
    expect(file.includes(Buffer.from(key))).toBe(false);
    expect(file.includes(Buffer.from(Buffer.from(key).toString('base64')))).toBe(false);

    // A restart reads the same key back and makes no new one.
    const again = createOsKeyStore(os, dir).load();
    expect(Buffer.from(again).equals(Buffer.from(key))).toBe(true);
    expect(os.calls.encrypt).toBe(1);
  });

  it('refuses to work when the OS key store is unavailable', () => {
    const os = new StandInSafeStorage(randomBytes(32), false);
    expect(() => createOsKeyStore(os, dir).load()).toThrow(/not available/);
  });

  it('does not make a new key over a key file it cannot decrypt', () => {
    createOsKeyStore(new StandInSafeStorage(), dir).load();
    const before = readFileSync(path.join(dir, KEY_FILE));
    expect(() => createOsKeyStore(new StandInSafeStorage(), dir).load()).toThrow();
    expect(readFileSync(path.join(dir, KEY_FILE)).equals(before)).toBe(true);
  });

  it('refuses a key file that holds a key of the wrong length', () => {
    const os = new StandInSafeStorage();
    writeFileSync(path.join(dir, KEY_FILE), os.encryptString(randomBytes(16).toString('base64')));
    expect(() => createOsKeyStore(os, dir).load()).toThrow(/not 32 bytes/);
  });
});

describe('the hub key', () => {
  it('takes 32 bytes of base64url and refuses anything else by length', () => {
    const key = randomBytes(32);
    expect(Buffer.from(decodeHubDataKey(key.toString('base64url'))).equals(key)).toBe(true);
    expect(() => decodeHubDataKey(randomBytes(8).toString('base64url'))).toThrow(/8 bytes/);
  });
});
