import chineseDays from 'chinese-days';
import { chinaDate } from '../../orders/china-time.js';
import { Prng } from '../prng.js';
import { DAILY_JITTER, HOLIDAY_WEIGHT, HOURLY_WEIGHTS, WEEKDAY_WEIGHTS } from './weights.js';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const CHINA_OFFSET = 8 * HOUR;

/** The instant of China-time midnight of the day `ms` falls in. */
export function chinaMidnight(ms: number): number {
  return Date.parse(`${chinaDate(ms)}T00:00:00Z`) - CHINA_OFFSET;
}

/** One China-time day of the generated year and how many orders it gets. */
export interface YearDay {
  /** China-time midnight, ms since the epoch. */
  start: number;
  date: string;
  orders: number;
}

/**
 * A day's relative volume. Weekends are quiet; the official calendar (chinese-days)
 * moves the exceptions: an adjusted working Saturday is busy like a Friday, a holiday on a
 * weekday is quiet.
 */
export function dayWeight(date: string): number {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  if (chineseDays.isWorkday(date)) return weekend ? WEEKDAY_WEIGHTS[5]! : WEEKDAY_WEIGHTS[weekday]!;
  return weekend ? WEEKDAY_WEIGHTS[weekday]! : HOLIDAY_WEIGHT;
}

/**
 * Splits `total` into integer parts in proportion to `weights`, exactly: part i is the
 * rounded running sum up to i minus the one before it.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts: number[] = [];
  let running = 0;
  let given = 0;
  for (const w of weights) {
    running += w;
    const upTo = Math.round((total * running) / sum);
    parts.push(upTo - given);
    given = upTo;
  }
  return parts;
}

/** The `days` China-time days before the one `now` falls in, with their order counts. */
export function planDays(totalOrders: number, days: number, now: number, seed: number): YearDay[] {
  const rng = new Prng(seed ^ 0x0da7_e5);
  const end = chinaMidnight(now);
  const list = Array.from({ length: days }, (_v, i) => {
    const start = end - (days - i) * DAY;
    return { start, date: chinaDate(start), orders: 0 };
  });
  const weights = list.map((d) => dayWeight(d.date) * (1 + (rng.next() * 2 - 1) * DAILY_JITTER));
  const counts = apportion(totalOrders, weights);
  list.forEach((d, i) => (d.orders = counts[i]!));
  return list;
}

/** The instants of one day's orders, ascending, shaped by the hourly peaks. */
export function orderTimes(day: YearDay, rng: Prng): Float64Array {
  const times = new Float64Array(day.orders);
  const perHour = apportion(day.orders, HOURLY_WEIGHTS);
  let j = 0;
  perHour.forEach((count, hour) => {
    const from = j;
    for (let k = 0; k < count; k++) {
      times[j++] = day.start + hour * HOUR + Math.floor(rng.next() * HOUR);
    }
    times.subarray(from, j).sort();
  });
  return times;
}
