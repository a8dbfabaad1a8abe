import type { AgentState } from '../../../shared/hub-api';
import { toErrorInfo, type ErrorInfo } from '../bridge/errors';
import { createLogger } from '../lib/log';
import type { SliceCreator } from './types';

const log = createLogger('seat.ui.agent');

export interface AgentSlice {
  agentState: AgentState;
  /** When the agent entered the state (ms since the epoch), for the state timer. */
  agentStateSince: number;
  agentStateBusy: boolean;
  agentError: ErrorInfo | null;
  /** Asks the hub for a state (ready / not-ready); the answer is the state that holds. */
  setAgentState(state: AgentState): Promise<void>;
  /** The hub changed the state itself (routing, a missed call, a lead's action). */
  agentStateChanged(state: AgentState): void;
}

export const initialAgentState = {
  agentState: 'logged-out' as AgentState,
  agentStateSince: 0,
  agentStateBusy: false,
  agentError: null,
};

export const createAgentSlice: SliceCreator<AgentSlice> = (set, get, { desk, now }) => ({
  ...initialAgentState,
  async setAgentState(state) {
    set({ agentStateBusy: true, agentError: null });
    try {
      const result = await desk.call('agent.setState', { state });
      get().agentStateChanged(result.state);
    } catch (error) {
      const info = toErrorInfo(error);
      log.warn(`Agent state ${state} refused: ${info.message}.`);
      set({ agentError: info });
    } finally {
      set({ agentStateBusy: false });
    }
  },
  agentStateChanged(state) {
    if (state === get().agentState) return;
    set({ agentState: state, agentStateSince: now(), agentError: null });
  },
});
