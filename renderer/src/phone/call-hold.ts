import { SessionState, type Session } from 'sip.js';
import { createLogger, describeError } from '../lib/log';
import { applyTrackStates } from './call-media';
import { stateOf, type Line } from './phone-line';
import type { PhoneCall } from './phone-types';
import { dialogGoneStatus, holdOptions, reInvite } from './reinvite';

const log = createLogger('seat.sip.call');

/** What hold and resume need of the phone. */
export interface HoldHost {
  /** The live line of `callId`; throws when there is none. */
  line(callId: string): Line;
  lines(): Line[];
  inThreeWay(callId: string): boolean;
  update(line: Line, change: Partial<PhoneCall>): void;
  /** Ends the line's call in the book (its session is over). */
  finish(line: Line): void;
  /** A re-INVITE of the line has its answer: a target refresh that waited may go now. */
  reInviteDone(line: Line): void;
}

/**
 * Hold and resume by re-INVITE (RFC 3264 §8.4: the seat offers sendonly, then sendrecv),
 * one re-INVITE per call at a time; and the far end's own hold, read from each remote
 * SDP the session applies (seat-sdh.ts).
 *
 *   active ──hold: re-INVITE sendonly──▶ (waiting) ──2xx──▶ held ──resume: sendrecv──▶ …
 *                                          │ 408/481: the dialog is gone, the call ends
 *                                          └ other failure: as it was, the error says why
 */
export class CallHold {
  constructor(private readonly host: HoldHost) {}

  async set(callId: string, hold: boolean): Promise<void> {
    const line = this.host.line(callId);
    const session = line.session;
    const verb = hold ? 'hold' : 'resume';
    if (session.state !== SessionState.Established) {
      throw new Error(`Call ${callId} is not answered; only an answered call can be held`);
    }
    // Checked before anything changes: the re-INVITE in flight owns the tracks and the
    // session's re-INVITE options until its answer comes.
    if (line.reinviting) {
      throw new Error(
        `Cannot ${verb} call ${callId}: a re-INVITE (hold, resume, or a target refresh ` +
          "after a reconnect) is still waiting for the far end's answer; try again when it is done",
      );
    }
    if (line.call.held === hold) return;
    if (this.host.inThreeWay(callId)) {
      throw new Error(`Call ${callId} is in a three-way call; split it first`);
    }

    line.reinviting = true;
    // The held party hears nothing of the seat from now on, even before the answer.
    applyTrackStates(session, { muted: line.call.muted, held: hold });
    try {
      await reInvite(session, hold);
      log.info(`Call ${callId} is ${hold ? 'on hold' : 'resumed'}.`);
      this.host.update(line, { held: hold });
    } catch (error) {
      const gone = dialogGoneStatus(error);
      if (gone !== null) {
        this.endLostDialog(line, gone, verb, describeError(error));
      } else {
        // Back to what the far end still has: later re-INVITEs must not carry the failed wish.
        session.sessionDescriptionHandlerOptionsReInvite = holdOptions(line.call.held);
        applyTrackStates(session, line.call);
        log.warn(`Cannot ${verb} call ${callId}: ${describeError(error)}.`);
      }
      throw new Error(`Cannot ${verb} call ${callId}: ${describeError(error)}`);
    } finally {
      line.reinviting = false;
      this.host.reInviteDone(line);
    }
  }

  /**
   * The far end answered a request in the dialog (a re-INVITE, an INFO) 408 or 481
   * (RFC 3261 §12.2.1.2, §14.1): the dialog is over. The call ends with that failure
   * (`dialog-lost`: the desk says the call dropped); a BYE goes out in case the far end
   * still holds it.
   */
  endLostDialog(line: Line, status: number, verb: string, detail: string): void {
    const { callId } = line.call;
    if (line.finished) return;
    line.call.failure = { code: 'dialog-lost', status, detail };
    log.warn(`Cannot ${verb} call ${callId}: ${detail}; the dialog is gone, ending the call.`);
    const session = line.session;
    if (session.state === SessionState.Established) {
      session.bye().catch((error: unknown) => {
        log.warn(`BYE for call ${callId} failed: ${describeError(error)}.`);
      });
    }
    // A BYE that could not go out leaves no state change behind; finish here as well.
    queueMicrotask(() => {
      if (stateOf(session) === SessionState.Terminated) this.host.finish(line);
    });
  }

  /** A remote SDP was applied: the far end holds the seat (sendonly, inactive) or not. */
  onRemoteSdp(session: Session, held: boolean): void {
    const line = this.host.lines().find((candidate) => candidate.session === session);
    if (!line || line.call.remoteHeld === held) return;
    log.info(`Call ${line.call.callId} is ${held ? 'held' : 'resumed'} by the far end.`);
    this.host.update(line, { remoteHeld: held });
  }
}
