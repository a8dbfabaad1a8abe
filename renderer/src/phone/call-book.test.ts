import { describe, expect, it } from 'vitest';
import { CallBook, KEPT_ENDED } from './call-book';
import type { PhoneCall } from './phone-types';

const call = (callId: string) => ({ call: { callId, phase: 'active' } as PhoneCall });

describe('CallBook', () => {
  it('puts calls on the lowest free line and refuses a third', () => {
    const book = new CallBook<{ call: PhoneCall }>();
    expect(book.add(call('a')).line).toBe(0);
    expect(book.add(call('b')).line).toBe(1);
    expect(() => book.add(call('c'))).toThrow(/All 2 lines/);
    book.end('a');
    expect(book.add(call('c')).line).toBe(0);
  });

  it('lists live calls first, then the last ended ones, newest first', () => {
    const book = new CallBook<{ call: PhoneCall }>();
    for (let i = 0; i < KEPT_ENDED + 2; i += 1) {
      book.add(call(`old${i}`));
      book.end(`old${i}`);
    }
    book.add(call('live'));
    const ids = book.calls().map((c) => c.callId);
    expect(ids).toEqual(['live', 'old6', 'old5', 'old4', 'old3', 'old2']);
  });
});
