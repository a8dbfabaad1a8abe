import { describe, expect, it } from 'vitest';
import { CallerPopulation, callerNumber } from '../../server/seed/year/callers.js';
import { sampleYearCallers } from './year-callers.js';

describe('sampleYearCallers', () => {
  it('draws distinct callers of the year with their order counts, the same for the same seed', () => {
    const people = CallerPopulation.draw(20_000, 1);
    const numbers = new Map<string, number>();
    for (let i = 0; i < people.size; i++) numbers.set(callerNumber(i), people.orders[i]!);

    const sample = sampleYearCallers(20_000, 1, 300);
    expect(sample).toHaveLength(300);
    expect(new Set(sample.map((c) => c.number)).size).toBe(300);
    for (const caller of sample) expect(numbers.get(caller.number)).toBe(caller.orders);
    expect(sampleYearCallers(20_000, 1, 300)).toEqual(sample);
    // The half drawn by calls leans to repeat callers: more orders than a uniform draw.
    const mean = sample.reduce((s, c) => s + c.orders, 0) / sample.length;
    expect(mean).toBeGreaterThan(20_000 / people.size);
  });

  it('refuses to draw more distinct callers than the year has', () => {
    expect(() => sampleYearCallers(10, 1, 50)).toThrow(/cannot draw 50 distinct/);
  });
});
