import type { Frame } from 'playwright-core';

/**
 * When the desk had each call's pop complete: history rows, the queue wait and KB answers
 * on screen. A MutationObserver in the desk frame notes the DOM commit that completed it
 * (`readyAt`) and the end of the next frame after it (`paintedAt`: a requestAnimationFrame
 * callback, then a task, which runs once that frame is painted). Times are epoch ms on the
 * page's clock (performance.timeOrigin + performance.now()).
 *
 * The paint is the watcher's own: it reads the same data-testid attributes the end-to-end
 * tests read. The desk's User Timing marks of the offer's way in (renderer/src/bridge/
 * pop-marks.ts: received off the socket, parsed, stored, committed by React) are
 * collected by a PerformanceObserver as they are made, into `marks`.
 */
export interface PopTimes {
  /** The pop of this call first appeared (painted from the hub's offer, still loading). */
  openedAt: number;
  readyAt?: number;
  paintedAt?: number;
  orders?: number;
  kbHits?: number;
  waitMs?: number;
  /** The desk's marks of the call's pop (the first of each stage), epoch ms. */
  marks?: Partial<Record<PopMarkStage, number>>;
}

/** The stages the desk marks, in order (renderer/src/bridge/pop-marks.ts). */
export const POP_MARK_STAGES = ['received', 'parsed', 'stored', 'committed'] as const;
export type PopMarkStage = (typeof POP_MARK_STAGES)[number];

declare global {
  interface Window {
    __benchPops?: Record<string, PopTimes>;
    __benchPopMarks?: Record<string, Partial<Record<PopMarkStage, number>>>;
  }
}

/**
 * The watcher, as source text: a function passed to evaluate() would be compiled by tsx
 * with esbuild's name helpers, which do not exist in the page.
 */
const WATCH_SCRIPT = `(() => {
  const pops = {};
  window.__benchPops = pops;
  const now = () => performance.timeOrigin + performance.now();
  const check = () => {
    const pop = document.querySelector('[data-testid="pop"]');
    const callId = pop && pop.dataset.callId;
    if (!pop || !callId) return;
    const times = pops[callId] || (pops[callId] = { openedAt: now() });
    if (times.readyAt !== undefined || pop.dataset.state !== 'ready') return;
    const orders = pop.querySelectorAll('[data-testid="pop-order"]').length;
    const kbHits = document.querySelectorAll('[data-testid="kb-hit"]').length;
    const waitEl = pop.querySelector('[data-testid="pop-wait"]');
    const wait = waitEl && waitEl.getAttribute('data-wait-ms');
    if (orders === 0 || kbHits === 0 || wait === null) return;
    Object.assign(times, { readyAt: now(), orders, kbHits, waitMs: Number(wait) });
    performance.mark('pop-ready ' + callId);
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        times.paintedAt = now();
        channel.port1.close();
      };
      channel.port2.postMessage(null);
    });
  };
  new MutationObserver(check).observe(document.body, {
    subtree: true, childList: true, attributes: true, characterData: true,
  });
  const marks = {};
  window.__benchPopMarks = marks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const m = /^pop:(\\w+) (.+)$/.exec(entry.name);
      if (!m) continue;
      const of = marks[m[2]] || (marks[m[2]] = {});
      if (of[m[1]] === undefined) of[m[1]] = performance.timeOrigin + entry.startTime;
    }
  }).observe({ type: 'mark' });
})()`;

export async function installPopWatch(desk: Frame): Promise<void> {
  await desk.evaluate(WATCH_SCRIPT);
}

/**
 * Leaves a user timing mark named by the page's epoch ms, so a performance trace started
 * before it can be put on the same clock as the other times (pop-trace.ts).
 */
export async function markTraceClock(frame: Frame): Promise<void> {
  await frame.evaluate(
    "performance.mark('bench-clock:' + (performance.timeOrigin + performance.now()))",
  );
}

export async function popTimes(desk: Frame): Promise<Record<string, PopTimes>> {
  const pops = (await desk.evaluate('window.__benchPops || {}')) as Record<string, PopTimes>;
  const marks = (await desk.evaluate('window.__benchPopMarks || {}')) as Record<
    string,
    PopTimes['marks']
  >;
  for (const [callId, times] of Object.entries(pops)) {
    const of = marks[callId];
    if (of) times.marks = of;
  }
  return pops;
}
