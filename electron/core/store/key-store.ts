import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the key that seals the seat's citizen data comes from (issue 4, "Seat store").
 *
 *   os   the desktop seat: a random key made once, kept encrypted by the OS key store
 *        (Electron safeStorage: DPAPI, Keychain, libsecret) in a file in the data dir.
 *        Known at start, so the seat can sign in while the hub is down.
 *   hub  the web seat: the hub makes one key per seat id and hands it over at sign-in
 *        (LoginRequest.dataKeyFor). Until then the store is locked; on sign-out the key
 *        is dropped from memory.
 */
export type KeyStore = OsKeyStore | HubKeyStore;

export interface OsKeyStore {
  readonly source: 'os';
  /** The seat's key, made on first use. Throws when the OS key store is unavailable. */
  load(): Uint8Array;
}

export interface HubKeyStore {
  readonly source: 'hub';
}

export const hubKeyStore: HubKeyStore = { source: 'hub' };

/** What the OS key store adapter needs from Electron's safeStorage (electron/main). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export const KEY_FILE = 'seat-key.bin';
export const DATA_KEY_BYTES = 32;

/**
 * The OS key store adapter: the key file holds the 32-byte key as base64, encrypted by
 * `safeStorage`. The file is written once (to a temporary name, then renamed) and only
 * read afterwards; a key file that no longer decrypts (another OS user, a new keyring)
 * is an error, not a reason to make a new key over the old data.
 */
export function createOsKeyStore(safeStorage: SafeStorageLike, dataDir: string): OsKeyStore {
  const file = path.join(dataDir, KEY_FILE);
  let cached: Uint8Array | null = null;
  return {
    source: 'os',
    load() {
      if (cached) return cached;
      if (!safeStorage.isEncryptionAvailable()) {
        throw new Error('The OS key store is not available, so the seat store cannot be sealed.');
      }
      if (existsSync(file)) {
        const key = Buffer.from(safeStorage.decryptString(readFileSync(file)), 'base64');
        if (key.byteLength !== DATA_KEY_BYTES) {
          throw new Error(`The seat key in ${file} is not ${DATA_KEY_BYTES} bytes long.`);
        }
        cached = key;
        return key;
      }
      const key = randomBytes(DATA_KEY_BYTES);
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, safeStorage.encryptString(key.toString('base64')), { mode: 0o600 });
      renameSync(temp, file);
      cached = key;
      return key;
    },
  };
}

/** A fixed key (tools and tests): behaves as an OS key store that always has it. */
export function fixedKeyStore(key: Uint8Array): OsKeyStore {
  if (key.byteLength < DATA_KEY_BYTES) throw new Error('The seat data key must be 32 bytes.');
  return { source: 'os', load: () => key };
}

/** The hub's `dataKey` (base64url of 32 bytes) as bytes; throws naming what is wrong. */
export function decodeHubDataKey(dataKey: string): Uint8Array {
  const key = Buffer.from(dataKey, 'base64url');
  if (key.byteLength !== DATA_KEY_BYTES) {
    throw new Error(`The hub's dataKey is ${key.byteLength} bytes, not ${DATA_KEY_BYTES}.`);
  }
  return key;
}
