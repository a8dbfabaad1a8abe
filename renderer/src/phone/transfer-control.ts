import { SessionState, type Referral } from 'sip.js';
import { maskPhone } from '../../../shared/domain/phone';
import { createLogger, describeError } from '../lib/log';
import {
  attendedTarget,
  failedTransfer,
  referTo,
  replacesOf,
  sendRefer,
  stateAfterNotify,
} from './call-transfer';
import type { Line } from './phone-line';
import type { CallTransfer, PhoneCall, SipFailureCode } from './phone-types';

const log = createLogger('seat.sip.call');

/**
 * After a transfer is taken, how long the far end has to end the call itself (a transferee
 * may BYE once its new call stands) before the seat sends the BYE (RFC 5589 §6).
 */
const TRANSFER_BYE_GRACE_MS = 1000;
/**
 * How long a transfer may stay pending after the far end took the REFER (202) without a
 * NOTIFY that decides it; then it counts as failed (timeout), so another can be tried.
 */
export const TRANSFER_DECISION_TIMEOUT_MS = 30_000;

/** What transfers need of the phone. */
export interface TransferHost {
  update(line: Line, change: Partial<PhoneCall>): void;
  /** Takes a held call off hold again (after a failed transfer). */
  resume(callId: string): Promise<void>;
  /** Why the seat cannot place a call now (not started, both lines taken), or null. */
  whyNoCall(): string | null;
  /** Calls `number`, the target of a REFER the seat took on `line`. */
  callReferred(line: Line, referral: Referral, number: string): Promise<unknown>;
  /** A 408 or 481 to a request in the line's dialog: the dialog is gone, the call ends. */
  endLostDialog(line: Line, status: number, verb: string, detail: string): void;
}

/**
 * Transfers with REFER (RFC 3515), both ways. Out: the seat asks the far end to call the
 * target (blind) or the consulted party with Replaces (attended), follows the NOTIFYs
 * (call-transfer.ts has the states), waits at most TRANSFER_DECISION_TIMEOUT_MS for one
 * that decides, and ends the transferred lines. In: the far end asks this seat to call
 * someone else (it transfers us), and the seat does.
 */
export class TransferControl {
  constructor(private readonly host: TransferHost) {}

  /** A blind transfer of `line` to `number` in `domain`. */
  blind(line: Line, number: string, domain: string): Promise<void> {
    const transfer: CallTransfer = {
      kind: 'blind',
      target: number,
      state: 'pending',
      failure: null,
    };
    return this.refer(line, transfer, referTo(number, domain), null);
  }

  /**
   * An attended transfer of `line` to the party of the answered `consult` call: the REFER
   * names the seat that answered it (attendedTarget), with the consult dialog to replace.
   */
  async attended(line: Line, consult: Line, domain: string): Promise<void> {
    const replaces = replacesOf(consult.session);
    const seat = attendedTarget({
      answeredBy: consult.answeredBy,
      remoteTarget: consult.session.dialog?.remoteTarget,
      dialled: consult.call.remote,
    });
    const transfer: CallTransfer = {
      kind: 'attended',
      target: consult.call.remote,
      state: 'pending',
      failure: null,
    };
    if (seat !== consult.call.remote) {
      // Logs name a seat's extension as it is, any other number masked.
      const who = seat === consult.answeredBy ? `seat ${seat}` : maskPhone(seat);
      log.info(`Consult call ${consult.call.callId} was answered by ${who}; referring there.`);
    }
    await this.refer(line, transfer, referTo(seat, domain, replaces), consult);
  }

  /**
   * This seat is the transferee (RFC 3515 §2.4.2): accept the REFER and call the target,
   * with the Replaces header it names; sip.js reports the new call's progress to the
   * transferor in NOTIFYs, and the transferor ends the old call.
   */
  onRefer(line: Line, referral: Referral): void {
    const number = decodeURIComponent(referral.referTo.uri.user ?? '');
    const why = this.host.whyNoCall() ?? (number ? null : 'the phone cannot call now');
    if (why) {
      log.warn(`REFER on call ${line.call.callId} refused: ${why}.`);
      void referral.reject({ statusCode: 503 }).catch(() => undefined);
      return;
    }
    log.info(`Call ${line.call.callId} is transferred by the far end to ${maskPhone(number)}.`);
    void referral
      .accept()
      .then(() => this.host.callReferred(line, referral, number))
      .catch((error: unknown) => {
        log.error(
          `Following the REFER on call ${line.call.callId} failed: ${describeError(error)}.`,
        );
      });
  }

