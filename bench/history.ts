import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { HUB_PATHS } from '../shared/hub-api.js';
import { KbSearch } from '../server/kb/kb-search.js';
import { silentLogger } from '../server/logger.js';
import { SEED_AGENTS } from '../server/seed/agents.js';
import { Prng } from '../server/seed/prng.js';
import { CallerPopulation, callerNumber } from '../server/seed/year/callers.js';
import { progressPrinter } from '../server/seed/year/progress.js';
import { seedYear, type YearSeedReport } from '../server/seed/year/seed-year.js';
import { WeightedTable } from '../server/seed/year/weighted.js';
import { openHubStore } from '../server/store/open-store.js';
import type { HubStore } from '../server/store/repository.js';
import { benchFlags, loadAverages, runBench } from './lib/cli.js';
import { benchHub, signIn } from './lib/hub.js';
import { ms, quantile, writeResult, type Figures } from './lib/result.js';

/**
 * Caller history at the centre's scale: a generated year (6M orders by default) in an
 * SQLite hub, and the lookup the pop makes when a call rings, the way the hub's route
 * answers it: the newest page of the number's orders with their total, and its past
 * calls. Numbers are sampled from the year's own callers: half uniformly by number (most
 * call once), half in proportion to their calls (the frequent callers the hotline
 * really hears), plus the heaviest few.
 *
 * The generated file is kept under .run/bench/, named by size and seed, and reused while
 * it is complete; bump YEAR_FORMAT when the generator changes what it writes.
 */
const YEAR_FORMAT = 1;
/** The year ends the day before this instant, so a cached file stays the same year. */
const YEAR_NOW = Date.parse('2026-12-01T00:00:00+08:00');
const CACHE_DIR = join(process.cwd(), '.run', 'bench');
const PAGE = { limit: 20, offset: 0 };
const HEAVIEST = 20;

interface Args {
  orders: number;
  seed: number;
  lookups: number;
  runs: number;
  http: boolean;
}

function parse(): Args {
  const { 'no-http': noHttp, ...counts } = benchFlags(
    {
      orders: { default: 6_000_000, min: 1 },
      seed: { default: 1, min: 0 },
      lookups: { default: 4000, min: 2 },
      runs: { default: 5, min: 1 },
    },
    ['no-http'],
  );
  return { ...counts, http: !noHttp };
}

interface CachedYear {
  store: HubStore;
  path: string;
  report: YearSeedReport;
  reused: boolean;
}

/** Opens the cached year when it is complete, else generates it afresh. */
async function year(args: Args): Promise<CachedYear> {
  const path = join(CACHE_DIR, `history-v${YEAR_FORMAT}-${args.orders}-s${args.seed}.sqlite`);
  const reportPath = `${path}.report.json`;
  if (existsSync(path) && existsSync(reportPath)) {
    const store = await openHubStore({ sqlitePath: path });
    if (!(await store.isEmpty()) && (await store.orders.count()) === args.orders) {
      const report = JSON.parse(readFileSync(reportPath, 'utf8')) as YearSeedReport;
      return { store, path, report, reused: true };
    }
    await store.close();
  }
  for (const suffix of ['', '-wal', '-shm', '.report.json']) rmSync(path + suffix, { force: true });
  console.error(`history: generating ${args.orders} orders into ${path}`);
  const store = await openHubStore({ sqlitePath: path });
  const printer = progressPrinter();
  const options = { orders: args.orders, seed: args.seed, now: YEAR_NOW };
  const report = await seedYear(store, new KbSearch(store.kb, silentLogger()), options, (p) =>
    printer.update(p),
  );
  writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
  return { store, path, report, reused: false };
}

interface Sample {
  key: string;
  orders: number;
}

/** The numbers to look up: see the file comment. */
function sampleNumbers(args: Args): Sample[] {
  const people = CallerPopulation.draw(args.orders, args.seed);
  const rng = new Prng(args.seed + 99);
  const byCalls = new WeightedTable(Array.from(people.orders));
  const picks: number[] = [];
  const half = Math.floor(args.lookups / 2);
  for (let i = 0; i < half; i++) picks.push(Math.floor(rng.next() * people.size));
  for (let i = half; i < args.lookups - HEAVIEST; i++) picks.push(byCalls.draw(rng));
  const heaviest = Array.from(people.orders.keys())
    .sort((a, b) => people.orders[b]! - people.orders[a]!)
    .slice(0, Math.min(HEAVIEST, args.lookups - picks.length));
  picks.push(...heaviest);
  return picks.map((i) => ({ key: callerNumber(i), orders: people.orders[i]! }));
}

/** One pop lookup as the route makes it; answers its time in ms and the orders total. */
async function lookup(store: HubStore, key: string): Promise<{ ms: number; total: number }> {
  const started = performance.now();
  const [orders] = await Promise.all([
    store.orders.byCaller(key, PAGE),
    store.calls.byCaller(key, PAGE),
  ]);
  return { ms: performance.now() - started, total: orders.total };
}

function shuffled<T>(items: readonly T[], rng: Prng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const k = Math.floor(rng.next() * (i + 1));
    [out[i], out[k]] = [out[k]!, out[i]!];
  }
  return out;
}

