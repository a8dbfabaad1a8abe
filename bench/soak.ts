import { benchFlags, loadAverages, runBench } from './lib/cli.js';
import { runInOwnNetns } from './lib/netns.js';
import { mb, PageHeap, type HeapReading } from './lib/page-heap.js';
import { writeResult } from './lib/result.js';
import { startWebSeatRig, type CallOutcome } from './lib/web-seat-rig.js';

/**
 * The soak (issue 5): one web seat takes many short calls in a row on the real PBX, hub
 * and seat host. Each call is a SIPp citizen through the hub's queue; the agent answers by
 * clicking 接听 in the desk frame, as a user would; the caller hangs up after --hold-ms of
 * media. Wrap-up is 0, so the agent is ready again at once. No failure is allowed: SIPp's
 * exit code, the desk showing the call ringing and then active, and the agent ready again
 * are checked for every call.
 *
 * Heap: after forced GC, read at the end of the warm-up calls and at the end; growth is
 * last minus first, for the phone page (top page) and the desk frame apart (the page is
 * served cross-origin isolated so Chromium can attribute the shared isolate's heap to
 * each window; see lib/page-heap.ts), and for the isolate as a whole.
 */
const NAME = 'soak';
/** A number the hub's demo seed knows (6 orders): every fourth call pops a history. */
const SEEDED_CALLER = '13800138000';
const HEAP_LIMIT_MB = 5;

function callerOf(n: number): string {
  return n % 4 === 0 ? SEEDED_CALLER : `139${String(n).padStart(8, '0')}`;
}

interface HeapPoint extends HeapReading {
  afterCalls: number;
}

const growth = (first: number | null, last: number | null): number | null =>
  first === null || last === null ? null : mb(last - first);

async function main(): Promise<void> {
  runInOwnNetns(NAME);
  const args = benchFlags({
    calls: { default: 1000, min: 1 },
    'hold-ms': { default: 1500, min: 200 },
    warmup: { default: 20, min: 0 },
    'heap-every': { default: 100, min: 1 },
  });
  const warmup = Math.min(args.warmup, args.calls - 1);
  const loadBefore = loadAverages();
  const rig = await startWebSeatRig({ crossOriginIsolated: true });
  const outcomes: CallOutcome[] = [];
  const heap: HeapPoint[] = [];
  const started = performance.now();
  try {
    const meter = await PageHeap.attach(rig.page);
    const sample = async (afterCalls: number) => {
      const reading = await meter.read();
      heap.push({ afterCalls, ...reading });
      console.error(
        `${NAME}: after ${afterCalls} calls: isolate ${mb(reading.isolateBytes)} MB, ` +
          `phone ${reading.phoneBytes === null ? '?' : mb(reading.phoneBytes)} MB, ` +
          `desk ${reading.deskBytes === null ? '?' : mb(reading.deskBytes)} MB`,
      );
    };
    if (warmup === 0) await sample(0);
    for (let n = 1; n <= args.calls; n++) {
      const outcome = await rig.takeCall(callerOf(n), args['hold-ms']);
      outcomes.push(outcome);
      if (!outcome.ok) console.error(`${NAME}: ${outcome.failure}`);
      if (n === warmup || (n > warmup && (n - warmup) % args['heap-every'] === 0)) {
        await sample(n);
      }
      if (n % 50 === 0) {
        const failed = outcomes.filter((o) => !o.ok).length;
        console.error(`${NAME}: ${n}/${args.calls} calls, ${failed} failed`);
      }
    }
    if (heap.at(-1)?.afterCalls !== args.calls) await sample(args.calls);
    await meter.detach();
  } finally {
    await rig.close();
  }
  const seconds = (performance.now() - started) / 1000;

  const failed = outcomes.filter((o) => !o.ok);
  const first = heap[0]!;
  const last = heap.at(-1)!;
  const phoneGrowth = growth(first.phoneBytes, last.phoneBytes);
  const deskGrowth = growth(first.deskBytes, last.deskBytes);
  const isolateGrowth = mb(last.isolateBytes - first.isolateBytes);
  const rings = outcomes
    .filter((o) => o.ringingAt !== undefined && o.activeAt !== undefined)
    .map((o) => o.activeAt! - o.ringingAt!);
  const figures = {
    soak_calls: outcomes.length,
    soak_failed: failed.length,
    soak_sipp_failed: outcomes.filter((o) => o.sippExit !== 0).length,
    soak_phone_heap_growth_mb: phoneGrowth,
    soak_desk_heap_growth_mb: deskGrowth,
    soak_isolate_heap_growth_mb: isolateGrowth,
    renderer_heap_growth_mb: isolateGrowth,
    soak_heap_first_after_calls: first.afterCalls,
    soak_duration_s: Math.round(seconds * 10) / 10,
    soak_hold_ms: args['hold-ms'],
    soak_answer_click_to_active_p50_ms: rings.length
      ? Math.round(rings.sort((a, b) => a - b)[Math.floor(rings.length / 2)]!)
      : null,
    soak_heap_series: Object.fromEntries(
      heap.map((h) => [
        String(h.afterCalls),
        {
          isolate_mb: mb(h.isolateBytes),
          phone_mb: h.phoneBytes === null ? null : mb(h.phoneBytes),
          desk_mb: h.deskBytes === null ? null : mb(h.deskBytes),
          shared_mb: h.sharedBytes === null ? null : mb(h.sharedBytes),
        },
      ]),
    ),
  };
  const notes = [
    `${outcomes.length} calls in a row to one web seat (agent01 at 1001), SIPp caller through the hub's queue, ${args['hold-ms']} ms of media each, answered by a click on 接听 in the desk frame; the caller hangs up; wrap-up 0.`,
    'A call fails when SIPp exits non-zero, or the desk does not show it ringing, then active, then over with the agent ready again, each within 15 s.',
    `Heap after two forced GCs (CDP HeapProfiler.collectGarbage): first reading after ${first.afterCalls} warm-up calls, last after ${last.afterCalls}. Phone page and desk frame apart by performance.measureUserAgentSpecificMemory() (the pages are served with COOP/COEP by the browser's request routing, so the page is cross-origin isolated); the isolate as a whole by Runtime.getHeapUsage. Target: growth < ${HEAP_LIMIT_MB} MB each.`,
    `Every fourth caller is the demo seed's 13800138000 (a pop with 6 orders and KB answers), the others unknown numbers.`,
    `Load average before: ${loadBefore}; after: ${loadAverages()}.`,
    ...failed.slice(0, 10).map((o) => `failed: ${o.failure}`),
  ];
  const command = process.env.BENCH_COMMAND ?? `npm run bench -- ${NAME}`;
  console.error(`${NAME}: wrote ${writeResult(NAME, command, figures, notes)}`);
  if (failed.length > 0) throw new Error(`${failed.length} of ${outcomes.length} calls failed`);
}

runBench(NAME, main);
