import { maskPhone } from '../../../shared/domain/phone';
import type { DeskBridge, DeskParams } from '../../../shared/desk-api';
import { createLogger, describeError } from '../lib/log';
import type { PhoneCall, PhoneEvent } from '../phone/phone-types';

const log = createLogger('seat.phone.report');

type CallEventName = DeskParams<'call.event'>['event'];

/** How many calls' reported steps are remembered, so an old call is not reported again. */
const REMEMBERED_CALLS = 50;

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

  constructor(private readonly desk: Pick<DeskBridge, 'call'>) {}

  /** Feeds one engine event; only `call` events matter here. */
  onPhoneEvent(event: PhoneEvent): void {
    if (event.type !== 'call') return;
    const call = event.call;
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

    this.desk.call('call.event', params).catch((error: unknown) => {
      log.warn(
        `Could not report ${event} of call ${call.callId} from ${maskPhone(call.remote)}: ` +
          `${describeError(error)}.`,
      );
    });
  }

  private forgetOld(): void {
    while (this.reported.size > REMEMBERED_CALLS) {
      const oldest = this.reported.keys().next().value;
      if (oldest === undefined) return;
      this.reported.delete(oldest);
    }
  }
}
