import type { KbSearch } from '../../kb/kb-search.js';
import { loadKbFile } from '../../kb/kb-file.js';
import type { HubStore } from '../../store/repository.js';
import { publishKb, seedStaff } from '../seed.js';
import { YearGenerator, type YearOptions } from './generate.js';
import type { SeedProgress } from './progress.js';

/** What a year seed wrote, for the command's summary and the benchmarks. */
export interface YearSeedReport {
  orders: number;
  calls: number;
  abandonedCalls: number;
  callers: number;
  /** Share of caller numbers with exactly one order. */
  oneTimeCallerShare: number;
  topCallerOrders: number;
  /** Share of orders per territory code. */
  territoryShares: Record<string, number>;
  elapsedMs: number;
  /** Part of elapsedMs spent building indexes after the rows (bulk load); 0 without one. */
  indexMs: number;
  /** CPU time of the process meanwhile (user + system): the cost on an idle machine. */
  cpuMs: number;
}

/**
 * Fills an empty store with a generated year (YearGenerator) through the store's bulk
 * imports, batch by batch in time order and in the store's bulk-load mode when it has one,
 * then the KB and the demo staff, so the file is a hub one can sign in to. Refuses a store that already has orders.
 */
export async function seedYear(
  store: HubStore,
  kb: KbSearch,
  options: YearOptions,
  onProgress: (p: SeedProgress) => void = () => {},
): Promise<YearSeedReport> {
  if ((await store.orders.count()) > 0 || !(await store.isEmpty())) {
    throw new Error('the store already has data; a year seed needs an empty one');
  }
  const started = performance.now();
  const cpu = process.cpuUsage();
  const generator = new YearGenerator({ batchSize: 20_000, ...options });
  const territoryOrders = new Map<string, number>();
  let orders = 0;
  let calls = 0;
  let abandonedCalls = 0;

  const load = async (): Promise<void> => {
    for (const batch of generator.batches()) {
      await store.orders.importOrders(batch.orders);
      await store.calls.importCalls(batch.calls);
      orders += batch.orders.length;
      calls += batch.calls.length;
      for (const call of batch.calls) if (call.outcome === 'abandoned') abandonedCalls++;
      for (const order of batch.orders) {
        const code = order.input.territory;
        territoryOrders.set(code, (territoryOrders.get(code) ?? 0) + 1);
      }
      onProgress({
        orders,
        totalOrders: options.orders,
        rows: orders + calls,
        elapsedMs: performance.now() - started,
      });
    }
  };
  // A fresh store loads faster in the backend's bulk mode (indexes built after the rows).
  let indexMs = 0;
  if (store.bulkLoad) indexMs = (await store.bulkLoad(load)).indexMs;
  else await load();

  await publishKb(store, kb, await loadKbFile(), options.now);
  // Agents last: a store without them counts as empty (see seedStore).
  await seedStaff(store);

  const people = generator.people;
  let oneTime = 0;
  let top = 0;
  for (let i = 0; i < people.size; i++) {
    const k = people.orders[i]!;
    if (k === 1) oneTime++;
    if (k > top) top = k;
  }
  return {
    orders,
    calls,
    abandonedCalls,
    callers: people.size,
    oneTimeCallerShare: oneTime / people.size,
    topCallerOrders: top,
    territoryShares: Object.fromEntries(
      [...territoryOrders].sort((a, b) => b[1] - a[1]).map(([code, n]) => [code, n / orders]),
    ),
    elapsedMs: performance.now() - started,
    indexMs,
    cpuMs: cpuMs(process.cpuUsage(cpu)),
  };
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}
