import type { SyncStatus } from '../../../shared/desk-api';
import { toErrorInfo, type ErrorInfo } from '../bridge/errors';
import type { SliceCreator } from './types';

export interface SyncSlice {
  /** The seat core's outbox and hub link, as it last told; null before the first answer. */
  sync: SyncStatus | null;
  syncBusy: boolean;
  /** Why the last sync request itself failed (not the outbox's own last error). */
  syncError: ErrorInfo | null;
  refreshSync(): Promise<void>;
  syncNow(): Promise<void>;
  syncStatusChanged(status: SyncStatus): void;
}

export const initialSyncState = { sync: null, syncBusy: false, syncError: null } as const;

export const createSyncSlice: SliceCreator<SyncSlice> = (set, _get, { desk }) => ({
  ...initialSyncState,
  async refreshSync() {
    try {
      set({ sync: await desk.call('sync.status', {}), syncError: null });
    } catch (error) {
      set({ syncError: toErrorInfo(error) });
    }
  },
  async syncNow() {
    set({ syncBusy: true });
    try {
      set({ sync: await desk.call('sync.now', {}), syncError: null });
    } catch (error) {
      set({ syncError: toErrorInfo(error) });
    } finally {
      set({ syncBusy: false });
    }
  },
  syncStatusChanged(status) {
    set({ sync: status, syncError: null });
  },
});