/** A mobile as a caller might present it: "+86 138-0013-8000". */
function presented(key: string): string {
  return key.length === 11 ? `+86 ${key.slice(0, 3)}-${key.slice(3, 7)}-${key.slice(7)}` : key;
}

async function main(): Promise<void> {
  const args = parse();
  const loadBefore = loadAverages();
  const { store, path, report, reused } = await year(args);
  const samples = sampleNumbers(args);
  const rng = new Prng(args.seed + 7);

  // Warm: every sampled number once, and a check that the store holds what was generated.
  for (const s of samples) {
    const { total } = await lookup(store, s.key);
    if (total !== s.orders) throw new Error(`${s.key}: ${total} orders stored, ${s.orders} made`);
  }

  const all: number[] = [];
  const runP95: number[] = [];
  const oneTime: number[] = [];
  const frequent: number[] = [];
  for (let run = 0; run < args.runs; run++) {
    const times: number[] = [];
    for (const s of shuffled(samples, rng)) {
      const t = (await lookup(store, s.key)).ms;
      times.push(t);
      if (s.orders === 1) oneTime.push(t);
      if (s.orders >= 20) frequent.push(t);
    }
    runP95.push(quantile(times, 0.95));
    all.push(...times);
  }

  const figures: Figures = {
    history_lookup_p50_ms: ms(quantile(all, 0.5)),
    history_lookup_p95_ms: ms(quantile(all, 0.95)),
    history_lookup_p99_ms: ms(quantile(all, 0.99)),
    history_lookup_max_ms: ms(Math.max(...all)),
    history_lookup_one_time_p95_ms: ms(quantile(oneTime, 0.95)),
    history_lookup_frequent_p95_ms: ms(quantile(frequent, 0.95)),
    history_orders: await store.orders.count(),
    history_calls: report.calls,
    history_callers: report.callers,
    history_one_time_caller_share: Math.round(report.oneTimeCallerShare * 1000) / 1000,
    history_top_caller_orders: report.topCallerOrders,
    history_lookups: all.length,
    history_generate_s: Math.round(report.elapsedMs / 100) / 10,
    history_generate_cpu_s: Math.round(report.cpuMs / 100) / 10,
    history_file_mib: Math.round(statSync(path).size / 2 ** 20),
  };

  if (args.http) {
    const hub = await benchHub(store);
    const agent = SEED_AGENTS.find((a) => a.role === 'agent')!;
    const auth = await signIn(hub.app, agent.account, agent.extension);
    const httpTimes: number[] = [];
    const httpSamples = samples.slice(0, Math.min(samples.length, 1000));
    for (const s of httpSamples) {
      await hub.app.inject({ method: 'GET', url: HUB_PATHS.callerHistory(s.key), headers: auth });
    }
    for (const s of shuffled(httpSamples, rng)) {
      const started = performance.now();
      const res = await hub.app.inject({
        method: 'GET',
        url: HUB_PATHS.callerHistory(presented(s.key)),
        headers: auth,
      });
      httpTimes.push(performance.now() - started);
      if (res.statusCode !== 200)
        throw new Error(`history of ${s.key}: ${res.statusCode} ${res.body}`);
    }
    figures.history_http_p50_ms = ms(quantile(httpTimes, 0.5));
    figures.history_http_p95_ms = ms(quantile(httpTimes, 0.95));
    await hub.close();
  }
  await store.close();

  const file = writeResult(
    'history',
    process.env.BENCH_COMMAND ?? `npm run bench -- history --orders ${args.orders}`,
    figures,
    [
      `SQLite file ${relative(process.cwd(), path)} (${reused ? 'reused from an earlier run' : 'generated in this run'}), ` +
        `seed ${args.seed}, year ending ${new Date(YEAR_NOW).toISOString()}`,
      `lookup = orders.byCaller (page of ${PAGE.limit}, newest first, with total) and ` +
        `calls.byCaller, concurrently, as GET ${HUB_PATHS.callerHistory('N').replace('N', ':number')} does`,
      `${samples.length} numbers: half uniform over callers, half weighted by their calls, ` +
        `plus the ${HEAVIEST} heaviest; one warm-up pass, then ${args.runs} shuffled runs; ` +
        `per-run p95: ${runP95.map((v) => ms(v)).join(', ')} ms`,
      'history_http_*: the same route through app.inject with a signed-in agent (auth, role ' +
        'check, validation, audit entry, JSON) over the first 1000 numbers, +86 formatted',
      'history_generate_s is wall time and depends on what else runs; ' +
        'history_generate_cpu_s is the CPU time the generation took',
      `load average before ${loadBefore}, after ${loadAverages()} (1, 5, 15 min; 2 cores)`,
      `territory shares: ${Object.entries(report.territoryShares)
        .map(([code, share]) => `${code} ${(share * 100).toFixed(1)}%`)
        .join(', ')}`,
    ],
  );
  console.log(`history: ${JSON.stringify(figures)}\nhistory: wrote ${file}`);
}

runBench('history', main);
