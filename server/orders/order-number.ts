import { chinaDate } from './china-time.js';

/**
 * Hub order numbers: `DG` + the China-time date the hub accepted the order + a 6-digit
 * sequence of that day (DG20261203000042). The hub's clock decides, never the seat's, so
 * numbers are unique and ordered however seats' clocks drift.
 */
export function orderDay(ms: number): string {
  return chinaDate(ms).replaceAll('-', '');
}

export function formatOrderNo(day: string, sequence: number): string {
  if (sequence > 999_999) throw new Error(`order sequence of ${day} exhausted`);
  return `DG${day}${String(sequence).padStart(6, '0')}`;
}
