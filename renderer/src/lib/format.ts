/** "m:ss" under an hour, "h:mm:ss" after: the timers of the state switch and the call. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/** Whole seconds of a wait, as the pop shows it. */
export function waitSeconds(ms: number): number {
  return Math.round(Math.max(0, ms) / 1000);
}

/** Local calendar date of an ISO time, YYYY-MM-DD; the input itself when it is no date. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Local wall-clock time, HH:MM. */
export function formatClock(msOrIso: number | string): string {
  const date = new Date(msOrIso);
  if (Number.isNaN(date.getTime())) return String(msOrIso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * Groups a number for reading aloud: mobiles 3-4-4, Dongguan fixed lines 0769-xxxx-xxxx;
 * anything else as it came.
 */
export function formatPhone(number: string): string {
  if (/^1\d{10}$/.test(number))
    return `${number.slice(0, 3)} ${number.slice(3, 7)} ${number.slice(7)}`;
  if (/^0769\d{8}$/.test(number)) return `0769-${number.slice(4, 8)}-${number.slice(8)}`;
  return number;
}
