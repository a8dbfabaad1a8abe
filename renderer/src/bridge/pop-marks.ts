/**
 * User Timing marks of an offered call's pop on its way through the desk (issue 5: the
 * pop is painted within 50 ms of the INVITE, so each stretch must be seen):
 *
 *   received ──parse──▶ parsed ──listeners──▶ stored ──React render──▶ committed
 *   (socket message)    (checked)            (store set)              (layout effect)
 *
 * Named `pop:<stage> <callId>`; a benchmark collects them with a PerformanceObserver
 * (bench/lib/pop-watch.ts). Only the marks of the last POP_MARKS_KEPT stages stay in the
 * timeline, so a shift of calls does not grow it.
 */
export type PopMarkStage = 'received' | 'parsed' | 'stored' | 'committed';

export const POP_MARK_PREFIX = 'pop:';
export const POP_MARKS_KEPT = 64;

const kept: string[] = [];

/** Marks `stage` of `callId`'s pop, now or at `startTime` (performance.now() ms). */
export function markPop(stage: PopMarkStage, callId: string, startTime?: number): void {
  if (typeof performance === 'undefined' || typeof performance.mark !== 'function') return;
  const name = `${POP_MARK_PREFIX}${stage} ${callId}`;
  try {
    performance.mark(name, startTime === undefined ? undefined : { startTime });
  } catch {
    // A mark is a measurement only: a timeline that refuses it changes nothing.
    return;
  }
  kept.push(name);
  while (kept.length > POP_MARKS_KEPT) performance.clearMarks(kept.shift());
}
