import { SERVICE_LEVEL_TARGET_MS } from '../../shared/wallboard.js';
import { chinaDate } from '../orders/china-time.js';

/** Today's counts of one queue (see QueueFiguresSchema for what each means). */
export interface QueueCounts {
  offered: number;
  answered: number;
  abandoned: number;
  unanswered: number;
  answeredWithinTarget: number;
  averageWaitMs: number | null;
  serviceLevel: number | null;
}

interface Tally {
  offered: number;
  answered: number;
  abandoned: number;
  unanswered: number;
  answeredWithinTarget: number;
  totalAnswerWaitMs: number;
}

const emptyTally = (): Tally => ({
  offered: 0,
  answered: 0,
  abandoned: 0,
  unanswered: 0,
  answeredWithinTarget: 0,
  totalAnswerWaitMs: 0,
});

/**
 * The day's call counts per queue, kept by the ACD as calls move. The hotline's day is
 * the China-time calendar day: the first event after midnight starts a new tally.
 *
 * TODO(restart): the tally lives in memory, so a hub restart starts today's counts at zero
 * (the calls table has every call; a store query for today's figures would rebuild it).
 */
export class QueueStats {
  private day = '';
  private readonly tallies = new Map<string, Tally>();

  constructor(private readonly targetMs = SERVICE_LEVEL_TARGET_MS) {}

  /** The hotline day the counts belong to, after rolling over at `now` if needed. */
  dayAt(now: number): string {
    const today = chinaDate(now);
    if (today !== this.day) {
      this.day = today;
      this.tallies.clear();
    }
    return this.day;
  }

  offered(queue: string, now: number): void {
    this.tally(queue, now).offered += 1;
  }

  /** `waitMs`: from queued to answered, what the caller waited for a person. */
  answered(queue: string, waitMs: number, now: number): void {
    const t = this.tally(queue, now);
    t.answered += 1;
    t.totalAnswerWaitMs += waitMs;
    if (waitMs <= this.targetMs) t.answeredWithinTarget += 1;
  }

  abandoned(queue: string, now: number): void {
    this.tally(queue, now).abandoned += 1;
  }

  /** Ended without an agent, not by the caller: no agent in time, failures. */
  unanswered(queue: string, now: number): void {
    this.tally(queue, now).unanswered += 1;
  }

  counts(queue: string, now: number): QueueCounts {
    this.dayAt(now);
    const t = this.tallies.get(queue) ?? emptyTally();
    const finished = t.answered + t.abandoned + t.unanswered;
    return {
      offered: t.offered,
      answered: t.answered,
      abandoned: t.abandoned,
      unanswered: t.unanswered,
      answeredWithinTarget: t.answeredWithinTarget,
      averageWaitMs: t.answered > 0 ? Math.round(t.totalAnswerWaitMs / t.answered) : null,
      serviceLevel: finished > 0 ? t.answeredWithinTarget / finished : null,
    };
  }

  /** Queues with any call today. */
  queues(now: number): string[] {
    this.dayAt(now);
    return [...this.tallies.keys()];
  }

  private tally(queue: string, now: number): Tally {
    this.dayAt(now);
    let t = this.tallies.get(queue);
    if (!t) this.tallies.set(queue, (t = emptyTally()));
    return t;
  }
}
