/**
 * The hub's clock. Every timestamp the hub stores (queued_at, created_at, order numbers)
 * comes from here, never from a seat, so tests can drive time and seats' clocks cannot
 * skew the order of events.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