  /** The line ended: no transfer timer of its may fire any more. */
  release(line: Line): void {
    if (line.transferBye) clearTimeout(line.transferBye);
    line.transferBye = null;
    this.clearDecisionTimeout(line);
  }

  /** Sends the REFER of a transfer and follows it. */
  private async refer(
    line: Line,
    transfer: CallTransfer,
    value: string,
    consult: Line | null,
  ): Promise<void> {
    const callId = line.call.callId;
    this.host.update(line, { transfer });
    log.info(`Transferring call ${callId} (${transfer.kind}) to ${maskPhone(transfer.target)}.`);
    try {
      await sendRefer(line.session, value, {
        onAccepted: () => {
          log.info(`The far end of call ${callId} took the REFER (202).`);
          this.awaitDecision(line);
        },
        onRefused: (status, reason) => {
          // RFC 3261 §12.2.1.2: a 408 (sip.js's own after Timer F, too) or a 481 to the
          // REFER means the dialog is gone: the transfer failed and the call is over.
          if (status === 408 || status === 481) {
            const detail = `the far end did not answer the transfer request: ${status} ${reason}`;
            const code = status === 408 ? 'refer-timeout' : 'dialog-lost';
            this.failed(line, status, detail, code, false);
            this.host.endLostDialog(line, status, 'transfer', detail);
            return;
          }
          this.failed(line, status, `the far end refused the transfer: ${status} ${reason}`);
        },
        onNotify: (status, reason) => {
          const next = stateAfterNotify(transfer.kind, status);
          if (next === 'failed') {
            this.failed(line, status, `the call to the target failed: ${status} ${reason}`);
          } else if (next === 'accepted') this.accepted(line, consult);
        },
      });
    } catch (error) {
      this.failed(line, null, `the REFER was not sent: ${describeError(error)}`);
      throw new Error(`Cannot transfer call ${callId}: ${describeError(error)}`);
    }
  }

  /** Starts the wait for a NOTIFY that decides the transfer (once per transfer). */
  private awaitDecision(line: Line): void {
    if (line.transferTimeout || line.finished) return;
    line.transferTimeout = setTimeout(() => {
      line.transferTimeout = null;
      const seconds = TRANSFER_DECISION_TIMEOUT_MS / 1000;
      this.failed(
        line,
        null,
        `the far end took the REFER but reported no result within ${seconds} s`,
        'refer-no-report',
      );
    }, TRANSFER_DECISION_TIMEOUT_MS);
  }

  private clearDecisionTimeout(line: Line): void {
    if (line.transferTimeout) clearTimeout(line.transferTimeout);
    line.transferTimeout = null;
  }

  private accepted(line: Line, consult: Line | null): void {
    const transfer = line.call.transfer;
    if (!transfer || transfer.state !== 'pending' || line.finished) return;
    this.clearDecisionTimeout(line);
    log.info(`Call ${line.call.callId} is transferred (${transfer.kind}); it ends here.`);
    this.host.update(line, { transfer: { ...transfer, state: 'accepted' } });
    for (const ending of consult ? [line, consult] : [line]) this.byeUnlessEnded(ending);
  }

  /** The transfer failed; the call stays and is resumed if held (`resume`, by default). */
  private failed(
    line: Line,
    status: number | null,
    detail: string,
    code?: SipFailureCode,
    resume = true,
  ): void {
    const transfer = line.call.transfer;
    if (!transfer || transfer.state !== 'pending' || line.finished) return;
    this.clearDecisionTimeout(line);
    log.warn(`Transfer of call ${line.call.callId} failed: ${detail}.`);
    this.host.update(line, { transfer: failedTransfer(transfer, status, detail, code) });
    if (resume && line.call.held) {
      void this.host.resume(line.call.callId).catch(() => undefined);
    }
  }

  /** Ends a transferred call with BYE unless its far end does so within the grace. */
  private byeUnlessEnded(line: Line): void {
    if (line.transferBye || line.finished) return;
    line.transferBye = setTimeout(() => {
      line.transferBye = null;
      if (line.finished || line.session.state !== SessionState.Established) return;
      log.info(`Sending BYE on transferred call ${line.call.callId}.`);
      void line.session.bye().catch((error: unknown) => {
        log.warn(`BYE for call ${line.call.callId} failed: ${describeError(error)}.`);
      });
    }, TRANSFER_BYE_GRACE_MS);
  }
}
