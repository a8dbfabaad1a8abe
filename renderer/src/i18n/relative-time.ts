import type { Translate } from './translate';

/**
 * How long ago a moment of the seat's clock was, in words ("3 分钟前"). Display only: the
 * seat's clock may be wrong, so nothing is ordered or decided by it. A moment ahead of now
 * (a clock that was set back) reads as "just now".
 */
export function timeAgo(t: Translate, iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const seconds = Math.floor((now - at) / 1000);
  if (seconds < 10) return t('time.justNow');
  if (seconds < 60) return t('time.secondsAgo', { n: seconds });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('time.minutesAgo', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('time.hoursAgo', { n: hours });
  return t('time.daysAgo', { n: Math.floor(hours / 24) });
}

/** Whole seconds until a moment, 0 once it has passed; null when there is no moment. */
export function secondsUntil(iso: string | null, now: number): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
