import type { CDPSession, Page } from 'playwright-core';

/**
 * A Chromium performance trace of a few pops, to see what the page's one renderer thread
 * does between the hub's offer and the paint. The desk is a same-origin frame of the phone
 * engine's page, so both run on that thread (CrRendererMain): a pop waits for whatever
 * the engine does with the INVITE meanwhile, and the trace shows which.
 *
 * Trace timestamps are the browser's monotonic clock in µs; the pop watcher leaves a user
 * timing mark `bench-clock:<epoch ms>` (pop-watch.ts), which maps them onto epoch ms.
 */
export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
}

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'blink.user_timing',
  'v8.execute',
  'toplevel',
].join(',');

export interface PopTrace {
  stop(): Promise<TraceEvent[]>;
}

export async function startPopTrace(page: Page): Promise<PopTrace> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Tracing.start', {
    categories: CATEGORIES,
    transferMode: 'ReturnAsStream',
  });
  return {
    async stop() {
      const done = new Promise<string>((resolve) =>
        cdp.once('Tracing.tracingComplete', (e) => resolve(e.stream ?? '')),
      );
      await cdp.send('Tracing.end');
      const stream = await done;
      let text = '';
      for (;;) {
        const chunk = await cdp.send('IO.read', { handle: stream, size: 1 << 20 });
        text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
        if (chunk.eof) break;
      }
      await cdp.send('IO.close', { handle: stream });
      await cdp.detach();
      const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
      return Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
    },
  };
}

/** One stretch of the renderer thread's work inside a pop's window, in epoch ms. */
export interface ThreadTask {
  at: number;
  ms: number;
  /** What ran inside the task, longest first: `FunctionCall <fn> <script>`, `Layout`, ... */
  what: string[];
}

/**
 * The renderer main thread's tasks that overlap [from, to] (epoch ms), each with the
 * slices nested in it that took the most time. `null` when the trace has no clock mark.
 */
export function threadTasks(events: readonly TraceEvent[], from: number, to: number) {
  const clock = events.find((e) => e.name.startsWith('bench-clock:'));
  if (!clock) return null;
  const offsetMs = Number(clock.name.slice('bench-clock:'.length)) - clock.ts / 1000;
  const main = events.find(
    (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
  );
  const onMain = events.filter(
    (e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X',
  );
  const epoch = (ts: number) => ts / 1000 + offsetMs;
  const tasks: ThreadTask[] = [];
  for (const task of onMain) {
    if (task.name !== 'RunTask' && task.name !== 'ThreadControllerImpl::RunTask') continue;
    const at = epoch(task.ts);
    const ms = (task.dur ?? 0) / 1000;
    if (at + ms < from || at > to || ms < 0.3) continue;
    const end = task.ts + (task.dur ?? 0);
    const inner = onMain
      .filter((e) => e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end)
      .filter((e) => (e.dur ?? 0) >= 300)
      .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
      .slice(0, 6)
      .map((e) => `${label(e)} ${((e.dur ?? 0) / 1000).toFixed(1)}`);
    tasks.push({ at, ms, what: inner });
  }
  return tasks.sort((a, b) => a.at - b.at);
}

function label(e: TraceEvent): string {
  const data = (e.args?.data ?? {}) as Record<string, unknown>;
  if (e.name === 'FunctionCall') {
    const url = String(data.url ?? '')
      .split('/')
      .pop();
    return `FunctionCall ${String(data.functionName ?? '')}@${url}:${String(data.lineNumber ?? '')}`;
  }
  if (e.name === 'EventDispatch') return `EventDispatch ${String(data.type ?? '')}`;
  if (e.name === 'TimerFire' || e.name === 'FireAnimationFrame') return e.name;
  return e.name;
}
