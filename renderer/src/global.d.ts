import type { DeskTransport } from '../../shared/desk-api';
import type { HotlineDebug } from './phone/debug-stats';

declare global {
  interface Window {
    /** Desk frames over IPC, exposed by the Electron preload through contextBridge. */
    deskTransport?: DeskTransport;
    /** Media counters for the end-to-end tests (see phone/debug-stats.ts). */
    __hotlineDebug?: HotlineDebug;
  }
}
