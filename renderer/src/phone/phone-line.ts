import type { Core, Invitation, Inviter, Session, SessionState } from 'sip.js';
import type { PhoneCall } from './phone-types';

/**
 * A call on one of the seat's lines and what has happened to it so far: the sip.js
 * session and media the engine keeps to itself, beside the plain PhoneCall it reports.
 */
export interface Line {
  session: Invitation | Inviter;
  call: PhoneCall;
  line: number;
  audio: HTMLAudioElement | null;
  answering: boolean;
  hangupRequested: boolean;
  /** The far end gave up (CANCEL) or the agent cancelled an outbound call. */
  cancelled: boolean;
  finished: boolean;
  /** The BYE that ends a transferred call unless its far end ends it first. */
  transferBye: ReturnType<typeof setTimeout> | null;
  /** Fails a transfer still pending too long after its 202 (TRANSFER_DECISION_TIMEOUT_MS). */
  transferTimeout: ReturnType<typeof setTimeout> | null;
  /** A re-INVITE of this seat's (hold, resume, target refresh) is in flight: one at a time. */
  reinviting: boolean;
  /** The extension the far end named in its 200 OK (SEAT_HEADER): who took a consult. */
  answeredBy: string | null;
  /**
   * The transport was lost while this call was up: the far end still sends its in-dialog
   * requests to the dead connection until a target refresh (see TargetRefresh).
   */
  staleTarget: boolean;
}

/** The fields of a PhoneCall that the one who adds a line decides. */
export type LineFields = Pick<
  PhoneCall,
  'callId' | 'direction' | 'remote' | 'queue' | 'waitMs' | 'phase' | 'video' | 'contextCallId'
>;

/** A new line's state, before the call book gives it its number. */
export function newLine(
  session: Invitation | Inviter,
  fields: LineFields,
  startedAt: number,
): Omit<Line, 'line'> {
  return {
    session,
    call: {
      ...fields,
      conferencedWith: null,
      transfer: null,
      held: false,
      remoteHeld: false,
      muted: false,
      startedAt,
      answeredAt: null,
      endedAt: null,
      outcome: null,
      failure: null,
    },
    audio: null,
    answering: false,
    hangupRequested: false,
    cancelled: false,
    finished: false,
    transferBye: null,
    transferTimeout: null,
    reinviting: false,
    answeredBy: null,
    staleTarget: false,
  };
}

/** The session's state now (a plain read, so the compiler does not narrow it across awaits). */
export function stateOf(session: Session): SessionState {
  return session.state;
}

/** A final response sip.js made itself (transport error, timeout) carries no Via. */
export function isLocal(response: Core.IncomingResponse): boolean {
  return response.message.getHeader('via') === undefined;
}
