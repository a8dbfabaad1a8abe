/**
 * The seat core's public face: what electron/main and electron/host call.
 *
 *   const core = createSeatCore({ dataDir, hubUrl, logger, keyStore, offlineSignIn });
 *   const off = core.onEvent(({ event, payload }) => send(event, payload));
 *   const response = await core.handle(method, params); // { ok, result } | { ok, error }
 *   await core.close();
 */
export { createSeatCore } from './seat-core.js';
export type { SeatCore, SeatCoreOptions, SeatCoreResponse } from './seat-core.js';
export type { SeatCoreEvent, SeatCoreEventListener } from './events.js';
export { createOsKeyStore, fixedKeyStore, hubKeyStore } from './store/key-store.js';
export type { KeyStore, SafeStorageLike } from './store/key-store.js';
