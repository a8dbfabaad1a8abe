import { SessionState } from 'sip.js';
import { createLogger, describeError } from '../lib/log';
import type { Line } from './phone-line';
import { dialogGoneStatus, holdOptions, reInvite } from './reinvite';

const log = createLogger('seat.sip.call');

/** What the target refresh needs of the phone. */
export interface TargetRefreshHost {
  /** The live lines. */
  lines(): Line[];
  /** Whether re-INVITEs may go out now: the phone is started and registered. */
  ready(): boolean;
  /** A 408 or 481 to a re-INVITE: the dialog is gone, the call ends. */
  endLostDialog(line: Line, status: number, verb: string, detail: string): void;
}

/**
 * After a reconnect the far ends of the calls that were up still send their in-dialog
 * requests (the caller's BYE) to the seat's old Contact, which Kamailio resolves to the
 * dead connection (the alias it added: "connection ... could not be found", 500). A
 * re-INVITE is a target refresh (RFC 3261 §12.2.1.2, §14.1): it goes out on the new
 * connection, Kamailio aliases its Contact to it and the far end takes that as its new
 * remote target. Once registered again, each such call gets one, one call at a time,
 * with its own hold state (sendonly when held, else sendrecv). A refresh that fails
 * leaves the call as it is (logged); a 408 or 481 means the dialog is gone and ends it.
 *
 *   transport lost ──▶ every line stale ──registered──▶ re-INVITE line 1 ──answer──▶ line 2 …
 *   (a line whose hold or resume is in flight waits for it; its end runs the refresh again)
 */
export class TargetRefresh {
  /** run() is working through the lines. */
  private running = false;

  constructor(private readonly host: TargetRefreshHost) {}

  /** The transport went down: every line's far end targets the dead connection now. */
  markAll(): void {
    for (const line of this.host.lines()) line.staleTarget = true;
  }

  /** Refreshes each stale line in turn while the phone stays registered. */
  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        if (!this.host.ready()) return;
        // A hold or resume in flight goes first; its end calls this again.
        const line = this.host.lines().find((l) => l.staleTarget && !l.reinviting);
        if (!line) return;
        line.staleTarget = false;
        await this.refresh(line);
      }
    } finally {
      this.running = false;
    }
  }

  private async refresh(line: Line): Promise<void> {
    const { session, call } = line;
    if (line.finished || session.state !== SessionState.Established) return;
    line.reinviting = true;
    log.info(`Call ${call.callId}: refreshing the far end's target after the reconnect.`);
    try {
      await reInvite(session, call.held);
      log.info(`Call ${call.callId} reaches this seat over the new connection.`);
    } catch (error) {
      const gone = dialogGoneStatus(error);
      if (gone !== null) {
        this.host.endLostDialog(line, gone, 'refresh the target of', describeError(error));
      } else {
        session.sessionDescriptionHandlerOptionsReInvite = holdOptions(call.held);
        log.warn(
          `Call ${call.callId} keeps going, but the target refresh failed: ` +
            `${describeError(error)}; the far end may not reach this seat until it ends.`,
        );
      }
    } finally {
      line.reinviting = false;
    }
  }
}
