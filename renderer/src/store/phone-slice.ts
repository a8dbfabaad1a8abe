import type { DeskParams } from '../../../shared/desk-api';
import { createLogger, describeError } from '../lib/log';
import type { CallOutcome, PhoneEvent, RegistrationState } from '../phone/phone-types';
import type { SliceCreator } from './types';

const log = createLogger('seat.ui.call');

/**
 * The call in hand.
 *
 *   ringing ──answer──▶ connecting ──200 OK/ACK──▶ active ──BYE──▶ ended (ended)
 *      │                    └──────────no media / error─────────▶ ended (failed)
 *      └──────caller gave up / declined / rang out──────────────▶ ended (missed)
 */
export type CallState = 'ringing' | 'connecting' | 'active' | 'ended';

export interface CallInHand {
  callId: string;
  caller: string;
  queue: string;
  waitMs: number;
  state: CallState;
  /** When it started ringing here (ms since the epoch). */
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  outcome: CallOutcome | null;
  /** English detail of a failure, for the tooltip. */
  detail: string | null;
}

export interface RecentCall {
  callId: string;
  caller: string;
  queue: string;
  at: number;
  talkMs: number;
  outcome: CallOutcome;
}

/** This session's call counts, for the agent's own view of the shift. */
export interface ShiftFigures {
  answered: number;
  missed: number;
  talkMs: number;
}

/** Recent calls kept for the phone panel; older ones drop off (the heap stays flat). */
export const RECENT_CALLS_KEPT = 12;

export interface PhoneSlice {
  registration: RegistrationState;
  registrationDetail: string | null;
  call: CallInHand | null;
  recentCalls: RecentCall[];
  shift: ShiftFigures;
  /** Everything the phone service reports comes in here. */
  phoneEvent(event: PhoneEvent): void;
  answer(): Promise<void>;
  hangup(): Promise<void>;
}

export const initialPhoneState = {
  registration: 'idle' as RegistrationState,
  registrationDetail: null,
  call: null,
  recentCalls: [],
  shift: { answered: 0, missed: 0, talkMs: 0 } as ShiftFigures,
};

type CallEvent = DeskParams<'call.event'>['event'];

export const createPhoneSlice: SliceCreator<PhoneSlice> = (set, get, { desk, phone, now }) => {
  /** Tells the seat core (and through it the hub) what happened to the call. */
  const report = (event: CallEvent, call: CallInHand) => {
    const params: DeskParams<'call.event'> = { event, callId: call.callId, caller: call.caller };
    if (call.queue) params.queue = call.queue;
    if (call.waitMs > 0) params.waitMs = call.waitMs;
    desk.call('call.event', params).catch((error: unknown) => {
      log.warn(`Reporting ${event} of call ${call.callId} failed: ${describeError(error)}.`);
    });
  };

  return {
    ...initialPhoneState,

    phoneEvent(event) {
      switch (event.type) {
        case 'registration':
          set({ registration: event.state, registrationDetail: event.detail });
          return;

        case 'incoming': {
          const call: CallInHand = {
            ...event.call,
            state: 'ringing',
            startedAt: now(),
            answeredAt: null,
            endedAt: null,
            outcome: null,
            detail: null,
          };
          set({ call });
          report('ringing', call);
          get().openPop(event.call);
          get().prefillForCall(event.call);
          return;
        }

        case 'answered': {
          const call = get().call;
          if (call?.callId !== event.callId) return;
          const next: CallInHand = { ...call, state: 'active', answeredAt: now() };
          set({ call: next });
          report('answered', next);
          return;
        }

        case 'ended': {
          const call = get().call;
          if (call?.callId !== event.callId || call.state === 'ended') return;
          const endedAt = now();
          const next: CallInHand = {
            ...call,
            state: 'ended',
            endedAt,
            outcome: event.outcome,
            detail: event.detail,
          };
          const recent: RecentCall = {
            callId: call.callId,
            caller: call.caller,
            queue: call.queue,
            at: call.startedAt,
            talkMs: call.answeredAt ? endedAt - call.answeredAt : 0,
            outcome: event.outcome,
          };
          const { shift, recentCalls } = get();
          set({
            call: next,
            recentCalls: [recent, ...recentCalls].slice(0, RECENT_CALLS_KEPT),
            shift: {
              answered: shift.answered + (event.outcome === 'ended' ? 1 : 0),
              missed: shift.missed + (event.outcome === 'ended' ? 0 : 1),
              talkMs: shift.talkMs + recent.talkMs,
            },
          });
          report(event.outcome, next);
          return;
        }
      }
    },

    async answer() {
      const call = get().call;
      if (call?.state !== 'ringing') return;
      set({ call: { ...call, state: 'connecting' } });
      await phone.answer();
    },

    async hangup() {
      const call = get().call;
      if (!call || call.state === 'ended') return;
      await phone.hangup();
    },
  };
};
