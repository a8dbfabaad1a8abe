import type { Logger } from 'pino';
import type { CALL_EVENTS } from '../../../shared/desk-api.js';
import { maskPhone } from '../../../shared/domain/phone.js';
import type { AgentState } from '../../../shared/hub-api.js';
import { callerNumberKey } from '../caller-number.js';

export type CallEventName = (typeof CALL_EVENTS)[number];

export interface CallEvent {
  event: CallEventName;
  callId: string;
  caller: string;
  queue?: string;
  waitMs?: number;
}

/**
 * The agent state a call event implies for the hub's ACD. A failed call (it never got
 * through) changes nothing here: the ACD learns of it from Kamailio and decides itself.
 */
export const STATE_AFTER_CALL_EVENT: Record<CallEventName, AgentState | null> = {
  ringing: 'ringing',
  answered: 'on-call',
  ended: 'wrap-up',
  missed: 'not-ready',
  failed: null,
};

/**
 * One structured log line per call event (category seat.call): the call id and the
 * masked caller number, never a name. Returns the state to report to the hub, if any.
 */
export function logCallEvent(log: Logger, call: CallEvent): AgentState | null {
  const caller = maskPhone(callerNumberKey(call.caller));
  const state = STATE_AFTER_CALL_EVENT[call.event];
  log.info(
    {
      callId: call.callId,
      event: call.event,
      caller,
      queue: call.queue,
      waitMs: call.waitMs,
      agentState: state ?? undefined,
    },
    `Call ${call.callId} from ${caller}: ${call.event}.`,
  );
  return state;
}
