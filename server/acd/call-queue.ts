/** A call Kamailio holds suspended while it waits for an agent. */
export interface WaitingCall {
  callId: string;
  tindex: number;
  tlabel: number;
  caller: string;
  queue: string;
  queuedAt: number;
}

/**
 * Waiting calls in arrival order (FIFO): the call that has waited longest is offered the
 * next free agent of its queue.
 */
export class CallQueue {
  private calls: WaitingCall[] = [];

  get size(): number {
    return this.calls.length;
  }

  push(call: WaitingCall): void {
    this.calls.push(call);
  }

  /** The oldest call that `canServe` accepts, removed from the queue. */
  takeFirst(canServe: (call: WaitingCall) => boolean): WaitingCall | undefined {
    const i = this.calls.findIndex(canServe);
    if (i < 0) return undefined;
    return this.calls.splice(i, 1)[0];
  }

  /** Puts a call back at the very head, whatever its queuedAt (a seat failed it). */
  pushFront(call: WaitingCall): void {
    this.calls.unshift(call);
  }

  /** Puts a call back at the head (its route could not be sent). */
  restore(call: WaitingCall): void {
    this.calls.unshift(call);
    this.calls.sort((a, b) => a.queuedAt - b.queuedAt);
  }

  remove(callId: string): WaitingCall | undefined {
    const i = this.calls.findIndex((c) => c.callId === callId);
    return i < 0 ? undefined : this.calls.splice(i, 1)[0];
  }

  has(callId: string): boolean {
    return this.calls.some((c) => c.callId === callId);
  }

  /** Removes and answers the calls queued at or before `cutoff`. */
  takeOlderThan(cutoff: number): WaitingCall[] {
    const old = this.calls.filter((c) => c.queuedAt <= cutoff);
    if (old.length > 0) this.calls = this.calls.filter((c) => c.queuedAt > cutoff);
    return old;
  }

  drain(): WaitingCall[] {
    const all = this.calls;
    this.calls = [];
    return all;
  }

  oldest(): WaitingCall | undefined {
    return this.calls[0];
  }
}
