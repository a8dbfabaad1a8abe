import type { SyncStatus } from '../../../shared/desk-api';
import { toErrorInfo, type ErrorInfo, type UiErrorCode } from '../bridge/errors';
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

/**
 * What the top bar says is wrong with sync, as a code the UI translates, with the English
 * detail for the tooltip. `hub-unreachable` when the core cannot reach the hub,
 * `sync-failed` for any other failed round, or the code of the failed sync request.
 */
export interface SyncProblem {
  code: UiErrorCode | 'sync-failed';
  detail: string;
}

export function syncProblem(
  sync: SyncStatus | null,
  requestError: ErrorInfo | null,
): SyncProblem | null {
  // TODO: SyncStatus.lastError is the core's English sentence without a code (shared
  // contract); until it carries one, hubReachable is the only thing to tell failures apart.
  if (sync?.lastError) {
    const code = sync.hubReachable ? 'sync-failed' : 'hub-unreachable';
    return { code, detail: sync.lastError };
  }
  if (requestError) return { code: requestError.code, detail: requestError.message };
  return null;
}

export const initialSyncState = { sync: null, syncBusy: false, syncError: null } as const;

export const createSyncSlice: SliceCreator<SyncSlice> = (set, get, { desk }) => ({
  ...initialSyncState,
  async refreshSync() {
    try {
      get().syncStatusChanged(await desk.call('sync.status', {}));
    } catch (error) {
      set({ syncError: toErrorInfo(error) });
    }
  },
  async syncNow() {
    set({ syncBusy: true });
    try {
      get().syncStatusChanged(await desk.call('sync.now', {}));
    } catch (error) {
      set({ syncError: toErrorInfo(error) });
    } finally {
      set({ syncBusy: false });
    }
  },
  syncStatusChanged(status) {
    set({ sync: status, syncError: null });
    // An offline sign-in becomes a hub session once the hub answers again.
    if (status.hubReachable && get().session?.offline) void get().refreshSession();
  },
});
