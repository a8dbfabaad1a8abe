import {
  SEAT_NOT_READY_REASONS,
  type AgentState,
  type AgentStatus,
  type NotReadyReason,
} from '../../../shared/hub-api';
import { toErrorInfo, type ErrorInfo } from '../bridge/errors';
import { createLogger } from '../lib/log';
import type { DeskState, SliceCreator } from './types';

const log = createLogger('seat.ui.agent');

export type SeatNotReadyReason = (typeof SEAT_NOT_READY_REASONS)[number];

export const NOT_READY_REASON_KEY = 'hotline.agent.notReadyReason';

/**
 * The agent's state as the hub's ACD holds it (shared/hub-api AGENT_STATES). The seat
 * asks (agent.setState), the hub answers and also moves the state itself (a routed call,
 * a missed call, the end of wrap-up), each time with its own clock's times. The desk keeps
 * those times on the hub's clock and counts with hubNow(), so a seat whose clock is off
 * still shows the wrap-up ending when the hub ends it.
 *
 *   logged-out ──sign-in──▶ not-ready(signed-in) ──ready──▶ ready ──call──▶ ringing
 *        ringing ──answer──▶ on-call ──hang up──▶ wrap-up ──time up / ready now──▶ ready
 *        ringing ──not taken──▶ not-ready(missed-call)
 */
export interface AgentSlice {
  agentState: AgentState;
  /** Why not ready: the agent's pick, or the hub's (signed-in, missed-call). */
  agentReason: NotReadyReason | null;
  /** When the state began, on the hub's clock (ms since the epoch). */
  agentStateSince: number;
  /** When a timed wrap-up turns back by itself, on the hub's clock; else null. */
  wrapUpEndsAt: number | null;
  /** The reason the 示忙 button sends; remembered on this seat. */
  notReadyChoice: SeatNotReadyReason;
  agentStateBusy: boolean;
  agentError: ErrorInfo | null;
  /** Asks the hub for a state; a reason goes with not-ready (the picker's by default). */
  setAgentState(state: AgentState, reason?: SeatNotReadyReason): Promise<void>;
  /** The picker's reason for the 示忙 button; while not ready, the hub gets it at once. */
  chooseNotReadyReason(reason: SeatNotReadyReason): Promise<void>;
  /** What the hub holds now: an answer to setState or agent.get, or an agent.state event. */
  agentStatus(status: AgentStatus): void;
  /** Asks the hub for the state (a reloaded desk); not-ready when it cannot say. */
  loadAgentState(): Promise<void>;
}

/** The hub's clock now: this seat's plus the offset measured at the last hub answer. */
export function hubNow(state: Pick<DeskState, 'session'>, now: number): number {
  return now + (state.session?.hubOffsetMs ?? 0);
}

/** Ms left of the wrap-up, by the hub's clock; null when not in a timed wrap-up. */
export function wrapUpLeft(
  state: Pick<DeskState, 'session' | 'agentState' | 'agentStateSince' | 'wrapUpEndsAt'>,
  now: number,
): number | null {
  if (state.agentState !== 'wrap-up' || state.wrapUpEndsAt === null) return null;
  const left = state.wrapUpEndsAt - hubNow(state, now);
  // Never more than the wrap-up the hub gave: the offset measured at sign-in may put
  // this seat's idea of the hub clock a few ms behind the hub's own.
  const length = state.agentStateSince > 0 ? state.wrapUpEndsAt - state.agentStateSince : left;
  return Math.max(0, Math.min(left, length));
}

/**
 * What the reason picker shows: while not ready, the reason the hub holds, or '' (a
 * neutral "choose a reason") when the hub chose it (signed-in, missed-call) or gave none;
 * in any other state, the reason the 示忙 button will send.
 */
export function reasonShown(
  state: Pick<DeskState, 'agentState' | 'agentReason' | 'notReadyChoice'>,
): SeatNotReadyReason | '' {
  if (state.agentState !== 'not-ready') return state.notReadyChoice;
  return isSeatReason(state.agentReason) ? state.agentReason : '';
}

function isSeatReason(value: unknown): value is SeatNotReadyReason {
  return (SEAT_NOT_READY_REASONS as readonly unknown[]).includes(value);
}

function hubTime(iso: string | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

export const initialAgentState = {
  agentState: 'logged-out' as AgentState,
  agentReason: null,
  agentStateSince: 0,
  wrapUpEndsAt: null,
  agentStateBusy: false,
  agentError: null,
};

export const createAgentSlice: SliceCreator<AgentSlice> = (set, get, deps) => {
  const { desk, now, storage } = deps;
  const stored = storage.getItem(NOT_READY_REASON_KEY);

  return {
    ...initialAgentState,
    notReadyChoice: isSeatReason(stored) ? stored : 'break',

    async setAgentState(state, reason) {
      const why = state === 'not-ready' ? (reason ?? get().notReadyChoice) : undefined;
      set({ agentStateBusy: true, agentError: null });
      try {
        const answer = await desk.call('agent.setState', why ? { state, reason: why } : { state });
        get().agentStatus(answer);
      } catch (error) {
        const info = toErrorInfo(error);
        log.warn(`Agent state ${state}${why ? ` (${why})` : ''} refused: ${info.message}.`);
        set({ agentError: info });
      } finally {
        set({ agentStateBusy: false });
      }
    },

    async chooseNotReadyReason(reason) {
      storage.setItem(NOT_READY_REASON_KEY, reason);
      set({ notReadyChoice: reason });
      const { agentState, agentReason } = get();
      if (agentState === 'not-ready' && agentReason !== reason) {
        await get().setAgentState('not-ready', reason);
      }
    },

    agentStatus(status) {
      const current = get();
      const reason = status.state === 'not-ready' ? (status.reason ?? null) : null;
      const changed = status.state !== current.agentState || reason !== current.agentReason;
      const since = hubTime(status.since);
      set({
        agentState: status.state,
        agentReason: reason,
        agentStateSince: since ?? (changed ? hubNow(current, now()) : current.agentStateSince),
        wrapUpEndsAt: status.state === 'wrap-up' ? hubTime(status.wrapUpEndsAt) : null,
        agentError: null,
      });
      if (changed) log.info(`Agent state ${status.state}${reason ? ` (${reason})` : ''}.`);
    },

    async loadAgentState() {
      try {
        const status = await desk.call('agent.get', {});
        get().agentStatus(status ?? { state: 'not-ready', reason: 'signed-in' });
      } catch (error) {
        log.warn(`The agent state was not read: ${toErrorInfo(error).message}.`);
        if (get().agentState === 'logged-out') get().agentStatus({ state: 'not-ready' });
      }
    },
  };
};
