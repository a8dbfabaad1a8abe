import type { CallDirection, CallOutcome, PhoneCall, SipFailureCode } from '../phone/phone-types';

/**
 * Pure rules over the seat's lines (the calls the engine holds), kept apart from the slice
 * so the panel, the shortcuts and the tests read them the same way.
 */

/** One ended call in the seat's recent calls. */
export interface RecentCall {
  callId: string;
  direction: CallDirection;
  remote: string;
  queue: string;
  /** When it started ringing or dialling (engine clock, ms). */
  at: number;
  talkMs: number;
  outcome: CallOutcome;
  failure: SipFailureCode | null;
}

/** This shift's call counts, for the agent's own view. */
export interface ShiftFigures {
  /** Inbound calls answered. */
  answered: number;
  /** Inbound calls that rang out, were declined or failed before talk. */
  missed: number;
  /** Outbound calls placed (answered or not). */
  outbound: number;
  /** Talk time of every answered call, both directions. */
  talkMs: number;
  /** Calls with talk time, for the average. */
  talked: number;
}

export const NO_SHIFT: ShiftFigures = { answered: 0, missed: 0, outbound: 0, talkMs: 0, talked: 0 };

/** Recent calls kept for the phone panel; older ones drop off (the heap stays flat). */
export const RECENT_CALLS_KEPT = 12;

export function isLive(call: PhoneCall): boolean {
  return call.phase !== 'ended';
}

/**
 * The line the card shows and the shortcuts act on: the focused one while it is live,
 * else a ringing call (it wants an answer), else the newest line not on hold, else the
 * newest line.
 */
export function currentLine(calls: PhoneCall[], focusedCallId: string | null): PhoneCall | null {
  const focused = calls.find((c) => c.callId === focusedCallId);
  if (focused) return focused;
  const newest = [...calls].reverse();
  return (
    newest.find((c) => c.phase === 'ringing') ?? newest.find((c) => !c.held) ?? newest[0] ?? null
  );
}

export function toRecent(call: PhoneCall): RecentCall {
  const endedAt = call.endedAt ?? call.startedAt;
  return {
    callId: call.callId,
    direction: call.direction,
    remote: call.remote,
    queue: call.queue,
    at: call.startedAt,
    talkMs: call.answeredAt === null ? 0 : Math.max(0, endedAt - call.answeredAt),
    outcome: call.outcome ?? (call.answeredAt === null ? 'missed' : 'ended'),
    failure: call.failure?.code ?? null,
  };
}

/** The shift after one more ended call. */
export function countCall(shift: ShiftFigures, call: RecentCall): ShiftFigures {
  const inbound = call.direction === 'inbound';
  const talked = call.outcome === 'ended';
  return {
    answered: shift.answered + (inbound && talked ? 1 : 0),
    missed: shift.missed + (inbound && !talked ? 1 : 0),
    outbound: shift.outbound + (inbound ? 0 : 1),
    talkMs: shift.talkMs + call.talkMs,
    talked: shift.talked + (talked ? 1 : 0),
  };
}

/** Newest first, one entry per call, at most RECENT_CALLS_KEPT. */
export function addRecent(recent: RecentCall[], call: RecentCall): RecentCall[] {
  const others = recent.filter((r) => r.callId !== call.callId);
  return [call, ...others].sort((a, b) => b.at - a.at).slice(0, RECENT_CALLS_KEPT);
}

/** Puts a changed call in place of its old self, or adds it at the end (a new line). */
export function upsertLine(calls: PhoneCall[], call: PhoneCall): PhoneCall[] {
  const at = calls.findIndex((c) => c.callId === call.callId);
  if (at < 0) return [...calls, call];
  return calls.map((c, i) => (i === at ? call : c));
}
