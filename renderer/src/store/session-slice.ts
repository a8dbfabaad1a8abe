import type { Session } from '../../../shared/desk-api';
import { LoginRequestSchema, type LoginRequest } from '../../../shared/hub-api';
import { toErrorInfo, type ErrorInfo } from '../bridge/errors';
import { createLogger, describeError } from '../lib/log';
import { initialAgentState } from './agent-slice';
import { initialCallbackState } from './callback-slice';
import { initialCentreOrderState } from './centre-order-slice';
import { initialConflictState } from './conflict-slice';
import { initialDeviceState } from './device-slice';
import { initialKbState } from './kb-slice';
import { initialOrderState } from './order-slice';
import { initialPhoneState } from './phone-slice';
import { initialPopState } from './pop-slice';
import { initialRecordingState } from './recording-slice';
import { initialRejectedState } from './rejected-slice';
import { initialSyncState } from './sync-slice';
import type { SliceCreator } from './types';

const log = createLogger('seat.ui.session');

export const EXTENSION_KEY = 'hotline.extension';

/**
 *   booting ──session.get: none──▶ signed-out ──login──▶ signing-in ──ok──▶ signed-in
 *      └──────session.get: a session──────────────────────────────────────────▲  │
 *                                    ▲          └──refused──▶ signed-out          │
 *                                    └────────logout / session.ended──────────────┘
 */
export type SessionPhase = 'booting' | 'signed-out' | 'signing-in' | 'signed-in';

/**
 * Why a session ended without the agent signing out, as a code the UI translates:
 * `hub-ended` when the seat core says the hub no longer accepts it (`session.ended`),
 * `seat-lost` when the seat core no longer has it after the link came back.
 */
export type SessionEndCode = 'hub-ended' | 'seat-lost';

export interface SessionEnd {
  code: SessionEndCode;
  /** English detail from the core or the renderer, for the tooltip and the log. */
  detail: string;
}

export interface SessionSlice {
  phase: SessionPhase;
  session: Session | null;
  loginError: ErrorInfo | null;
  /** Why the last session ended when the agent did not sign out. */
  endedReason: SessionEnd | null;
  /** The seat's extension, remembered on this machine. */
  savedExtension: string;
  /** Picks up the session the seat core already has, so a reload keeps it. */
  boot(): Promise<void>;
  login(request: LoginRequest): Promise<boolean>;
  logout(): Promise<void>;
  /** The seat core announced the end of the session (`session.ended`, English reason). */
  sessionEnded(reason: string): void;
  /** The link to the seat core came back: check the session is still there, catch up. */
  resume(): Promise<void>;
  /**
   * Reads the session again, for a session signed in offline once the hub answers: the
   * seat core then signs in at the hub by itself and the badge goes.
   */
  refreshSession(): Promise<void>;
}

