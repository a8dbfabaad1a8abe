import { maskPhone } from '../../../shared/domain/phone';
import { DeskCallError, type DeskBridge, type DeskParams } from '../../../shared/desk-api';
import { createLogger, describeError } from '../lib/log';
import type { PhoneCall, PhoneEvent } from '../phone/phone-types';

const log = createLogger('seat.phone.report');

type CallEventName = DeskParams<'call.event'>['event'];

/** How many calls' reported steps are remembered, so an old call is not reported again. */
const REMEMBERED_CALLS = 50;

/**
 * Waits before each retry of a report that failed (the seat host briefly unreachable):
 * sent, fail, wait 0.5 s, resend, fail, wait 2 s, ... then give up and log it.
 */
export const REPORT_RETRY_DELAYS_MS: readonly number[] = [500, 2_000, 5_000];

/** Failures a resend cannot fix: the core understood the report and refused it. */
const PERMANENT_FAILURES = new Set(['bad-request', 'unknown-method']);

/**
 * What a call's phases and outcome tell the seat core: ringing or dialing when it begins,
 * answered once it is active, then how it ended. A call first seen later (the engine page
 * came back) reports only what it has reached; a step is never reported twice.
 */
export function callSteps(call: PhoneCall): CallEventName[] {
  const steps: CallEventName[] = [call.direction === 'inbound' ? 'ringing' : 'dialing'];
  if (call.answeredAt !== null || call.phase === 'active') steps.push('answered');
  if (call.phase === 'ended') steps.push(call.outcome ?? 'ended');
  return steps;
}

/**
 * Reports each call's events to the seat core (desk method `call.event`), from the page
 * that holds the phone engine: it outlives the desk UI, so a reload of the desk neither
 * loses an event nor reports one twice. The core logs it (masked) and tells the hub,
 * which keeps the agent's state in step with the phone.
 */
export class CallReporter {
  private readonly reported = new Map<string, Set<CallEventName>>();
  /** The engine's live lines, from its events: the `otherLines` of each report. */
  private readonly live = new Set<string>();
  /** Per call, the tail of its reports: each waits for the one before (and its retries). */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly desk: Pick<DeskBridge, 'call'>,
    private readonly retryDelaysMs: readonly number[] = REPORT_RETRY_DELAYS_MS,
  ) {}

  /** Feeds one engine event; only `call` events matter here. */
  onPhoneEvent(event: PhoneEvent): void {
    if (event.type !== 'call') return;
    const call = event.call;
    if (call.phase === 'ended') this.live.delete(call.callId);
    else this.live.add(call.callId);
    let done = this.reported.get(call.callId);
    if (!done) {
      done = new Set();
      this.reported.set(call.callId, done);
      this.forgetOld();
    }
    for (const step of callSteps(call)) {
      if (done.has(step)) continue;
      done.add(step);
      this.send(step, call);
    }
  }

  private send(event: CallEventName, call: PhoneCall): void {
    const params: DeskParams<'call.event'> = {
      event,
      callId: call.callId,
      caller: call.remote,
      direction: call.direction,
    };
    if (call.queue) params.queue = call.queue;
    if (call.direction === 'inbound') params.waitMs = Math.max(0, Math.round(call.waitMs));
    const status = call.failure?.status;
    if (event === 'failed' && status && status >= 100 && status <= 699) params.status = status;
    params.otherLines = Math.min(8, [...this.live].filter((id) => id !== call.callId).length);

    // The first report of a quiet call goes out at once; a later one waits its turn.
    const before = this.queues.get(call.callId);
    const mine = before
      ? before.then(() => this.deliver(params, call.remote))
      : this.deliver(params, call.remote);
    this.queues.set(call.callId, mine);
    void mine.then(() => {
      if (this.queues.get(call.callId) === mine) this.queues.delete(call.callId);
    });
  }

  /** Sends one report, retrying a failure with the delays given; never rejects. */
  private async deliver(params: DeskParams<'call.event'>, remote: string): Promise<void> {
    const what = `${params.event} of call ${params.callId} from ${maskPhone(remote)}`;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.desk.call('call.event', params);
        if (attempt > 0) log.info(`Reported ${what} on attempt ${attempt + 1}.`);
        return;
      } catch (error: unknown) {
        const permanent = error instanceof DeskCallError && PERMANENT_FAILURES.has(error.code);
        const delay = this.retryDelaysMs[attempt];
        if (permanent || delay === undefined) {
          const tries = attempt + 1;
          log.warn(
            `Could not report ${what}: ${describeError(error)} ` +
              `(gave up after ${tries} attempt${tries === 1 ? '' : 's'}).`,
          );
          return;
        }
        log.info(`Report of ${what} failed (${describeError(error)}); retrying in ${delay} ms.`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private forgetOld(): void {
    while (this.reported.size > REMEMBERED_CALLS) {
      const oldest = this.reported.keys().next().value;
      if (oldest === undefined) return;
      this.reported.delete(oldest);
      this.live.delete(oldest);
    }
  }
}
