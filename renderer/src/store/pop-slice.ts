import type { LocalOrder, Pop } from '../../../shared/desk-api';
import { normalizePhone } from '../../../shared/domain/phone';
import { toErrorInfo, type ErrorInfo } from '../bridge/errors';
import { markPop } from '../bridge/pop-marks';
import type { CallOffer, PhoneCall } from '../phone/phone-types';
import { upsertOrder } from './order-slice';
import type { SliceCreator } from './types';

export type PopStatus = 'loading' | 'ready' | 'failed';

/** The screen-pop of one call: painted at once from the offer, filled when the lookup answers. */
export interface PopView {
  callId: string;
  number: string;
  queue: string;
  waitMs: number;
  /** The citizen's call this call serves (a consult call): its handover is found by it. */
  contextCallId: string | null;
  status: PopStatus;
  data: Pop | null;
  error: ErrorInfo | null;
}

export interface PopSlice {
  pop: PopView | null;
  /**
   * Opens the pop for a call; the hub's `call.offered` and the INVITE both call it. The
   * offer's pop is shown at once (in one store update), and an answer to a lookup asked
   * before it is then dropped. Without one, whichever comes first looks the number up (the
   * core holds the lookup of a queue call briefly for its offer), the second only adds
   * what it knows.
   */
  openPop(offer: CallOffer, pushed?: Pop): void;
  /** A local order was saved or changed; the pop shows it if it is of the caller's number. */
  popOrderSaved(order: LocalOrder): void;
  /**
   * A line changed. A consult call names the citizen's call (contextCallId) on the line,
   * which may come after the pop was opened: the pop then asks again, for the handover.
   */
  popCallChanged(call: PhoneCall): void;
}

export const initialPopState = { pop: null };

export function sameNumber(a: string, b: string): boolean {
  if (!a || !b) return false;
  return a === b || (normalizePhone(a) ?? a) === (normalizePhone(b) ?? b);
}

/**
 * Why the pop brings KB answers or not:
 * - `answers`: the core searched the KB for the caller's topic;
 * - `hub-offline`: the hub could not be asked about the caller (history is missing with a
 *   reason, for a real phone number), so neither topic answers nor history are known;
 * - `no-topic`: the hub answered, the caller has no past order to take a topic from;
 * - `topic-unanswered`: there is a topic, but its KB search gave nothing back.
 * Null while there is no pop or it has not answered.
 */
export type PopKbStatus = 'answers' | 'hub-offline' | 'no-topic' | 'topic-unanswered';

export function popKbStatus(pop: PopView | null): PopKbStatus | null {
  if (pop?.status !== 'ready' || !pop.data) return null;
  const { kb, history, historyError, topic } = pop.data;
  if (kb) return 'answers';
  const hubNotAsked = history === null && historyError !== null;
  if (hubNotAsked && normalizePhone(pop.number) !== null) return 'hub-offline';
  return topic ? 'topic-unanswered' : 'no-topic';
}

export const createPopSlice: SliceCreator<PopSlice> = (set, get, { desk }) => {
  /** Lookups asked so far; an answer is shown only if no newer lookup or pushed pop came. */
  let asked = 0;

  /**
   * The offer's pop, in one store update (the order form takes its topic next). The hub
   * finds a handover by the caller only; a consult call's comes from its lookup by the
   * citizen's call, so that lookup's answer still replaces this one.
   */
  const showPushed = (view: Omit<PopView, 'status' | 'data' | 'error'>, data: Pop) => {
    if (!view.contextCallId) asked++;
    set({ pop: { ...view, status: 'ready', data, error: null } });
    markPop('stored', view.callId);
    get().prefillTopic(view.callId, data.topic);
  };

  const lookup = (pop: Pick<PopView, 'callId' | 'number' | 'queue' | 'contextCallId'>) => {
    const { callId, number: caller, contextCallId } = pop;
    const params = contextCallId
      ? { callerNumber: caller, contextCallId, callId }
      : { callerNumber: caller, callId, ...(pop.queue ? { queue: pop.queue } : {}) };
    const mine = ++asked;
    desk.call('pop.lookup', params).then(
      (data) => {
        const pop = get().pop;
        if (pop?.callId !== callId || pop.contextCallId !== contextCallId) return;
        if (mine !== asked) return;
        set({ pop: { ...pop, status: 'ready', data, error: null } });
        markPop('stored', callId);
        get().prefillTopic(callId, data.topic);
      },
      (error: unknown) => {
        const pop = get().pop;
        if (pop?.callId !== callId || pop.contextCallId !== contextCallId) return;
        // A second lookup (for the handover) that fails keeps what the first one found.
        if (pop.data) return;
        set({ pop: { ...pop, status: 'failed', error: toErrorInfo(error) } });
      },
    );
  };

  return {
    ...initialPopState,

    openPop(offer, pushed) {
      const current = get().pop;
      if (current?.callId === offer.callId) {
        const merged = {
          ...current,
          queue: offer.queue || current.queue,
          waitMs: Math.max(offer.waitMs, current.waitMs),
        };
        if (pushed && !current.data) {
          showPushed(merged, pushed);
        } else if (merged.queue !== current.queue || merged.waitMs !== current.waitMs) {
          set({ pop: merged });
        }
        return;
      }

      // A new call: the centre shows its pop, whatever list the agent was looking at.
      get().showView('pop');
      const { callId, caller } = offer;
      const contextCallId = get().calls.find((c) => c.callId === callId)?.contextCallId ?? null;
      const base = {
        callId,
        number: caller,
        queue: offer.queue,
        waitMs: offer.waitMs,
        contextCallId,
      };
      if (!caller) {
        set({ pop: { ...base, status: 'ready', data: null, error: null } });
        return;
      }
      if (pushed) {
        showPushed(base, pushed);
        if (contextCallId) lookup(base);
        return;
      }
      set({ pop: { ...base, status: 'loading', data: null, error: null } });
      lookup(base);
    },

    popCallChanged(call) {
      const pop = get().pop;
      if (pop?.callId !== call.callId || !call.contextCallId) return;
      if (pop.contextCallId === call.contextCallId || !pop.number) return;
      const next = { ...pop, contextCallId: call.contextCallId };
      set({ pop: next });
      lookup(next);
    },

    popOrderSaved(order) {
      const pop = get().pop;
      if (!pop?.data || !sameNumber(order.input.callerNumber, pop.number)) return;
      const localOrders = upsertOrder(pop.data.localOrders, order);
      set({ pop: { ...pop, data: { ...pop.data, localOrders } } });
    },
  };
};
