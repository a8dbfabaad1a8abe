import { describe, expect, it } from 'vitest';
import { Prng } from '../prng.js';
import { progressLine } from './progress.js';
import { apportion, dayWeight, orderTimes, planDays } from './timeline.js';
import { HOLIDAY_WEIGHT, WEEKDAY_WEIGHTS } from './weights.js';

describe('apportion', () => {
  it('splits a total exactly, in proportion', () => {
    const parts = apportion(1000, [1, 2, 3, 4]);
    expect(parts).toEqual([100, 200, 300, 400]);
    const odd = apportion(7, [1, 1, 1]);
    expect(odd.reduce((a, b) => a + b, 0)).toBe(7);
    expect(Math.max(...odd) - Math.min(...odd)).toBeLessThanOrEqual(1);
  });
});

describe('dayWeight', () => {
  it('follows the official calendar: holidays quiet, adjusted weekends busy', () => {
    expect(dayWeight('2026-10-01')).toBe(HOLIDAY_WEIGHT); // National Day, a Thursday
    expect(dayWeight('2026-02-14')).toBe(WEEKDAY_WEIGHTS[5]); // a working Saturday
    expect(dayWeight('2026-11-29')).toBe(WEEKDAY_WEIGHTS[0]); // an ordinary Sunday
    expect(dayWeight('2026-11-30')).toBe(WEEKDAY_WEIGHTS[1]); // an ordinary Monday
  });
});

describe('planDays and orderTimes', () => {
  it('covers the days before now, each day its own orders in time order', () => {
    const now = Date.parse('2026-12-01T10:00:00+08:00');
    const days = planDays(5000, 30, now, 1);
    expect(days).toHaveLength(30);
    expect(days[0]!.date).toBe('2026-11-01');
    expect(days.at(-1)!.date).toBe('2026-11-30');
    expect(days.reduce((a, d) => a + d.orders, 0)).toBe(5000);
    const times = orderTimes(days[3]!, new Prng(1));
    expect(times).toHaveLength(days[3]!.orders);
    expect(times[0]!).toBeGreaterThanOrEqual(days[3]!.start);
    expect(times.at(-1)!).toBeLessThan(days[4]!.start);
    expect([...times]).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('progressLine', () => {
  it('gives the share done, the rate and the time left', () => {
    const line = progressLine({ orders: 1.5e6, totalOrders: 6e6, rows: 3e6, elapsedMs: 60_000 });
    expect(line).toBe('1.50M of 6.00M orders (25.0%), 3.00M rows, 50,000 rows/s, ETA 3:00');
  });
});
