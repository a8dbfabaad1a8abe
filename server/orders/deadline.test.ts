import { describe, expect, it } from 'vitest';
import { orderDeadline } from './deadline.js';
import { formatOrderNo, orderDay } from './order-number.js';

describe('orderDeadline', () => {
  it('counts working days and skips the National Day holiday', () => {
    // 2026-09-30 10:00 China time; 2 working days later is 2026-10-09 (Oct 1-8 off).
    const created = Date.parse('2026-09-30T02:00:00Z');
    expect(orderDeadline('consultation', created)).toBe('2026-10-09T15:59:59.999Z');
  });

  it('gives 5 working days for a complaint across a weekend', () => {
    // Thursday 2026-12-03: five working days later is Thursday 2026-12-10.
    const created = Date.parse('2026-12-03T01:00:00Z');
    expect(orderDeadline('complaint', created)).toBe('2026-12-10T15:59:59.999Z');
  });

  it('refuses to guess when the calendar does not cover the span', () => {
    expect(orderDeadline('complaint', Date.parse('2026-12-29T01:00:00Z'))).toBeNull();
    expect(orderDeadline('help', Date.parse('2027-03-01T01:00:00Z'))).toBeNull();
  });

  it('gives praise no deadline', () => {
    expect(orderDeadline('praise', Date.parse('2026-06-01T01:00:00Z'))).toBeNull();
  });
});

describe('order numbers', () => {
  it('use the China-time date of the hub clock', () => {
    // 2026-12-03 17:30 UTC is already 2026-12-04 in Dongguan.
    expect(orderDay(Date.parse('2026-12-03T17:30:00Z'))).toBe('20261204');
    expect(formatOrderNo('20261204', 42)).toBe('DG20261204000042');
  });
});
