import type { AgentState } from '../../shared/hub-api.js';

/**
 * What the ACD does with a state a seat asks for, given the state it holds:
 *
 * - `apply`: the agent moves.
 * - `keep`: nothing changes and the answer is the state held (ready while a routed call
 *   rings or talks: the agent is not free; the seat's own report of a move the hub
 *   already made). The seat core treats the answer as the truth.
 * - `after-call`: not-ready asked for during a call: it takes effect when the call and
 *   its wrap-up are over.
 * - a conflict: the move makes no sense from there (the route answers 409).
 *
 * The seat reports ringing, on-call and wrap-up from its own phone too, also for calls
 * the ACD did not route (a consult call, a direct call); those are applied so that such
 * an agent is not offered a queue call meanwhile.
 */
export type SeatMove =
  { kind: 'apply' } | { kind: 'keep' } | { kind: 'after-call' } | { kind: 'conflict'; why: string };

const APPLY: SeatMove = { kind: 'apply' };
const KEEP: SeatMove = { kind: 'keep' };

function conflict(why: string): SeatMove {
  return { kind: 'conflict', why };
}

/**
 * @param routedCall whether the ACD has a call it routed to this agent, ringing or in
 *   conversation
 */
export function seatMove(from: AgentState, to: AgentState, routedCall: boolean): SeatMove {
  if (to === 'logged-out') return from === 'logged-out' ? KEEP : APPLY;
  if (from === 'logged-out') return conflict('the agent is signed out; sign in first');
  if (to === 'not-ready') return from === 'on-call' ? { kind: 'after-call' } : APPLY;
  if (from === to) return KEEP;
  switch (to) {
    case 'ready':
      if (from === 'ringing' || from === 'on-call') return routedCall ? KEEP : APPLY;
      return APPLY;
    case 'wrap-up':
      if (from === 'ringing' || from === 'on-call') return APPLY;
      return conflict('wrap-up follows a call, and the agent has none');
    case 'ringing':
      return from === 'on-call' ? KEEP : APPLY;
    case 'on-call':
      return APPLY;
  }
}

/** A state change the ACD refuses; the agent-state route answers it with 409. */
export class AgentStateConflict extends Error {
  constructor(
    readonly from: AgentState,
    readonly to: AgentState,
    why: string,
  ) {
    super(`cannot go from ${from} to ${to}: ${why}`);
    this.name = 'AgentStateConflict';
  }
}