export const createSessionSlice: SliceCreator<SessionSlice> = (set, get, deps) => {
  const { desk, phone, storage } = deps;

  /**
   * Into the desk. The phone engine outlives the desk: a reloaded desk takes over its
   * lines from the snapshot and leaves it running; a fresh sign-in starts it (again, with
   * this agent's account, when it runs idle from an earlier session).
   */
  const enter = async (session: Session, fresh: boolean) => {
    log.info(`Signed in as ${session.agent.account} on extension ${session.agent.extension}.`);
    set({ phase: 'signed-in', session, loginError: null, endedReason: null });
    catchUp();
    void get().loadCallbacks();
    void get().loadDevices();
    await Promise.all([get().loadAgentState(), startPhone(session, fresh)]);
  };

  const startPhone = async (session: Session, fresh: boolean) => {
    let started = false;
    try {
      const snapshot = await phone.snapshot();
      get().restorePhone(snapshot, fresh);
      started = snapshot.started;
      if (started && fresh && snapshot.calls.every((c) => c.phase === 'ended')) {
        await phone.stop();
        started = false;
      }
    } catch (error) {
      log.warn(`The phone gave no snapshot: ${describeError(error)}.`);
    }
    // The form follows the lines: a live inbound call's draft (or a form set up for it).
    const inbound = get().calls.find((c) => c.direction === 'inbound');
    void get().restoreDraft(inbound ? { callId: inbound.callId, caller: inbound.remote } : null);
    if (started) return;
    try {
      await phone.start(session.sip);
    } catch (error) {
      log.error(`The phone did not start: ${describeError(error)}.`);
      set({ registration: 'failed', registrationDetail: describeError(error) });
    }
  };

  /** What the desk shows about the seat's orders, read again from the seat core. */
  const catchUp = () => {
    void get().refreshSync();
    void get().loadLocalOrders();
    void get().loadConflicts();
    void get().loadRejected();
  };

  const leave = (endedReason: SessionEnd | null) => {
    void phone.stop();
    set({
      ...initialAgentState,
      ...initialPhoneState,
      ...initialCallbackState,
      ...initialCentreOrderState,
      ...initialDeviceState,
      ...initialPopState,
      ...initialOrderState,
      ...initialKbState,
      ...initialSyncState,
      ...initialConflictState,
      ...initialRejectedState,
      // A recording (or its error) one account opened is not the next account's.
      ...initialRecordingState,
      centreView: 'pop',
      overlay: null,
      dialNumber: '',
      phase: 'signed-out',
      session: null,
      endedReason,
    });
  };

  const end = (why: SessionEnd) => {
    if (get().phase !== 'signed-in') return;
    log.warn(`The session ended (${why.code}): ${why.detail}.`);
    leave(why);
  };

  return {
    phase: 'booting',
    session: null,
    loginError: null,
    endedReason: null,
    savedExtension: storage.getItem(EXTENSION_KEY) ?? '',

    async boot() {
      set({ phase: 'booting' });
      // Before the session: a store kept aside at start-up is news even on the sign-in page.
      void get().loadSeatStatus();
      try {
        const session = await desk.call('session.get', {});
        if (session) await enter(session, false);
        else set({ phase: 'signed-out' });
      } catch (error) {
        set({ phase: 'signed-out', loginError: toErrorInfo(error) });
      }
    },

    async login(request) {
      const checked = LoginRequestSchema.safeParse(request);
      if (!checked.success) {
        const field = String(checked.error.issues[0]?.path[0] ?? '');
        set({ loginError: { code: 'bad-request', message: checked.error.message, field } });
        return false;
      }

      set({ phase: 'signing-in', loginError: null, endedReason: null });
      try {
        const session = await desk.call('session.login', checked.data);
        storage.setItem(EXTENSION_KEY, checked.data.extension);
        set({ savedExtension: checked.data.extension });
        await enter(session, true);
        return true;
      } catch (error) {
        set({ phase: 'signed-out', loginError: toErrorInfo(error) });
        return false;
      }
    },

    async logout() {
      await phone.stop();
      try {
        await desk.call('session.logout', {});
      } catch (error) {
        log.warn(`Sign-out not confirmed by the seat core: ${describeError(error)}.`);
      }
      leave(null);
    },

    sessionEnded(reason) {
      end({ code: 'hub-ended', detail: reason });
    },

    async refreshSession() {
      if (get().phase !== 'signed-in') return;
      try {
        const session = await desk.call('session.get', {});
        if (session && get().phase === 'signed-in') set({ session });
      } catch (error) {
        log.warn(`The session was not read again: ${describeError(error)}.`);
      }
    },

    async resume() {
      if (get().phase !== 'signed-in') return;
      try {
        const session = await desk.call('session.get', {});
        if (!session) {
          end({ code: 'seat-lost', detail: 'the seat core no longer has this session' });
          return;
        }
        catchUp();
        void get().loadSeatStatus();
        void get().loadAgentState();
        void get().loadCallbacks();
        get().resaveDraft();
      } catch (error) {
        log.warn(`Catching up after the link came back failed: ${describeError(error)}.`);
      }
    },
  };
};
