import { createSeatCore, type SeatCore } from '../core/index.js';
import type { DeskEventFrame, DeskResponseFrame } from '../../shared/desk-api.js';
import type { ElectronSeatConfig } from './config.js';
import { electronKeyStore } from './os-key-store.js';

/** The seat core as the main process uses it: IPC frames in, IPC frames out. */
export interface MainSeat {
  request(method: unknown, params: unknown): Promise<DeskResponseFrame>;
  onEvent(listener: (frame: DeskEventFrame) => void): () => void;
  close(): Promise<void>;
}

/**
 * The desktop seat: its store key comes from the OS key store, so it can also sign in
 * with the last known credentials while the hub is down. Call after app `ready`
 * (safeStorage is not available before).
 */
export function openSeatCore(config: ElectronSeatConfig): MainSeat {
  const core: SeatCore = createSeatCore({
    dataDir: config.dataDir,
    hubUrl: config.hubUrl,
    keyStore: electronKeyStore(config.dataDir),
    offlineSignIn: true,
  });
  return {
    async request(method, params) {
      // IPC invocations are matched by Electron itself, so the frame id carries nothing.
      return { id: 0, ...(await core.handle(method, params)) };
    },
    onEvent: (listener) => core.onEvent(listener),
    close: () => core.close(),
  };
}
