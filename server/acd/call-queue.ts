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
 * Waiting calls, one FIFO per queue: within a queue the call that has waited longest is
 * offered the next free agent holding the queue's skill; a call a seat failed goes back to
 * the very head of its queue.
 */
export class CallQueue {
  private readonly queues = new Map<string, WaitingCall[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Calls waiting in one queue. */
  waiting(queue: string): number {
    return this.queues.get(queue)?.length ?? 0;
  }

  push(call: WaitingCall): void {
    this.line(call.queue).push(call);
    this.count += 1;
  }

  /** Puts a call at the very head of its queue, whatever its queuedAt (a seat failed it). */
  pushFront(call: WaitingCall): void {
    this.line(call.queue).unshift(call);
    this.count += 1;
  }

  /** The first call of every queue that has one. */
  *heads(): IterableIterator<WaitingCall> {
    for (const line of this.queues.values()) if (line[0]) yield line[0];
  }

  /** Removes the head of `queue` (the call heads() gave for it). */
  shift(queue: string): WaitingCall | undefined {
    const line = this.queues.get(queue);
    const call = line?.shift();
    if (call) this.count -= 1;
    return call;
  }

  remove(call: Pick<WaitingCall, 'callId' | 'queue'>): WaitingCall | undefined {
    const line = this.queues.get(call.queue);
    const i = line ? line.findIndex((c) => c.callId === call.callId) : -1;
    if (!line || i < 0) return undefined;
    this.count -= 1;
    return line.splice(i, 1)[0];
  }

  /** Removes and answers the calls queued at or before `cutoff`. */
  takeOlderThan(cutoff: number): WaitingCall[] {
    const old: WaitingCall[] = [];
    for (const [queue, line] of this.queues) {
      if (!line.some((c) => c.queuedAt <= cutoff)) continue;
      old.push(...line.filter((c) => c.queuedAt <= cutoff));
      this.queues.set(
        queue,
        line.filter((c) => c.queuedAt > cutoff),
      );
    }
    this.count -= old.length;
    return old;
  }

  drain(): WaitingCall[] {
    const all = [...this.queues.values()].flat();
    this.queues.clear();
    this.count = 0;
    return all;
  }

  /** The call that has waited longest, in `queue` or in any queue. */
  oldest(queue?: string): WaitingCall | undefined {
    let best: WaitingCall | undefined;
    for (const [name, line] of this.queues) {
      if (queue !== undefined && name !== queue) continue;
      // A re-queued call at the head may be younger than one behind it: look at all.
      for (const c of line) if (!best || c.queuedAt < best.queuedAt) best = c;
    }
    return best;
  }

  private line(queue: string): WaitingCall[] {
    let line = this.queues.get(queue);
    if (!line) this.queues.set(queue, (line = []));
    return line;
  }
}
