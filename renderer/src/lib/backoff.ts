/**
 * Delays for a retry loop: doubling from `minMs` up to `maxMs`, back to `minMs` after a
 * success.
 *
 *   ok ──fail──▶ wait min ──fail──▶ wait 2·min ──fail──▶ … wait max (stays)
 *    ▲                │                  │                    │
 *    └──────success───┴──────────────────┴────────────────────┘  reset()
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {}

  /** The delay before the next try; each call doubles the one after it. */
  next(): number {
    const delay = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}
