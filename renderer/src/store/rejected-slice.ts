import type { RejectedMutation } from '../../../shared/desk-api';
import { toErrorInfo, type ErrorInfo } from '../bridge/errors';
import { createLogger } from '../lib/log';
import type { SliceCreator } from './types';

const log = createLogger('seat.ui.rejected');

/**
 * Mutations the hub refused. They stay on screen until the agent dismisses each one: a
 * refusal is never hidden by the desk on its own, nor retried.
 */
export interface RejectedSlice {
  rejected: RejectedMutation[];
  rejectedError: ErrorInfo | null;
  /** The refusal being dismissed, and why the last dismissal failed. */
  dismissingId: string | null;
  dismissError: { mutationId: string; error: ErrorInfo } | null;
  loadRejected(): Promise<void>;
  dismissRejected(mutationId: string): Promise<boolean>;
}

export const initialRejectedState = {
  rejected: [],
  rejectedError: null,
  dismissingId: null,
  dismissError: null,
};

export const createRejectedSlice: SliceCreator<RejectedSlice> = (set, get, { desk }) => ({
  ...initialRejectedState,

  async loadRejected() {
    try {
      set({ rejected: await desk.call('sync.rejected', {}), rejectedError: null });
    } catch (error) {
      set({ rejectedError: toErrorInfo(error) });
    }
  },

  async dismissRejected(mutationId) {
    if (get().dismissingId) return false;
    set({ dismissingId: mutationId, dismissError: null });
    try {
      await desk.call('sync.dismiss', { mutationId });
      log.info(`Refused mutation ${mutationId} dismissed by the agent.`);
      set({ rejected: get().rejected.filter((r) => r.mutationId !== mutationId) });
      // The dismissal also removes a refused new order from the seat's list.
      void get().loadLocalOrders();
      void get().refreshSync();
      return true;
    } catch (error) {
      set({ dismissError: { mutationId, error: toErrorInfo(error) } });
      return false;
    } finally {
      set({ dismissingId: null });
    }
  },
});
