import { afterEach, describe, expect, it } from 'vitest';
import { markPop, POP_MARKS_KEPT } from './pop-marks';

const popMarks = () =>
  performance
    .getEntriesByType('mark')
    .map((m) => m.name)
    .filter((n) => n.startsWith('pop:'));

afterEach(() => performance.clearMarks());

describe('pop marks', () => {
  it('marks a stage of a call, at a given time when asked', () => {
    const at = performance.now() - 5;
    markPop('received', 'c-1', at);
    markPop('parsed', 'c-1');
    const [received] = performance.getEntriesByName('pop:received c-1');
    expect(received?.startTime).toBe(at);
    expect(popMarks()).toEqual(['pop:received c-1', 'pop:parsed c-1']);
  });

  it('keeps only the newest marks in the timeline', () => {
    for (let i = 0; i < POP_MARKS_KEPT + 10; i++) markPop('stored', `c-${i}`);
    const names = popMarks();
    expect(names).toHaveLength(POP_MARKS_KEPT);
    expect(names[0]).toBe('pop:stored c-10');
  });

  it('does not throw when the timeline refuses a mark', () => {
    // A start time before the time origin is refused by the User Timing API.
    expect(() => markPop('committed', 'c-x', -1)).not.toThrow();
  });
});
