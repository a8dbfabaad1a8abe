import type { Callback } from '../../../shared/hub-api';
import type { CALLBACK_OUTCOMES } from '../../../shared/hub-api';
import { maskPhone } from '../../../shared/domain/phone';
import { toErrorInfo, type ErrorInfo } from '../bridge/errors';
import { createLogger } from '../lib/log';
import type { PhoneCall } from '../phone/phone-types';
import type { SliceCreator } from './types';

const log = createLogger('seat.ui.callback');

export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

/**
 * The callback the agent took (callback.next) and is calling back.
 *
 *   taken ──dial──▶ calling ──call ends──▶ report ──callback.result──▶ (gone)
 *     └──dial refused──▶ report (the agent says no-answer, or dials again)
 */
export interface CallbackInHand {
  callback: Callback;
  /** The call placed for it; null before the dial or when the dial was refused. */
  callId: string | null;
  phase: 'calling' | 'report';
  saving: boolean;
}

export interface CallbackSlice {
  /** Open callbacks of the agent's queues, oldest first, as the hub lists them. */
  callbacks: Callback[];
  callbacksOpen: number;
  callbacksError: ErrorInfo | null;
  callbackInHand: CallbackInHand | null;
  /** True after take-next found none, until the list changes. */
  callbacksNoneLeft: boolean;
  /**
   * A take (callback.next) or its dial is in flight: a second click (a double click on
   * "call back the next") would claim and ring the same citizen twice, so it waits.
   */
  callbackTaking: boolean;
  loadCallbacks(): Promise<void>;
  /** Claims the next callback at the hub and dials its number. */
  takeNextCallback(): Promise<void>;
  /** Dials the callback in hand again (after a refused dial). */
  redialCallback(): Promise<void>;
  reportCallback(outcome: CallbackOutcome): Promise<void>;
  /** The phone slice passes every call change, so the callback sees its call end. */
  callbackCallChanged(call: PhoneCall): void;
}

export const initialCallbackState = {
  callbacks: [] as Callback[],
  callbacksOpen: 0,
  callbacksError: null,
  callbackInHand: null,
  callbacksNoneLeft: false,
  callbackTaking: false,
};

export const createCallbackSlice: SliceCreator<CallbackSlice> = (set, get, { desk }) => {
  const dialFor = async (callback: Callback) => {
    const callId = await get().dial(callback.number);
    set({
      callbackInHand: { callback, callId, phase: callId ? 'calling' : 'report', saving: false },
    });
    if (callId)
      log.info(`Callback ${callback.id} to ${maskPhone(callback.number)}: call ${callId}.`);
  };

  return {
    ...initialCallbackState,

    async loadCallbacks() {
      try {
        const list = await desk.call('callback.list', {});
        set({
          callbacks: list.items,
          callbacksOpen: list.open,
          callbacksError: null,
          callbacksNoneLeft: false,
        });
      } catch (error) {
        const info = toErrorInfo(error);
        log.warn(`Callbacks not loaded: ${info.message}.`);
        set({ callbacksError: info });
      }
    },

    async takeNextCallback() {
      if (get().callbackInHand || get().callbackTaking) return;
      set({ callbacksError: null, callbacksNoneLeft: false, callbackTaking: true });
      try {
        const callback = await desk.call('callback.next', {});
        if (!callback) {
          set({ callbacksNoneLeft: true });
          return;
        }
        await dialFor(callback);
      } catch (error) {
        const info = toErrorInfo(error);
        log.warn(`No callback taken: ${info.message}.`);
        set({ callbacksError: info });
      } finally {
        set({ callbackTaking: false });
      }
    },

    async redialCallback() {
      const inHand = get().callbackInHand;
      if (inHand?.phase !== 'report' || get().callbackTaking) return;
      set({ callbackTaking: true });
      try {
        await dialFor(inHand.callback);
      } finally {
        set({ callbackTaking: false });
      }
    },

    async reportCallback(outcome) {
      const inHand = get().callbackInHand;
      if (!inHand || inHand.saving) return;
      set({ callbackInHand: { ...inHand, saving: true }, callbacksError: null });
      try {
        await desk.call('callback.result', { id: inHand.callback.id, outcome });
        log.info(`Callback ${inHand.callback.id}: ${outcome}.`);
        set({ callbackInHand: null });
        void get().loadCallbacks();
      } catch (error) {
        const info = toErrorInfo(error);
        log.warn(`Callback ${inHand.callback.id} result not saved: ${info.message}.`);
        set({ callbackInHand: { ...inHand, saving: false }, callbacksError: info });
      }
    },

    callbackCallChanged(call) {
      const inHand = get().callbackInHand;
      if (inHand?.callId !== call.callId || call.phase !== 'ended') return;
      set({ callbackInHand: { ...inHand, phase: 'report' } });
    },
  };
};
