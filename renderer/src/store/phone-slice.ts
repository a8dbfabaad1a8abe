import { maskPhone } from '../../../shared/domain/phone';
import { createLogger, describeError } from '../lib/log';
import { checkDialTarget } from '../phone/phone-input';
import type {
  PhoneCall,
  PhoneEvent,
  PhoneSnapshot,
  RegistrationState,
  SipFailure,
} from '../phone/phone-types';
import {
  addRecent,
  countCall,
  currentLine,
  isLive,
  NO_SHIFT,
  toRecent,
  upsertLine,
  type RecentCall,
  type ShiftFigures,
} from './phone-lines';
import type { GetState, SliceCreator } from './types';

export { RECENT_CALLS_KEPT } from './phone-lines';
export type { RecentCall, ShiftFigures } from './phone-lines';

const log = createLogger('seat.ui.call');

/** The shift figures outlive a reload of the desk: kept per agent in the seat's storage. */
export const SHIFT_KEY = 'hotline.phone.shift';

/** A phone command the agent gave that the engine refused. */
export type PhoneAction = 'answer' | 'hangup' | 'hold' | 'resume' | 'mute' | 'dtmf' | 'dial';

export interface PhoneError {
  action: PhoneAction;
  /** English detail from the engine, for the tooltip. */
  detail: string;
}

/** A call that did not get through, told to the agent until dismissed or the next call. */
export interface CallFailureNotice extends SipFailure {
  callId: string;
  remote: string;
}

export interface PhoneSlice {
  registration: RegistrationState;
  registrationDetail: string | null;
  /** The engine's live lines, in the order they came (a consult call is the second). */
  calls: PhoneCall[];
  /** The line the agent works on; null: the rule of currentLine(). */
  focusedCallId: string | null;
  /** The call that ended last, shown on the card until the next call. */
  endedCall: PhoneCall | null;
  recentCalls: RecentCall[];
  shift: ShiftFigures;
  callFailure: CallFailureNotice | null;
  phoneError: PhoneError | null;
  /** What the agent asked to dial when it was no number to dial (the dial pad says why). */
  dialInvalid: string | null;
  /**
   * Hold or resume asked and not yet settled, by call id: the held state asked for. The
   * button waits (a second click would toggle from a stale state) until the engine's call
   * event shows it, or the command fails.
   */
  holdPending: Record<string, boolean>;
  /**
   * A dial is in flight (the hold before it, or the engine placing the call): a second
   * one (a double click on "call") is ignored, so the number is not rung twice.
   */
  dialPending: boolean;
  /** Everything the phone engine reports comes in here. */
  phoneEvent(event: PhoneEvent): void;
  /**
   * A (re)started desk takes over what the engine holds: lines, ended calls, devices.
   * `fresh`: a new sign-in, which starts a new shift: the ended calls the engine still
   * holds are an earlier session's (maybe another account's), not this agent's.
   */
  restorePhone(snapshot: PhoneSnapshot, fresh?: boolean): void;
  answer(callId?: string): Promise<void>;
  hangup(callId?: string): Promise<void>;
  toggleHold(callId?: string): Promise<void>;
  toggleMute(callId?: string): Promise<void>;
  sendDtmf(digits: string): Promise<void>;
  /** Dials a number; a live line not on hold is held first. The new call's id, or null. */
  dial(target: string): Promise<string | null>;
  /** Makes another line the current one: the current one goes on hold, it comes back. */
  switchLine(callId: string): Promise<void>;
  dismissCallFailure(): void;
}

export const initialPhoneState = {
  registration: 'idle' as RegistrationState,
  registrationDetail: null,
  calls: [] as PhoneCall[],
  focusedCallId: null,
  endedCall: null,
  recentCalls: [] as RecentCall[],
  shift: NO_SHIFT,
  callFailure: null,
  phoneError: null,
  dialInvalid: null,
  holdPending: {} as Record<string, boolean>,
  dialPending: false,
};

/**
 * A number as the engine dials it (phone-input checkDialTarget: digits with an optional
 * leading +, 2 to 20 of them, spaces and dashes dropped), after NFKC so full-width digits
 * typed with a Chinese input method count; null when it is none.
 */
export function dialableNumber(target: string): string | null {
  try {
    return checkDialTarget(target.normalize('NFKC'));
  } catch {
    return null;
  }
}

/** The line the card shows: the current live line, else the call that just ended. */
export function callOnCard(s: {
  calls: PhoneCall[];
  focusedCallId: string | null;
  endedCall: PhoneCall | null;
}): PhoneCall | null {
  return currentLine(s.calls, s.focusedCallId) ?? s.endedCall;
}

interface StoredShift {
  agentId: string;
  shift: ShiftFigures;
  /** Ids of the calls counted lately, so a snapshot's ended calls are not counted twice. */
  counted: string[];
  /**
   * Ids of the ended calls the engine held when this agent signed in: an earlier
   * session's, never shown or counted for this one.
   */
  foreign?: string[];
}

