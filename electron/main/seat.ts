import { createSeatCore, type SeatCore } from '../core/index.js';
import type { DeskEventFrame, DeskResponseFrame } from '../../shared/desk-api.js';
import type { ElectronSeatConfig } from './config.js';

/** The seat core as the main process uses it: IPC frames in, IPC frames out. */
export interface MainSeat {
  request(method: unknown, params: unknown): Promise<DeskResponseFrame>;
  onEvent(listener: (frame: DeskEventFrame) => void): () => void;
  close(): Promise<void>;
}

// TODO(issue 4): pass a dataKey from safeStorage so citizen data is encrypted at rest.
export function openSeatCore(config: ElectronSeatConfig): MainSeat {
  const core: SeatCore = createSeatCore({ dataDir: config.dataDir, hubUrl: config.hubUrl });
  return {
    async request(method, params) {
      // IPC invocations are matched by Electron itself, so the frame id carries nothing.
      return { id: 0, ...(await core.handle(method, params)) };
    },
    onEvent: (listener) => core.onEvent(listener),
    close: () => core.close(),
  };
}
