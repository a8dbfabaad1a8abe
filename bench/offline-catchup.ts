import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { createSeatCore, type SeatCore } from '../electron/core/index.js';
import type { SyncStatus } from '../shared/desk-api.js';
import type { OrderInput } from '../shared/order.js';
import { SEED_PASSWORD } from '../server/seed/agents.js';
import { YearGenerator } from '../server/seed/year/generate.js';
import { freePort, HubProcess } from '../tests/fault/processes.js';
import { benchFlags, loadAverages, runBench } from './lib/cli.js';
import { quantile, writeResult } from './lib/result.js';

/**
 * Offline catch-up: one seat core (in this process, encrypted store, default sync timings)
 * signed in at a hub process; the hub is killed; the seat saves N orders with order.save
 * while it is down; the hub is started again on the same SQLite file. Measured from the
 * hub answering its health check to the hub's database holding all N (polled every
 * 20 ms, read-only), split into "noticing" (health to the first of them stored) and
 * "sending" (first to last). Median of several runs on the same hub and seat.
 */
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function orderInputs(count: number): OrderInput[] {
  const inputs: OrderInput[] = [];
  const year = new YearGenerator({ orders: count, seed: 23, now: Date.now() });
  for (const batch of year.batches()) for (const o of batch.orders) inputs.push(o.input);
  return inputs.slice(0, count);
}

async function ok<T>(core: SeatCore, method: string, params: unknown): Promise<T> {
  const res = await core.handle(method, params);
  if (!res.ok) throw new Error(`${method}: ${res.error.code}: ${res.error.message}`);
  return res.result as T;
}

interface RunResult {
  saveS: number;
  catchUpS: number;
  noticeS: number;
  sendS: number;
}

async function main(): Promise<void> {
  const args = benchFlags({ orders: { default: 10_000, min: 1 }, runs: { default: 3, min: 1 } });
  const loadBefore = loadAverages();
  const dir = mkdtempSync(join(tmpdir(), 'bench-catchup-'));
  const hubDb = join(dir, 'hub.sqlite');
  const hub = new HubProcess({
    port: await freePort(),
    env: { HUB_DB: hubDb },
    logFile: join(dir, 'hub.log'),
  });
  const core = createSeatCore({
    dataDir: join(dir, 'seat'),
    hubUrl: hub.url,
    logger: pino({ level: 'error' }),
    dataKey: createHash('sha256').update('bench-catchup').digest(),
  });
  const inputs = orderInputs(args.orders);
  const runs: RunResult[] = [];
  try {
    await hub.start();
    await ok(core, 'session.login', {
      account: 'agent01',
      password: SEED_PASSWORD,
      extension: '1001',
    });
    const hubOrders = (): number => {
      const db = new Database(hubDb, { readonly: true });
      try {
        const row = db
          .prepare('SELECT COUNT(*) AS n FROM orders WHERE seat_id = ?')
          .get(core.seatId) as { n: number };
        return row.n;
      } finally {
        db.close();
      }
    };

    for (let run = 0; run < args.runs; run++) {
      const before = hubOrders();
      await hub.kill();
      const saving = performance.now();
      for (const order of inputs) await ok(core, 'order.save', { order });
      const saveS = (performance.now() - saving) / 1000;
      const status = await ok<SyncStatus>(core, 'sync.status', {});
      if (status.pending < inputs.length) {
        throw new Error(`only ${status.pending} of ${inputs.length} orders wait in the outbox`);
      }

      await hub.start();
      const back = performance.now();
      let first: number | null = null;
      for (;;) {
        const held = hubOrders() - before;
        const now = performance.now();
        if (held > 0 && first === null) first = now;
        if (held >= inputs.length) {
          const catchUpS = (now - back) / 1000;
          runs.push({
            saveS,
            catchUpS,
            noticeS: (first! - back) / 1000,
            sendS: (now - first!) / 1000,
          });
          break;
        }
        if (now - back > 300_000)
          throw new Error(`the hub holds ${held} of ${inputs.length} after 300 s`);
        await sleep(20);
      }
      const r = runs[runs.length - 1]!;
      console.error(
        `offline-catchup: run ${run + 1}: saved ${inputs.length} offline in ${r.saveS.toFixed(1)} s; ` +
          `hub holds them ${r.catchUpS.toFixed(2)} s after its health answered ` +
          `(noticing ${r.noticeS.toFixed(2)} s, sending ${r.sendS.toFixed(2)} s)`,
      );
      // Let the last pull settle before the next run kills the hub.
      while ((await ok<SyncStatus>(core, 'sync.now', {})).pending > 0) await sleep(50);
    }
  } finally {
    await core.close();
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const median = (pick: (r: RunResult) => number): number =>
    Math.round(quantile(runs.map(pick), 0.5) * 100) / 100;
  const figures = {
    offline_catchup_10k_s: median((r) => r.catchUpS),
    offline_catchup_notice_s: median((r) => r.noticeS),
    offline_catchup_send_s: median((r) => r.sendS),
    offline_catchup_orders_per_s: Math.round(args.orders / median((r) => r.sendS)),
    offline_save_orders_per_s: Math.round(args.orders / median((r) => r.saveS)),
    offline_catchup_orders: args.orders,
  };
  const notes = [
    `${args.runs} runs of ${args.orders} orders saved with order.save while the hub process ` +
      'was killed, on one seat core with its default sync and reconnect timings and an ' +
      'encrypted store; the hub (a process, SQLite) restarted on the same file',
    "catch-up: from the hub answering health to COUNT(*) of the seat's orders in the hub " +
      'file reaching N (polled every 20 ms; health polled every 50 ms, so a catch-up may start up to 50 ms before the clock does); notice: to the first of them; send: first to last',
    `runs (catch-up s): ${runs.map((r) => r.catchUpS.toFixed(2)).join(', ')}`,
    `load average before ${loadBefore}, after ${loadAverages()} (1, 5, 15 min)`,
  ];
  if (args.orders !== 10_000)
    notes.push(`offline_catchup_10k_s measured with ${args.orders} orders`);
  const file = writeResult(
    'offline-catchup',
    process.env.BENCH_COMMAND ?? 'npm run bench -- offline-catchup',
    figures,
    notes,
  );
  console.log(`offline-catchup: ${JSON.stringify(figures)}\noffline-catchup: wrote ${file}`);
}

runBench('offline-catchup', main);
