import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HUB_PATHS } from '../shared/hub-api.js';
import type { OrderInput } from '../shared/order.js';
import {
  PUSH_MAX_MUTATIONS,
  SYNC_PROTOCOL_VERSION,
  type PushRequest,
  type PushResponse,
} from '../shared/sync-protocol.js';
import { KbSearch } from '../server/kb/kb-search.js';
import { silentLogger } from '../server/logger.js';
import { SEED_AGENTS } from '../server/seed/agents.js';
import { seedStore } from '../server/seed/seed.js';
import { YearGenerator } from '../server/seed/year/generate.js';
import { openHubStore, type StoreTarget } from '../server/store/open-store.js';
import { withScratchDatabase } from '../server/testing/pg-databases.js';
import { benchFlags, loadAverages, runBench } from './lib/cli.js';
import { benchHub, signIn } from './lib/hub.js';
import { ms, quantile, writeResult, type Figures } from './lib/result.js';

/**
 * Sync push ingest through the hub's real route: seats signed in as the demo staff push
 * full batches (PUSH_MAX_MUTATIONS order.create mutations, as the outbox pusher sends
 * them) in turn, through app.inject, so the figure covers validation, auth, the deadline,
 * the store's transaction and the JSON answer, not the network. Order inputs are those of
 * the year generator (real texts). SQLite always (a temp file); PostgreSQL when
 * HUB_BENCH_PG_URL gives a server (e.g. `HUB_BENCH_PG_URL=$(scripts/pg/start)`), on a
 * scratch database made and dropped by the benchmark.
 */
interface Args {
  orders: number;
  runs: number;
}

function parse(): Args {
  return benchFlags({ orders: { default: 20_000, min: 1 }, runs: { default: 3, min: 1 } });
}

function orderInputs(count: number): OrderInput[] {
  const inputs: OrderInput[] = [];
  const year = new YearGenerator({ orders: count, seed: 11, now: Date.now() });
  for (const batch of year.batches()) for (const o of batch.orders) inputs.push(o.input);
  return inputs;
}

interface RunResult {
  ordersPerSecond: number;
  batchP95Ms: number;
}

async function measure(
  target: StoreTarget,
  args: Args,
  inputs: OrderInput[],
): Promise<RunResult[]> {
  const store = await openHubStore(target);
  await seedStore(store, new KbSearch(store.kb, silentLogger()), silentLogger(), {
    now: Date.now(),
  });
  const hub = await benchHub(store);
  try {
    const seats = await Promise.all(
      SEED_AGENTS.filter((a) => a.queues.length > 0).map(async (a) => ({
        seatId: `seat-${a.extension}`,
        auth: await signIn(hub.app, a.account, a.extension),
      })),
    );
    let pushes = 0;
    const push = async (part: OrderInput[]): Promise<number> => {
      const seat = seats[pushes++ % seats.length]!;
      const body: PushRequest = {
        protocol: SYNC_PROTOCOL_VERSION,
        seatId: seat.seatId,
        mutations: part.map((args) => ({
          id: randomUUID(),
          name: 'order.create',
          clientOrderId: randomUUID(),
          args,
        })),
      };
      const started = performance.now();
      const res = await hub.app.inject({
        method: 'POST',
        url: HUB_PATHS.syncPush,
        headers: seat.auth,
        payload: body,
      });
      const took = performance.now() - started;
      if (res.statusCode !== 200) throw new Error(`push: ${res.statusCode} ${res.body}`);
      const applied = res.json<PushResponse>().results.filter((r) => r.status === 'applied');
      if (applied.length !== part.length) throw new Error(`push: ${applied.length} applied`);
      return took;
    };
    const pushAll = async (orders: OrderInput[]): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < orders.length; i += PUSH_MAX_MUTATIONS) {
        times.push(await push(orders.slice(i, i + PUSH_MAX_MUTATIONS)));
      }
      return times;
    };

    await pushAll(inputs.slice(0, 10 * PUSH_MAX_MUTATIONS));
    const results: RunResult[] = [];
    for (let run = 0; run < args.runs; run++) {
      const started = performance.now();
      const times = await pushAll(inputs);
      const seconds = (performance.now() - started) / 1000;
      results.push({ ordersPerSecond: inputs.length / seconds, batchP95Ms: quantile(times, 0.95) });
    }
    return results;
  } finally {
    await hub.close();
    await store.close();
  }
}

function median(values: number[]): number {
  return quantile(values, 0.5);
}

async function main(): Promise<void> {
  const args = parse();
  const loadBefore = loadAverages();
  const inputs = orderInputs(args.orders);
  const figures: Figures = {};
  const notes: string[] = [
    `${args.runs} runs of ${args.orders} orders each after a warm-up of ` +
      `${10 * PUSH_MAX_MUTATIONS}, in pushes of ${PUSH_MAX_MUTATIONS} mutations ` +
      'through app.inject, seats taking turns; figures are medians of the runs',
  ];

  const dir = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  try {
    const sqlite = await measure({ sqlitePath: join(dir, 'hub.sqlite') }, args, inputs);
    figures.hub_ingest_orders_per_s_sqlite = Math.round(
      median(sqlite.map((r) => r.ordersPerSecond)),
    );
    figures.hub_ingest_batch_p95_ms_sqlite = ms(median(sqlite.map((r) => r.batchP95Ms)));
    notes.push(
      `sqlite runs: ${sqlite.map((r) => Math.round(r.ordersPerSecond)).join(', ')} orders/s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const pgUrl = process.env.HUB_BENCH_PG_URL;
  if (pgUrl) {
    const pg = await withScratchDatabase(pgUrl, 'hub_bench_ingest', (url) =>
      measure({ postgresUrl: url }, args, inputs),
    );
    figures.hub_ingest_orders_per_s_postgres = Math.round(median(pg.map((r) => r.ordersPerSecond)));
    figures.hub_ingest_batch_p95_ms_postgres = ms(median(pg.map((r) => r.batchP95Ms)));
    notes.push(
      `postgres runs: ${pg.map((r) => Math.round(r.ordersPerSecond)).join(', ')} orders/s`,
    );
  } else {
    notes.push('postgres not measured: HUB_BENCH_PG_URL is not set');
  }

  notes.push(`load average before ${loadBefore}, after ${loadAverages()} (1, 5, 15 min)`);
  const file = writeResult(
    'ingest',
    process.env.BENCH_COMMAND ?? 'npm run bench -- ingest',
    figures,
    notes,
  );
  console.log(`ingest: ${JSON.stringify(figures)}\ningest: wrote ${file}`);
}

runBench('ingest', main);
