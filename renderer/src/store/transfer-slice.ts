import type { HandoverRequest } from '../../../shared/hub-api';
import { maskPhone } from '../../../shared/domain/phone';
import { toErrorInfo, type ErrorInfo } from '../bridge/errors';
import { createLogger, describeError } from '../lib/log';
import { SIGN_LANGUAGE_LINE, transferTarget, type TransferChoice } from '../lib/transfer-targets';
import type { DialOptions, PhoneCall } from '../phone/phone-types';
import { toStoredDraft } from './order-draft';
import { isLive } from './phone-lines';
import { callOnCard } from './phone-slice';
import { consultPair, type ConsultPair } from './transfer-lines';
import type { GetState, SliceCreator } from './types';

const log = createLogger('seat.ui.transfer');

/** What the agent filled in the transfer dialog. */
export interface TransferForm {
  choice: TransferChoice;
  /** The extension or number typed, for the choices that take one. */
  typed: string;
  notes: string;
  /** Offer video on a consult to the sign-language line. */
  video: boolean;
}

/** The draft and notes sent to the hub before a transfer or consult, and how it went. */
export interface HandoverSend {
  callId: string;
  target: string;
  state: 'sending' | 'sent' | 'failed';
  error: ErrorInfo | null;
}

/** A transfer step the engine (or the order of steps) refused. */
export type TransferAction = 'transfer' | 'consult' | 'complete' | 'conference' | 'drop' | 'split';

export interface TransferError {
  action: TransferAction;
  /** English detail from the engine, for the tooltip. */
  detail: string;
}

export const NOTES_MAX_CHARS = 2000;

export interface TransferSlice {
  /**
   * The citizen's call the transfer dialog is (or was last) about; the form is kept while
   * it is the same call, so a consult that failed can be tried again with the notes.
   */
  transferCallId: string | null;
  transferForm: TransferForm;
  /** The dialog's target is not one to dial (a short extension, letters). */
  transferTargetInvalid: boolean;
  handoverSend: HandoverSend | null;
  transferError: TransferError | null;
  transferBusy: boolean;
  /** Opens the dialog for an answered call (default: the card's); false when it does not apply. */
  openTransfer(callId?: string): boolean;
  closeTransfer(): void;
  /** A line changed: the dialog closes once the call it is about has ended. */
  transferCallChanged(call: PhoneCall): void;
  setTransferForm(change: Partial<TransferForm>): void;
  /** Handover, then REFER of the citizen's call to the target; true when the REFER went out. */
  blindTransfer(): Promise<boolean>;
  /** Handover, then the citizen is held and the target dialled for the citizen's call. */
  startConsult(): Promise<string | null>;
  /** Attended transfer: the citizen and the specialist of the consult talk; both lines end here. */
  completeConsult(): Promise<boolean>;
  /** Three-way call of the citizen, the specialist and the agent. */
  conferenceConsult(): Promise<boolean>;
  /** Hangs up the consult and talks to the citizen again (also: drop the specialist). */
  backToCaller(): Promise<boolean>;
  dropSpecialist(): Promise<boolean>;
  /** Ends the three-way mix; both lines stay. */
  splitConference(): Promise<boolean>;
  dismissTransferError(): void;
}

export const initialTransferState = {
  transferCallId: null,
  transferForm: { choice: 'sign-language', typed: '', notes: '', video: true } as TransferForm,
  transferTargetInvalid: false,
  handoverSend: null,
  transferError: null,
  transferBusy: false,
};

/** The consult pair of the card's line, or null. */
export function currentConsult(get: GetState): ConsultPair | null {
  const s = get();
  return consultPair(s.calls, callOnCard(s));
}

/** The order draft of the call, as the handover carries it (no empty fields, no edit link). */
function handoverDraft(get: GetState, callId: string): HandoverRequest['draft'] {
  const { draft } = get();
  if (draft.callId !== callId) return undefined;
  const stored = toStoredDraft(draft, null);
  return Object.fromEntries(Object.entries(stored).filter(([, v]) => v !== ''));
}

