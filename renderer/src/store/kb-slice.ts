import type { DeskResult } from '../../../shared/desk-api';
import { toErrorInfo, type ErrorInfo } from '../bridge/errors';
import type { SliceCreator } from './types';

/** A search the agent typed; the topic's answers come with the pop. */
export interface KbSlice {
  kbQuery: string;
  kbStatus: 'idle' | 'loading' | 'ready' | 'failed';
  /** `offline`: answered from this seat's cache while the hub is away. */
  kbResult: DeskResult<'kb.search'> | null;
  kbError: ErrorInfo | null;
  searchKb(query: string): Promise<void>;
  clearKbSearch(): void;
}

export const initialKbState = {
  kbQuery: '',
  kbStatus: 'idle' as KbSlice['kbStatus'],
  kbResult: null,
  kbError: null,
};

export const createKbSlice: SliceCreator<KbSlice> = (set, get, { desk }) => ({
  ...initialKbState,

  async searchKb(query) {
    const q = query.trim();
    if (!q) {
      get().clearKbSearch();
      return;
    }
    set({ kbQuery: q, kbStatus: 'loading', kbError: null });
    try {
      const result = await desk.call('kb.search', { q });
      if (get().kbQuery === q) set({ kbStatus: 'ready', kbResult: result });
    } catch (error) {
      if (get().kbQuery === q) set({ kbStatus: 'failed', kbError: toErrorInfo(error) });
    }
  },

  clearKbSearch() {
    set(initialKbState);
  },
});
