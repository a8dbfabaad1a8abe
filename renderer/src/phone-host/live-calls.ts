import type { PhoneCall, PhoneEvent } from '../phone/phone-types';

/**
 * The host's view of which calls are live, from the engine's events: enough to pick the
 * call whose media counters the tests read, without reaching into the engine.
 */
export class LiveCalls {
  private readonly calls = new Map<string, PhoneCall>();

  onPhoneEvent(event: PhoneEvent): void {
    if (event.type !== 'call') return;
    if (event.call.phase === 'ended') this.calls.delete(event.call.callId);
    else this.calls.set(event.call.callId, event.call);
  }

  /** Every live call (not ended), oldest first. */
  all(): PhoneCall[] {
    return [...this.calls.values()];
  }

  /** The newest answered call that is not on hold, else the newest live one. */
  current(): PhoneCall | undefined {
    const live = [...this.calls.values()];
    const talking = live.filter((c) => c.phase === 'active' && !c.held);
    return talking.at(-1) ?? live.at(-1);
  }
}
