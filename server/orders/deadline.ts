import chineseDays from 'chinese-days';
import type { OrderType } from '../../shared/domain/order-types.js';
import { chinaDate, endOfChinaDay } from './china-time.js';

/**
 * Handling time limits in working days (Dongguan 12345 regulation): consultations and
 * suggestions 2, complaints, reports and help requests 5. Praise needs no handling.
 * FIXME: market-regulation orders and the urgent list have their own limits; they come
 * with the work-order rules, which belong in shared/domain once written.
 */
const WORKING_DAYS: Record<OrderType, number | null> = {
  consultation: 2,
  suggestion: 2,
  complaint: 5,
  report: 5,
  help: 5,
  praise: null,
};

const coveredYears = new Map<number, boolean>();

/**
 * chinese-days knows official holidays and adjusted working weekends only for the years
 * it ships (to 2026 in 1.5.7); for any other year it silently treats weekends as the
 * only days off. A year it covers has at least one official holiday listed.
 */
function calendarCovers(year: number): boolean {
  let covered = coveredYears.get(year);
  if (covered === undefined) {
    covered = chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
    coveredYears.set(year, covered);
  }
  return covered;
}

/**
 * The deadline of an order accepted at `createdAt`: the end of the n-th working day
 * after it, China time. Null when the type has no limit, or when the official calendar
 * does not cover the span (a wrong deadline is worse than none: the unit view shows
 * "no deadline" and the lead sees it).
 */
export function orderDeadline(type: OrderType, createdAt: number): string | null {
  const days = WORKING_DAYS[type];
  if (days === null) return null;
  const start = chinaDate(createdAt);
  if (!calendarCovers(Number(start.slice(0, 4)))) return null;
  const end = chineseDays.findWorkday(days, start);
  if (!calendarCovers(Number(end.slice(0, 4)))) return null;
  return endOfChinaDay(end);
}
