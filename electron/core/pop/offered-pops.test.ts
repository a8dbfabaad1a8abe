import { describe, expect, it } from 'vitest';
import { OfferedPops } from './offered-pops.js';

function rig(ttlMs = 1000, max = 3) {
  let now = 10_000;
  let fetches = 0;
  const pops = new OfferedPops<string>({ ttlMs, max, now: () => now });
  const put = (callId: string, number: string) =>
    pops.put(callId, number, () => Promise.resolve(`${number}#${++fetches}`));
  return { pops, put, tick: (ms: number) => (now += ms), fetches: () => fetches };
}

describe('OfferedPops', () => {
  it('gives a call its own part, for the number it was fetched for only', async () => {
    const { pops, put } = rig();
    void put('c-1', '13800138000');
    void put('c-2', '13900139000');

    expect(await pops.take('c-1', '13800138000')).toBe('13800138000#1');
    expect(await pops.take('c-2', '13900139000')).toBe('13900139000#2');
    // Another call of the same citizen is not served the first call's part.
    expect(pops.take('c-3', '13800138000')).toBeNull();
    // The desk sees another caller on c-1: the part is dropped, not shown.
    expect(pops.take('c-1', '13700137000')).toBeNull();
    expect(pops.take('c-1', '13800138000')).toBeNull();
  });

  it('lets a part expire after its ttl', async () => {
    const { pops, put, tick } = rig(1000);
    void put('c-1', '13800138000');
    tick(999);
    expect(await pops.take('c-1', '13800138000')).toBe('13800138000#1');
    tick(1);
    expect(pops.take('c-1', '13800138000')).toBeNull();
    expect(pops.calls()).toEqual([]);
  });

  it('forgets a call that went elsewhere, but not a newer part of it', () => {
    const { pops, put } = rig();
    const first = put('c-1', '13800138000');
    expect(pops.forget('c-1')).toBe(true);
    expect(pops.take('c-1', '13800138000')).toBeNull();

    const second = put('c-1', '13800138000');
    void put('c-1', '13800138000');
    // A late failure of an older fetch does not drop the part that replaced it.
    expect(pops.forget('c-1', first)).toBe(false);
    expect(pops.forget('c-1', second)).toBe(false);
    expect(pops.calls()).toEqual(['c-1']);
  });

  it('keeps at most `max` calls, dropping the oldest', () => {
    const { pops, put } = rig(1000, 2);
    void put('c-1', '1');
    void put('c-2', '2');
    void put('c-3', '3');
    expect(pops.calls()).toEqual(['c-2', 'c-3']);
  });
});
