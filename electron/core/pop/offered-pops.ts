/**
 * The hub part of each call's pop, kept by call: started when the hub offers the call to
 * this seat (`call.offered`, before the INVITE), or at the desk's first lookup of a call
 * the hub did not offer (a direct call). Keyed by call, never by number alone, so a pop is
 * only ever shown for the call it was fetched for, and every call of a citizen at this
 * seat is its own read at the hub (its audit log says who read whose data, and when).
 *
 *   offered ──▶ kept ──take(callId, number)──▶ shown (kept for a re-lookup)
 *                 │
 *                 └── forget(callId): the call is over or rang elsewhere; or ttl passed
 */
export interface OfferedPop<T> {
  callId: string;
  /** The caller's number key (callerNumberKey) the part was fetched for. */
  number: string;
  at: number;
  part: Promise<T>;
}

export interface OfferedPopsOptions {
  /** How long a part stays good; a call's pop is asked for within a second of the offer. */
  ttlMs: number;
  /** Calls kept at most; the oldest go first. */
  max: number;
  now?: () => number;
}

export class OfferedPops<T> {
  private readonly byCall = new Map<string, OfferedPop<T>>();
  private readonly now: () => number;

  constructor(private readonly options: OfferedPopsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Keeps what `start` fetches for the call; a second offer of the same call replaces it. */
  put(callId: string, number: string, start: () => Promise<T>): Promise<T> {
    const part = start();
    this.byCall.delete(callId);
    this.byCall.set(callId, { callId, number, at: this.now(), part });
    while (this.byCall.size > this.options.max) {
      const oldest = this.byCall.keys().next().value;
      if (oldest === undefined) break;
      this.byCall.delete(oldest);
    }
    return part;
  }

  /**
   * The part kept for this call, if it was fetched for this number and is fresh. One kept
   * for another number is dropped: the desk's view of the call decides.
   */
  take(callId: string, number: string): Promise<T> | null {
    const kept = this.byCall.get(callId);
    if (!kept) return null;
    if (kept.number !== number || this.now() - kept.at >= this.options.ttlMs) {
      this.byCall.delete(callId);
      return null;
    }
    return kept.part;
  }

  /** Drops the call's part unless `part` is given and another one replaced it meanwhile. */
  forget(callId: string, part?: Promise<T>): boolean {
    const kept = this.byCall.get(callId);
    if (!kept || (part !== undefined && kept.part !== part)) return false;
    return this.byCall.delete(callId);
  }

  /** Calls kept now (for logs and tests). */
  calls(): string[] {
    return [...this.byCall.keys()];
  }

  clear(): void {
    this.byCall.clear();
  }
}
