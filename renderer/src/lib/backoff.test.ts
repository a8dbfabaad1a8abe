import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles up to the cap and starts again after a reset', () => {
    const backoff = new Backoff(100, 1000);
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.next())).toEqual([100, 200, 400, 800, 1000, 1000]);

    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it('never overflows after many failures', () => {
    const backoff = new Backoff(50, 60_000);
    for (let i = 0; i < 500; i += 1) backoff.next();
    expect(backoff.next()).toBe(60_000);
  });
});
