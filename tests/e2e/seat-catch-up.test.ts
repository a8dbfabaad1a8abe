import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleOrderInput } from '../fakes/hub-sync.js';
import { fixedKeyStore } from '../../electron/core/store/key-store.js';
import { SeatStore } from '../../electron/core/store/seat-store.js';
import { useRealHubs, type RealHub } from './support/real-hub.js';
import { eventually, startSeatKit, type SeatKit } from '../../electron/core/testing/seat-kit.js';

// Catch-up after an outage (issue 4, "Proof": 10,000 orders made offline reach the hub in
// < 5 s after it is back). The suite runs 1,000; CATCH_UP_ORDERS=10000 runs the full
// figure. The clock starts when the hub listens again: noticing it is part of the time.

const ORDERS = Number(process.env.CATCH_UP_ORDERS ?? 1000);
const key = Buffer.alloc(32, 5);
const { startRealHub } = useRealHubs();
let hub: RealHub | null = null;
let kit: SeatKit | null = null;
afterEach(async () => {
  await kit?.close();
  await hub?.close();
  kit = null;
  hub = null;
});

/** Orders saved while the hub is away, written fast (no fsync per save: only the setup). */
async function saveOffline(dir: string, n: number): Promise<void> {
  const store = new SeatStore(path.join(dir, 'seat.sqlite'), pino({ level: 'silent' }));
  store.unlock(key);
  store.database.pragma('synchronous = OFF');
  const saves: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    saves.push(store.orders.create(sampleOrderInput({ summary: `离线第${i}单：施工噪音扰民` })));
  }
  await Promise.all(saves);
  await store.close();
}

describe('catch-up after an outage', () => {
  it(`${ORDERS} orders saved offline reach the real hub within 5 s of its return`, async () => {
    hub = await startRealHub();
    kit = startSeatKit({
      hubUrl: hub.url,
      keyStore: fixedKeyStore(key),
      // The production timings: these are what is measured.
      tuning: {
        syncIntervalMs: 15_000,
        syncBackoff: { baseMs: 50, maxMs: 60_000 },
        eventsReconnect: { baseMs: 250, maxMs: 3_000 },
      },
    });
    await kit.call('session.login', {
      account: 'agent01',
      password: 'demo1234',
      extension: '1001',
    });
    await hub.stop();
    await saveOffline(kit.dir, ORDERS);
    // Let the seat find the hub gone and back off for a while, as in a real outage.
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await kit.call('sync.status', {})).pending).toBe(ORDERS);

    await hub.start();
    const back = Date.now();
    await eventually(() => {
      const last = kit?.events.findLast((e) => e.event === 'sync.status');
      return last?.event === 'sync.status' && last.payload.pending === 0;
    }, 30_000);
    const seconds = (Date.now() - back) / 1000;
    const progress = kit.events.flatMap((e) =>
      e.event === 'sync.status' && e.payload.catchUp ? [e.payload.catchUp] : [],
    );
    const since = (match: (msg: string) => boolean) => {
      const line = kit?.logs.find((l) => Number(l.time) >= back && match(String(l.msg)));
      return line ? ((Number(line.time) - back) / 1000).toFixed(2) : '-';
    };
    const pushes = kit.logs.filter(
      (l) => Number(l.time) >= back && String(l.msg).startsWith('Pushed '),
    ).length;
    console.log(
      `catch-up: ${ORDERS} orders reached the hub ${seconds.toFixed(2)} s after it was back ` +
        `(events open at ${since((m) => m.includes('stream is open'))} s, first push ` +
        `answered at ${since((m) => m.startsWith('Pushed '))} s, ${pushes} pushes)`,
    );

    expect(seconds).toBeLessThan(5);
    expect(progress[0]).toEqual({ total: ORDERS, done: 0 });
    expect(progress.at(-1)).toEqual({ total: ORDERS, done: ORDERS });
    expect((await kit.call('sync.status', {})).catchUp).toBeNull();
    const list = await kit.call('order.list', {});
    expect(list.every((o) => o.status === 'synced')).toBe(true);
  }, 120_000);
});