function readShift(storage: Pick<Storage, 'getItem'>, agentId: string): StoredShift | null {
  try {
    const stored = JSON.parse(storage.getItem(SHIFT_KEY) ?? 'null') as StoredShift | null;
    return stored?.agentId === agentId ? stored : null;
  } catch {
    return null;
  }
}

export const createPhoneSlice: SliceCreator<PhoneSlice> = (set, get, deps) => {
  const { phone, storage } = deps;
  let counted: string[] = [];
  let foreign: string[] = [];
  /** Calls whose hangup went out: a second click (a double click on decline) is ignored. */
  const ending = new Set<string>();
  /** Calls whose answer went out, until they stop ringing: a second click is ignored. */
  const answering = new Set<string>();

  const agentId = () => get().session?.agent.id ?? '';

  /** An ended call goes to the recent calls and the shift, once. */
  const recordEnded = (call: PhoneCall) => {
    const recent = toRecent(call);
    const { recentCalls, shift } = get();
    const next: Partial<PhoneSlice> = { recentCalls: addRecent(recentCalls, recent) };
    if (!counted.includes(call.callId)) {
      counted = [call.callId, ...counted].slice(0, 50);
      next.shift = countCall(shift, recent);
      const stored: StoredShift = { agentId: agentId(), shift: next.shift, counted, foreign };
      storage.setItem(SHIFT_KEY, JSON.stringify(stored));
    }
    set(next);
  };

  /** The hold or resume of the call is settled (or moot): its button is usable again. */
  const settleHold = (callId: string) => {
    const { holdPending } = get();
    if (!(callId in holdPending)) return;
    const rest = { ...holdPending };
    delete rest[callId];
    set({ holdPending: rest });
  };

  const lineChanged = (call: PhoneCall) => {
    const pending = get().holdPending[call.callId];
    if (pending !== undefined && (!isLive(call) || call.held === pending)) {
      settleHold(call.callId);
    }
    if (!isLive(call)) ending.delete(call.callId);
    if (call.phase !== 'ringing') answering.delete(call.callId);
    const { calls, focusedCallId, endedCall } = get();
    const known = calls.some((c) => c.callId === call.callId);
    if (isLive(call)) {
      const next: Partial<PhoneSlice> = { calls: upsertLine(calls, call) };
      // A new line takes the focus unless the agent is talking on another one.
      const talking = currentLine(calls, focusedCallId);
      if (!known && (!talking || talking.held || call.direction === 'outbound')) {
        next.focusedCallId = call.callId;
      }
      if (!known) next.callFailure = null;
      set(next);
      return;
    }
    if (!known && endedCall?.callId === call.callId) return;
    const rest = calls.filter((c) => c.callId !== call.callId);
    set({
      calls: rest,
      focusedCallId: focusedCallId === call.callId ? null : focusedCallId,
      endedCall: call,
    });
    recordEnded(call);
    // A call the agent cancelled is no failure to warn about: the card says it calmly.
    if (call.failure && call.failure.code !== 'cancelled') {
      const { callId, remote } = call;
      log.info(`Call ${callId} to ${maskPhone(remote)} failed: ${call.failure.code}.`);
      set({ callFailure: { ...call.failure, callId, remote } });
    }
  };

  /** Runs a phone command; a refusal is shown on the card with the engine's detail. */
  const command = async <T>(action: PhoneAction, run: () => Promise<T>): Promise<T | null> => {
    set({ phoneError: null });
    try {
      return await run();
    } catch (error) {
      const detail = describeError(error);
      log.warn(`The phone refused ${action}: ${detail}.`);
      set({ phoneError: { action, detail } });
      return null;
    }
  };

  const line = (callId?: string) => lineOf(get, callId);

  return {
    ...initialPhoneState,

    phoneEvent(event) {
      switch (event.type) {
        case 'registration':
          set({ registration: event.state, registrationDetail: event.detail });
          return;
        case 'incoming':
          get().openPop(event.call);
          get().prefillForCall(event.call);
          return;
        case 'call':
          lineChanged(event.call);
          get().callbackCallChanged(event.call);
          get().popCallChanged(event.call);
          get().transferCallChanged(event.call);
          return;
        case 'devices':
          get().devicesChanged(event.prefs, event.microphone);
          return;
      }
    },

    restorePhone(snapshot, fresh = false) {
      const ended = snapshot.calls.filter((c) => !isLive(c));
      const stored = fresh ? null : readShift(storage, agentId());
      counted = stored?.counted ?? [];
      foreign = fresh ? ended.map((c) => c.callId) : (stored?.foreign ?? []);
      if (fresh) {
        const start: StoredShift = { agentId: agentId(), shift: NO_SHIFT, counted, foreign };
        storage.setItem(SHIFT_KEY, JSON.stringify(start));
      }
      set({
        registration: snapshot.registration,
        registrationDetail: snapshot.registrationDetail,
        calls: [],
        focusedCallId: null,
        shift: stored?.shift ?? NO_SHIFT,
        recentCalls: [],
        endedCall: null,
      });
      const own = ended.filter((c) => !foreign.includes(c.callId));
      for (const call of own.sort((a, b) => a.startedAt - b.startedAt)) {
        recordEnded(call);
      }
      for (const call of snapshot.calls.filter(isLive)) lineChanged(call);

      // The caller of a live inbound call gets the pop again (the form is restored apart).
      const inbound = get().calls.find((c) => c.direction === 'inbound');
      if (inbound) {
        const { callId, remote: caller, queue, waitMs } = inbound;
        get().openPop({ callId, caller, queue, waitMs });
      }
      get().devicesChanged(snapshot.devices, null);
      log.info(`The desk took over ${get().calls.length} live calls from the phone.`);
    },

    async answer(callId) {
      const call = line(callId);
      if (call?.phase !== 'ringing' || answering.has(call.callId)) return;
      answering.add(call.callId);
      const done = await command('answer', async () => {
        await phone.answer(call.callId);
        return true;
      });
      // Refused: still ringing, so the agent may try again. Else it waits for the call
      // event that moves the line on from ringing.
      if (!done || line(call.callId)?.phase !== 'ringing') answering.delete(call.callId);
    },

    async hangup(callId) {
      const call = line(callId);
      if (!call || ending.has(call.callId)) return;
      ending.add(call.callId);
      const done = await command('hangup', async () => {
        await phone.hangup(call.callId);
        return true;
      });
      // Refused: the call is still up, so the agent may try again.
      if (!done) ending.delete(call.callId);
    },

    async toggleHold(callId) {
      const call = line(callId);
      if (call?.phase !== 'active' || call.callId in get().holdPending) return;
      const { callId: id, held } = call;
      set({ holdPending: { ...get().holdPending, [id]: !held } });
      const done = await command(held ? 'resume' : 'hold', async () => {
        await (held ? phone.resume(id) : phone.hold(id));
        return true;
      });
      // Refused, or nothing to change (the engine had it so already): no event will come.
      const now = line(id);
      if (!done || !now || now.held === !held) settleHold(id);
    },

    async toggleMute(callId) {
      const call = line(callId);
      if (call?.phase !== 'active') return;
      await command('mute', () => phone.setMuted(call.callId, !call.muted));
    },

    async sendDtmf(digits) {
      const call = line();
      if (call?.phase !== 'active' || !/^[0-9*#A-D]+$/.test(digits)) return;
      await command('dtmf', () => phone.sendDtmf(call.callId, digits));
    },

    async dial(target) {
      const number = dialableNumber(target);
      if (number === null) {
        const detail = `A number to dial is 2 to 20 digits with an optional leading +; got "${target}"`;
        set({ dialInvalid: target, phoneError: { action: 'dial', detail } });
        return null;
      }
      if (get().dialPending) return null;
      // Kamailio would answer 482 Loop Detected: refuse before dialling, in words.
      if (number === get().session?.agent.extension) {
        log.info(`Not dialling ${number}: it is this seat's own extension.`);
        const detail = `${number} is this seat's own extension; a seat cannot call itself`;
        const failure = { code: 'own-extension' as const, status: null, detail };
        set({ dialInvalid: null, callFailure: { ...failure, callId: '', remote: number } });
        return null;
      }
      set({ dialInvalid: null, dialPending: true });
      try {
        const talking = line();
        if (talking?.phase === 'active' && !talking.held) {
          await command('hold', () => phone.hold(talking.callId));
        }
        const callId = await command('dial', () => phone.dial(number));
        if (callId) {
          log.info(`Dialled ${maskPhone(number)}: call ${callId}.`);
          set({ focusedCallId: callId, callFailure: null });
        }
        return callId;
      } finally {
        set({ dialPending: false });
      }
    },

    async switchLine(callId) {
      const target = line(callId);
      const talking = line();
      if (!target || target.callId === talking?.callId) return;
      if (talking?.phase === 'active' && !talking.held) {
        await command('hold', () => phone.hold(talking.callId));
      }
      set({ focusedCallId: target.callId });
      if (target.phase === 'active' && target.held) {
        await command('resume', () => phone.resume(target.callId));
      }
    },

    dismissCallFailure() {
      set({ callFailure: null });
    },
  };
};

/** A live line by id, or the current one. */
function lineOf(get: GetState, callId?: string): PhoneCall | null {
  const { calls, focusedCallId } = get();
  if (callId) return calls.find((c) => c.callId === callId) ?? null;
  return currentLine(calls, focusedCallId);
}
