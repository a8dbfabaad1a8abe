import type { LocalConflict } from '../../../shared/desk-api';
import { toErrorInfo, type ErrorInfo } from '../bridge/errors';
import { createLogger } from '../lib/log';
import type { SliceCreator } from './types';

const log = createLogger('seat.ui.conflicts');

export type ConflictChoice = 'hub' | 'seat';

/**
 * Fields the agent changed offline while someone changed them at the hub (the conflict rule
 * of shared/sync-protocol.ts): the hub kept its value, the agent decides per field.
 */
export interface ConflictSlice {
  /** Open conflicts, in the order the seat core lists them. */
  conflicts: LocalConflict[];
  conflictsError: ErrorInfo | null;
  /** The conflict whose decision is on its way to the seat core. */
  resolvingId: string | null;
  /** Why the last decision was not taken, for the conflict it was about. */
  resolveError: { conflictId: string; error: ErrorInfo } | null;
  loadConflicts(): Promise<void>;
  resolveConflict(conflictId: string, choice: ConflictChoice): Promise<boolean>;
}

export const initialConflictState = {
  conflicts: [],
  conflictsError: null,
  resolvingId: null,
  resolveError: null,
};

export const createConflictSlice: SliceCreator<ConflictSlice> = (set, get, { desk }) => ({
  ...initialConflictState,

  async loadConflicts() {
    try {
      set({ conflicts: await desk.call('conflict.list', {}), conflictsError: null });
    } catch (error) {
      set({ conflictsError: toErrorInfo(error) });
    }
  },

  async resolveConflict(conflictId, choice) {
    if (get().resolvingId) return false;
    set({ resolvingId: conflictId, resolveError: null });
    try {
      await desk.call('conflict.resolve', { conflictId, choice });
      log.info(`Conflict ${conflictId} decided: ${choice}.`);
      set({ conflicts: get().conflicts.filter((c) => c.conflictId !== conflictId) });
      void get().loadConflicts();
      return true;
    } catch (error) {
      set({ resolveError: { conflictId, error: toErrorInfo(error) } });
      return false;
    } finally {
      set({ resolvingId: null });
    }
  },
});
