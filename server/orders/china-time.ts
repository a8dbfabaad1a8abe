/**
 * Calendar dates on the hotline's clock. Dongguan keeps China Standard Time (UTC+8, no
 * daylight saving), so a fixed offset gives the local date without a time-zone database.
 */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The China-time calendar date of an instant, as YYYY-MM-DD. */
export function chinaDate(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The last millisecond of a China-time calendar date, as an ISO instant. */
export function endOfChinaDay(date: string): string {
  const start = Date.parse(`${date}T00:00:00.000Z`) - CHINA_OFFSET_MS;
  return new Date(start + 24 * 60 * 60 * 1000 - 1).toISOString();
}
