import type { SeatStatus } from '../../../shared/desk-api';
import { createLogger, describeError } from '../lib/log';
import type { SliceCreator } from './types';

const log = createLogger('seat.ui.seat');

/** The seat itself: its store's key and health, with notices the agent must see. */
export interface SeatSlice {
  seatStatus: SeatStatus | null;
  loadSeatStatus(): Promise<void>;
  seatStatusChanged(status: SeatStatus): void;
  /** The agent has read a notice; the seat core stops showing it. */
  dismissNotice(id: string): Promise<void>;
}

export const createSeatSlice: SliceCreator<SeatSlice> = (set, get, { desk }) => ({
  seatStatus: null,

  async loadSeatStatus() {
    try {
      set({ seatStatus: await desk.call('seat.status', {}) });
    } catch (error) {
      log.warn(`Seat status not loaded: ${describeError(error)}.`);
    }
  },

  seatStatusChanged(seatStatus) {
    set({ seatStatus });
  },

  async dismissNotice(id) {
    try {
      await desk.call('seat.dismissNotice', { id });
      const status = get().seatStatus;
      if (status) {
        set({ seatStatus: { ...status, notices: status.notices.filter((n) => n.id !== id) } });
      }
    } catch (error) {
      // The notice stays on screen: it is about the citizen data on this seat.
      log.warn(`Seat notice ${id} not dismissed: ${describeError(error)}.`);
    }
  },
});
