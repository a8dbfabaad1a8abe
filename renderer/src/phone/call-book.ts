import type { PhoneCall } from './phone-types';

/** The lines a seat has: one call with a citizen and one for a consult call. */
export const MAX_LINES = 2;
/** Ended calls still in the snapshot, so a reloaded desk shows what just happened. */
export const KEPT_ENDED = 5;

/**
 * The calls the engine holds, keyed by SIP Call-ID: live ones on numbered lines (line 0
 * plays through the `remote-audio` element the end-to-end tests know), then the last
 * few ended ones, newest first.
 */
export class CallBook<T extends { call: PhoneCall }> {
  private readonly live = new Map<string, T & { line: number }>();
  private ended: PhoneCall[] = [];

  get liveCount(): number {
    return this.live.size;
  }

  get(callId: string): (T & { line: number }) | undefined {
    return this.live.get(callId);
  }

  /** The live calls, by line. */
  lines(): Array<T & { line: number }> {
    return [...this.live.values()].sort((a, b) => a.line - b.line);
  }

  /** Puts a call on the lowest free line; throws when every line is taken. */
  add(entry: T): T & { line: number } {
    if (this.live.has(entry.call.callId)) {
      throw new Error(`Call ${entry.call.callId} is on a line already`);
    }
    const taken = new Set([...this.live.values()].map((held) => held.line));
    let line = 0;
    while (taken.has(line)) line += 1;
    if (line >= MAX_LINES) throw new Error(`All ${MAX_LINES} lines are in use`);
    const placed = Object.assign(entry, { line });
    this.live.set(entry.call.callId, placed);
    return placed;
  }

  /** Takes a call off its line into the ended list (which keeps the last KEPT_ENDED). */
  end(callId: string): void {
    const entry = this.live.get(callId);
    if (!entry) return;
    this.live.delete(callId);
    this.ended = [{ ...entry.call }, ...this.ended].slice(0, KEPT_ENDED);
  }

  /** Live calls first, then the ended ones, as plain copies. */
  calls(): PhoneCall[] {
    return [...this.lines().map((entry) => ({ ...entry.call })), ...this.ended];
  }
}
