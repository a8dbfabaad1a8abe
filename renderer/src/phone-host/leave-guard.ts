import { createLogger, describeError } from '../lib/log';
import type { PhoneControl } from '../phone/phone-types';
import type { LiveCalls } from './live-calls';

const log = createLogger('seat.phone.host');

/**
 * Keeps the citizen off a dead line when the page that holds the phone goes away.
 *
 * - `beforeunload` while a call is live: the browser asks the agent to confirm leaving
 *   (a reload or a closed tab would drop the call).
 * - `pagehide`: the page is going for good (or into the back-forward cache, where its
 *   media stops): every live call is hung up, best effort. The engine picks what fits
 *   the call's state: BYE once answered, CANCEL while dialing, 486 to one still ringing.
 *   The page may be gone before the answers arrive; the requests are on the wire first.
 *
 * Returns a function that removes both listeners.
 */
export function guardLeaving(
  win: Pick<Window, 'addEventListener' | 'removeEventListener'>,
  engine: Pick<PhoneControl, 'hangup'>,
  live: Pick<LiveCalls, 'all'>,
): () => void {
  const onBeforeUnload = (event: BeforeUnloadEvent): void => {
    if (live.all().length === 0) return;
    event.preventDefault();
    // Older browsers show the prompt only for a non-empty returnValue.
    event.returnValue = 'live-call';
  };
  const onPageHide = (): void => {
    const calls = live.all();
    if (calls.length > 0)
      log.warn(`The phone page is going away; hanging up ${calls.length} live call(s).`);
    for (const call of calls) {
      engine.hangup(call.callId).catch((error: unknown) => {
        log.warn(
          `Could not hang up call ${call.callId} as the page left: ${describeError(error)}.`,
        );
      });
    }
  };
  win.addEventListener('beforeunload', onBeforeUnload);
  win.addEventListener('pagehide', onPageHide);
  return () => {
    win.removeEventListener('beforeunload', onBeforeUnload);
    win.removeEventListener('pagehide', onPageHide);
  };
}