export const createTransferSlice: SliceCreator<TransferSlice> = (set, get, deps) => {
  const { desk, phone } = deps;

  /** The dialog's call while it is still live and answered. */
  const dialogCall = (): PhoneCall | null => {
    const { transferCallId, calls } = get();
    const call = calls.find((c) => c.callId === transferCallId);
    return call && isLive(call) && call.phase === 'active' ? call : null;
  };

  /** Runs engine steps; a refusal is kept for the card with the engine's detail. */
  const steps = async <T>(action: TransferAction, run: () => Promise<T>): Promise<T | null> => {
    set({ transferError: null, transferBusy: true });
    try {
      return await run();
    } catch (error) {
      const detail = describeError(error);
      log.warn(`The phone refused ${action}: ${detail}.`);
      set({ transferError: { action, detail } });
      return null;
    } finally {
      set({ transferBusy: false });
    }
  };

  /** The dialog's target, or null (and the dialog says so). */
  const target = (): string | null => {
    const { choice, typed } = get().transferForm;
    const number = transferTarget(choice, typed);
    set({ transferTargetInvalid: number === null });
    return number;
  };

  /**
   * Sends the draft and notes to the hub for the target. A failure is shown and does not
   * stop the transfer: the citizen must not wait on the hub.
   */
  const sendHandover = async (citizen: PhoneCall, to: string): Promise<void> => {
    const { callId } = citizen;
    set({
      handoverSend: { callId, target: to, state: 'sending', error: null },
      transferBusy: true,
    });
    const draft = handoverDraft(get, callId);
    try {
      await desk.call('call.handover', {
        callId,
        callerNumber: citizen.remote || 'anonymous',
        target: to,
        ...(draft ? { draft } : {}),
        notes: get().transferForm.notes.slice(0, NOTES_MAX_CHARS),
      });
      set({ handoverSend: { callId, target: to, state: 'sent', error: null } });
    } catch (error) {
      const info = toErrorInfo(error);
      log.warn(`The handover of call ${callId} to ${to} was not sent: ${info.message}.`);
      set({ handoverSend: { callId, target: to, state: 'failed', error: info } });
    }
  };

  const endConsult = async (action: TransferAction): Promise<boolean> => {
    const pair = currentConsult(get);
    if (!pair) return false;
    const { citizen, consult } = pair;
    const done = await steps(action, async () => {
      await phone.hangup(consult.callId);
      if (citizen.held) await phone.resume(citizen.callId);
      return true;
    });
    set({ focusedCallId: citizen.callId });
    return done === true;
  };

  return {
    ...initialTransferState,

    openTransfer(callId) {
      const s = get();
      const call = callId ? s.calls.find((c) => c.callId === callId) : callOnCard(s);
      if (!call || call.phase !== 'active' || consultPair(s.calls, call)) return false;
      if (s.transferCallId !== call.callId) {
        set({ transferForm: initialTransferState.transferForm, handoverSend: null });
      }
      set({ transferCallId: call.callId, transferTargetInvalid: false, transferError: null });
      if (s.overlay !== 'transfer') s.toggleOverlay('transfer');
      return true;
    },

    closeTransfer() {
      set({ transferTargetInvalid: false });
      if (get().overlay === 'transfer') get().toggleOverlay(null);
    },

    transferCallChanged(call) {
      if (call.callId !== get().transferCallId || isLive(call)) return;
      // A step in flight (a hold the far end never answers) or one that failed stays in
      // view: the agent must learn why the consult did not start, not see the dialog vanish.
      if (get().transferBusy || get().transferError) {
        log.info(`Call ${call.callId} ended during a transfer step; the dialog stays to say so.`);
        return;
      }
      if (get().overlay === 'transfer') {
        log.info(`Call ${call.callId} ended; the transfer dialog for it closes.`);
        get().closeTransfer();
      }
    },

    setTransferForm(change) {
      const form = { ...get().transferForm, ...change };
      set({ transferForm: { ...form, notes: form.notes.slice(0, NOTES_MAX_CHARS) } });
      if ('choice' in change || 'typed' in change) set({ transferTargetInvalid: false });
    },

    async blindTransfer() {
      const citizen = dialogCall();
      const to = target();
      if (!citizen || !to || get().transferBusy) return false;
      await sendHandover(citizen, to);
      const sent = await steps('transfer', async () => {
        await phone.transfer(citizen.callId, to);
        return true;
      });
      if (!sent) return false;
      log.info(`Blind transfer of call ${citizen.callId} to ${maskPhone(to)} asked.`);
      get().closeTransfer();
      return true;
    },

    async startConsult() {
      const citizen = dialogCall();
      const to = target();
      if (!citizen || !to || get().transferBusy) return null;
      // The citizen is held first: the hub gets a handover only for a consult that can start.
      const held = await steps('consult', async () => {
        if (!citizen.held) await phone.hold(citizen.callId);
        return true;
      });
      if (!held) return null;
      await sendHandover(citizen, to);
      const options: DialOptions = { contextCallId: citizen.callId };
      if (to === SIGN_LANGUAGE_LINE && get().transferForm.video) options.video = true;
      const consultId = await steps('consult', () => phone.dial(to, options));
      if (!consultId) return null;
      log.info(`Consult call ${consultId} to ${maskPhone(to)} for call ${citizen.callId}.`);
      set({ focusedCallId: consultId, callFailure: null });
      get().closeTransfer();
      return consultId;
    },

    async completeConsult() {
      const pair = currentConsult(get);
      if (!pair || pair.consult.phase !== 'active') return false;
      const { citizen, consult } = pair;
      const done = await steps('complete', async () => {
        await phone.completeTransfer(citizen.callId, consult.callId);
        return true;
      });
      if (done) log.info(`Attended transfer of call ${citizen.callId} to ${consult.callId}.`);
      return done === true;
    },

    async conferenceConsult() {
      const pair = currentConsult(get);
      if (!pair || pair.conferenced || pair.consult.phase !== 'active') return false;
      const { citizen, consult } = pair;
      const done = await steps('conference', async () => {
        if (citizen.held) await phone.resume(citizen.callId);
        if (consult.held) await phone.resume(consult.callId);
        await phone.conference(citizen.callId, consult.callId);
        return true;
      });
      if (done) log.info(`Three-way call of ${citizen.callId} and ${consult.callId}.`);
      return done === true;
    },

    backToCaller: () => endConsult('drop'),

    dropSpecialist: () => endConsult('drop'),

    async splitConference() {
      const pair = currentConsult(get);
      if (!pair?.conferenced) return false;
      const done = await steps('split', async () => {
        await phone.split(pair.citizen.callId);
        return true;
      });
      return done === true;
    },

    dismissTransferError() {
      set({ transferError: null });
    },
  };
};
