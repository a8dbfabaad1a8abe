import { safeStorage } from 'electron';
import {
  createOsKeyStore,
  type OsKeyStore,
  type SafeStorageLike,
} from '../core/store/key-store.js';

/**
 * The desktop seat's key store: Electron's safeStorage (DPAPI on Windows, the Keychain on
 * macOS, libsecret on Linux) guards the random key that seals the seat store. The adapter
 * itself is in the core (store/key-store.ts), tested there with a stand-in object; this
 * file only hands it the real one.
 */
export function electronKeyStore(dataDir: string): OsKeyStore {
  const storage: SafeStorageLike = safeStorage;
  return createOsKeyStore(storage, dataDir);
}
