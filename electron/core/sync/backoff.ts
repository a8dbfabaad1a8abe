/**
 * Exponential backoff with jitter: the n-th consecutive failure waits about
 * min(max, base * 2^n), drawn at random from the upper half of that span so that three
 * hundred seats that lost the hub together do not come back in step.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

export class Backoff {
  private failures = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** Consecutive failures since the last reset. */
  get attempts(): number {
    return this.failures;
  }

  /** Records a failure and returns how long to wait before the next try. */
  next(): number {
    const { baseMs, maxMs } = this.options;
    const span = Math.min(maxMs, baseMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    const random = this.options.random ?? Math.random;
    return Math.round(span / 2 + (random() * span) / 2);
  }

  reset(): void {
    this.failures = 0;
  }
}
