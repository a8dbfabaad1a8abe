import type { Logger } from 'pino';
import type { CALL_DIRECTIONS, CALL_EVENTS } from '../../../shared/desk-api.js';
import { maskPhone } from '../../../shared/domain/phone.js';
import type { AgentState } from '../../../shared/hub-api.js';
import { callerNumberKey } from '../caller-number.js';

export type CallEventName = (typeof CALL_EVENTS)[number];
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export interface CallEvent {
  event: CallEventName;
  callId: string;
  caller: string;
  direction?: CallDirection;
  queue?: string;
  waitMs?: number;
  status?: number;
  /** The engine's other live lines when this happened (a consult call); see desk-api. */
  otherLines?: number;
}

/**
 * The agent state a call event implies for the hub's ACD, by direction. `ready` after a
 * call of the seat's own means "over, with no conversation": the hub then puts the agent
 * back where they were before it (ready, not ready with the same reason, or the rest of
 * a wrap-up; server/acd/acd.ts setStateBySeat), so it never needs a reason the seat does
 * not know.
 *
 * Inbound: ringing and answered are reported (a direct call keeps the ACD from routing
 * meanwhile), ended leads to wrap-up. A missed or failed call the ACD routed is the
 * ACD's to decide (it learns from Kamailio: not ready after a missed call, ready when the
 * caller gave up), so only a direct call's is reported, as `ready`; see CallReporter.
 *
 * Outbound: dialing and talking are `on-call`, so no queue call is routed to the agent;
 * an answered call ends in wrap-up, one that never got through goes back (`ready`).
 */
export const STATE_AFTER_CALL_EVENT: Record<
  CallDirection,
  Record<CallEventName, AgentState | null>
> = {
  inbound: {
    ringing: 'ringing',
    dialing: null,
    answered: 'on-call',
    ended: 'wrap-up',
    missed: 'ready',
    failed: 'ready',
  },
  outbound: {
    ringing: null,
    dialing: 'on-call',
    answered: 'on-call',
    ended: 'wrap-up',
    missed: 'ready',
    failed: 'ready',
  },
};

/** Calls remembered at most (routed and answered ones); the oldest are forgotten first. */
const REMEMBERED_CALLS = 200;

/**
 * Maps the phone engine's call events to agent-state reports, one structured log line per
 * event (category seat.call: the call id and the masked far-end number, never a name).
 * It remembers which calls the hub routed here (call.offered) and which outbound calls
 * were answered, which the mapping needs.
 */
export class CallReporter {
  private readonly routed = new Set<string>();
  private readonly answered = new Set<string>();

  constructor(private readonly log: Logger) {}

  /** The hub routed this call to the seat (its INVITE follows). */
  noteOffered(callId: string): void {
    remember(this.routed, callId);
  }

  /** Logs the event; answers the state to ask the hub for, if any. */
  report(call: CallEvent): AgentState | null {
    const direction = call.direction ?? 'inbound';
    const caller = maskPhone(callerNumberKey(call.caller));
    const state = this.stateAfter(call, direction);
    this.log.info(
      {
        callId: call.callId,
        event: call.event,
        direction,
        caller,
        queue: call.queue,
        waitMs: call.waitMs,
        status: call.status,
        agentState: state ?? undefined,
      },
      `Call ${call.callId} ${direction === 'outbound' ? 'to' : 'from'} ${caller}: ` +
        `${call.event}${call.status ? ` (SIP ${call.status})` : ''}.`,
    );
    return state;
  }

  private stateAfter(call: CallEvent, direction: CallDirection): AgentState | null {
    const over = call.event === 'ended' || call.event === 'missed' || call.event === 'failed';
    if (call.event === 'answered') remember(this.answered, call.callId);
    const wasAnswered = this.answered.has(call.callId);
    const wasRouted = this.routed.has(call.callId);
    if (over) {
      this.answered.delete(call.callId);
      this.routed.delete(call.callId);
      // The other line still talks (a consult call, or the citizen after one): the agent
      // stays on the call, and its own end will say what follows. The engine counts its
      // lines; a count kept here would go stale when the engine page reloads mid-call.
      if ((call.otherLines ?? 0) > 0) return null;
    }
    if (direction === 'inbound' && wasRouted && !wasAnswered && over) return null;
    // An outbound call that ends having never been answered had no conversation.
    if (direction === 'outbound' && call.event === 'ended' && !wasAnswered) return 'ready';
    return STATE_AFTER_CALL_EVENT[direction][call.event];
  }
}

function remember(set: Set<string>, callId: string): void {
  set.delete(callId);
  set.add(callId);
  if (set.size > REMEMBERED_CALLS) set.delete(set.values().next().value!);
}
