import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import {
  HANDOVERS_KEPT,
  HANDOVER_TTL_MS,
  HandoverBook,
  type NewHandover,
} from './handover-book.js';

const FROM = { id: 'ag-001', name: '陈晓敏', extension: '1001' };
const entry = (over: Partial<NewHandover> = {}): NewHandover => ({
  callId: 'c-1',
  callerNumber: '13800138000',
  target: '1002',
  fromAgent: FROM,
  draft: null,
  notes: '',
  ...over,
});
const agent02 = { extension: '1002', queues: ['general'] };

describe('HandoverBook', () => {
  it('finds a withheld caller’s handover by its call only', () => {
    const book = new HandoverBook(new ManualClock(0));
    book.add(entry({ callerNumber: 'anonymous' }));
    expect(book.find({ callId: 'c-1' }, agent02)?.callerNumber).toBe('anonymous');
    expect(book.find({ caller: 'anonymous' }, agent02)).toBeNull();
  });

  it('reaches a queue through its line, not through the main number of another queue', () => {
    const book = new HandoverBook(new ManualClock(0));
    book.add(entry({ target: '12345' }));
    book.add(entry({ callId: 'c-2', target: '123452' }));
    expect(book.find({ callId: 'c-1' }, agent02)?.target).toBe('12345');
    expect(book.find({ callId: 'c-2' }, agent02)).toBeNull();
    expect(
      book.find({ callId: 'c-2' }, { extension: '1103', queues: ['sign-language'] }),
    ).not.toBeNull();
  });

  it('keeps at most HANDOVERS_KEPT, dropping the oldest, and none past the TTL', () => {
    const clock = new ManualClock(0);
    const book = new HandoverBook(clock);
    for (let i = 0; i <= HANDOVERS_KEPT; i += 1) book.add(entry({ callId: `c-${i}` }));
    expect(book.size).toBe(HANDOVERS_KEPT);
    expect(book.find({ callId: 'c-0' }, agent02)).toBeNull();
    expect(book.find({ callId: `c-${HANDOVERS_KEPT}` }, agent02)).not.toBeNull();
    clock.advance(HANDOVER_TTL_MS);
    expect(book.size).toBe(0);
  });
});
