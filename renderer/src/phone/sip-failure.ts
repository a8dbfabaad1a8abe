import type { SipFailure, SipFailureCode } from './phone-types';

/** SIP final responses and the code the desk words them with (RFC 3261 §21). */
const BY_STATUS: ReadonlyMap<number, SipFailureCode> = new Map([
  [486, 'busy'],
  [600, 'busy'],
  [603, 'declined'],
  [404, 'not-found'],
  [484, 'not-found'],
  [604, 'not-found'],
  [480, 'unavailable'],
  [503, 'unavailable'],
  [408, 'timeout'],
  [488, 'not-acceptable'],
  [606, 'not-acceptable'],
]);

/**
 * Why a call did not get through, from the far end's final response. A status of null
 * means there was no response at all (the detail says why).
 */
export function sipFailure(status: number | null, detail: string): SipFailure {
  const code = status === null ? 'other' : (BY_STATUS.get(status) ?? 'other');
  return { code, status, detail };
}

/**
 * An outbound call the agent hung up before it was answered. Not a failure to show as
 * one: the far end's 487 Request Terminated (RFC 3261 §9.1) only confirms our CANCEL, so
 * the desk words it calmly. `status` is the final response, null if none came.
 */
export function cancelledByAgent(status: number | null): SipFailure {
  return { code: 'cancelled', status, detail: 'cancelled by the agent before the answer' };
}

/** getUserMedia's DOMException names that mean the seat has no usable microphone. */
const NO_MICROPHONE = new Set(['NotAllowedError', 'NotFoundError', 'NotReadableError']);

/**
 * Why a call failed when something threw rather than the far end answering: a refused or
 * missing microphone, or the transport (sip.js throws plain Errors naming it).
 */
export function failureFromError(error: unknown): SipFailure {
  const name = error instanceof Error || isNamed(error) ? error.name : '';
  const message = error instanceof Error ? error.message || name : String(error);
  if (NO_MICROPHONE.has(name)) {
    return { code: 'no-microphone', status: null, detail: `${name}: ${message}` };
  }
  if (/transport|websocket|not connected|network/i.test(message)) {
    return { code: 'network', status: null, detail: message };
  }
  return { code: 'other', status: null, detail: message };
}

function isNamed(value: unknown): value is { name: string } {
  return typeof value === 'object' && value !== null && 'name' in value;
}
