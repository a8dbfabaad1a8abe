import type { PhoneCall } from '../phone/phone-types';
import { isLive } from './phone-lines';

/**
 * A citizen's call and the consult call the agent made for it (to a specialist): read
 * from the lines themselves (PhoneCall.contextCallId names the citizen's call), so a
 * reloaded desk finds the pair again from the engine's snapshot.
 *
 *   citizen held ──consult answered──▶ consulting ──complete──▶ both end (REFER/Replaces)
 *                                         │  ▲
 *                              conference │  │ split
 *                                         ▼  │
 *                                       three-way ──drop specialist──▶ two-way again
 *   consulting ──back to the caller (hang up the consult)──▶ two-way again
 */
export interface ConsultPair {
  citizen: PhoneCall;
  consult: PhoneCall;
  /** The two lines are mixed (three-way call). */
  conferenced: boolean;
}

/** The pair `call` belongs to (as the citizen's call or as the consult), or null. */
export function consultPair(calls: PhoneCall[], call: PhoneCall | null): ConsultPair | null {
  if (!call || !isLive(call)) return null;
  const live = calls.filter(isLive);
  const citizen = call.contextCallId
    ? live.find((c) => c.callId === call.contextCallId)
    : undefined;
  if (citizen) return pair(citizen, call);
  const consult = live.find((c) => c.contextCallId === call.callId);
  return consult ? pair(call, consult) : null;
}

function pair(citizen: PhoneCall, consult: PhoneCall): ConsultPair {
  const conferenced =
    citizen.conferencedWith === consult.callId || consult.conferencedWith === citizen.callId;
  return { citizen, consult, conferenced };
}
