import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PushRequestSchema } from '../../../shared/sync-protocol.js';
import { sampleOrderInput } from '../../../tests/fakes/hub-sync.js';
import type { OutboxEntry } from '../store/order-store.js';
import { Backoff } from './backoff.js';
import { buildPushBatch } from './push-batch.js';

function entries(n: number, summary = '噪音扰民'): OutboxEntry[] {
  return Array.from({ length: n }, (_, i): OutboxEntry => ({
    seq: i + 1,
    mutationId: randomUUID(),
    name: 'order.create',
    orderId: randomUUID(),
    orderNo: null,
    agentId: null,
    args: sampleOrderInput({ summary: `${summary}${i}` }),
    createdAt: new Date().toISOString(),
  }));
}

describe('buildPushBatch', () => {
  it('takes entries in order up to the count cap, as a valid push request', () => {
    const head = entries(10);
    const batch = buildPushBatch(head, 'seat-1', 4, 1_000_000);

    expect(batch.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    const request = PushRequestSchema.parse(JSON.parse(batch.body));
    expect(request.mutations.map((m) => m.id)).toEqual(head.slice(0, 4).map((e) => e.mutationId));
    expect(batch.bytes).toBe(Buffer.byteLength(batch.body));
  });

  it('stops before the byte cap, counting UTF-8 bytes', () => {
    const head = entries(50, '字'.repeat(1000));
    const batch = buildPushBatch(head, 'seat-1', 200, 20_000);

    expect(batch.bytes).toBeLessThanOrEqual(20_000);
    expect(batch.entries.length).toBeGreaterThan(1);
    const withOneMore = buildPushBatch(head, 'seat-1', batch.entries.length + 1, 1e9);
    expect(withOneMore.bytes).toBeGreaterThan(20_000);
  });

  it('always takes the first entry, even alone over the cap', () => {
    const batch = buildPushBatch(entries(3, '字'.repeat(3000)), 'seat-1', 200, 100);
    expect(batch.entries).toHaveLength(1);
  });
});

describe('Backoff', () => {
  it('doubles from the base up to the cap, jittered in the upper half, and resets', () => {
    const low = new Backoff({ baseMs: 50, maxMs: 60_000, random: () => 0 });
    const high = new Backoff({ baseMs: 50, maxMs: 60_000, random: () => 1 });
    const lows = Array.from({ length: 14 }, () => low.next());
    const highs = Array.from({ length: 14 }, () => high.next());

    expect(highs.slice(0, 5)).toEqual([50, 100, 200, 400, 800]);
    expect(lows.slice(0, 3)).toEqual([25, 50, 100]);
    expect(highs.at(-1)).toBe(60_000);
    expect(lows.at(-1)).toBe(30_000);
    low.reset();
    expect(low.next()).toBe(25);
  });
});
