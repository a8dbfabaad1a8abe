import { SEAT_NOT_READY_REASONS, type AgentState } from '../../../shared/hub-api';
import type { MessageKey } from '../i18n/messages';
import { errorText } from '../i18n/translate';
import { useT } from '../i18n/use-t';
import { formatDuration } from '../lib/format';
import { shortcutKeys } from '../lib/shortcuts';
import { useNow } from '../lib/use-now';
import { hubNow, reasonShown, wrapUpLeft, type SeatNotReadyReason } from '../store/agent-slice';
import { useDesk } from '../store/use-desk';

const STATE_KEYS = {
  'logged-out': 'agent.state.logged-out',
  'not-ready': 'agent.state.not-ready',
  ready: 'agent.state.ready',
  ringing: 'agent.state.ringing',
  'on-call': 'agent.state.on-call',
  'wrap-up': 'agent.state.wrap-up',
} as const satisfies Record<AgentState, MessageKey>;

/** The screen reader hears the wrap-up countdown in steps this long, not every second. */
const ANNOUNCE_STEP_S = 15;

/**
 * Ready / not ready with a reason, the state the hub holds with its time (and why, when
 * the hub chose it), and during wrap-up its countdown and "ready now".
 */
export function AgentStateControl() {
  const { t } = useT();
  const state = useDesk((s) => s.agentState);
  const reason = useDesk((s) => s.agentReason);
  const busy = useDesk((s) => s.agentStateBusy);
  const error = useDesk((s) => s.agentError);
  const choice = useDesk((s) => s.notReadyChoice);
  const setState = useDesk((s) => s.setAgentState);
  const choose = useDesk((s) => s.chooseNotReadyReason);
  const shown = useDesk(reasonShown);
  const onCall = state === 'ringing' || state === 'on-call';
  // Out of not-ready the picker holds the reason "not ready" will send, not one set now.
  const upcoming = state !== 'not-ready';

  return (
    <div className="agent-state" data-testid="agent-state" data-state={state}>
      <div
        className="segmented segmented--dark segmented--state"
        role="group"
        aria-label={t('agent.stateLabel')}
      >
        <button
          type="button"
          data-testid="state-ready"
          className={state === 'ready' ? 'is-on is-ready' : ''}
          aria-pressed={state === 'ready'}
          aria-keyshortcuts={shortcutKeys('ready')}
          title={shortcutKeys('ready')}
          disabled={busy || onCall}
          onClick={() => void setState('ready')}
        >
          <span className="dot dot--ok" />
          {t('agent.setReady')}
        </button>
        <button
          type="button"
          data-testid="state-not-ready"
          className={state === 'not-ready' ? 'is-on is-busy' : ''}
          aria-pressed={state === 'not-ready'}
          aria-keyshortcuts={shortcutKeys('not-ready')}
          title={shortcutKeys('not-ready')}
          disabled={busy || onCall}
          onClick={() => void setState('not-ready', choice)}
        >
          <span className="dot dot--warn" />
          {t('agent.setNotReady')}
        </button>
      </div>
      <label
        className={`agent-state__reason${upcoming ? ' agent-state__reason--upcoming' : ''}`}
        title={upcoming ? t('agent.reasonUpcoming') : undefined}
      >
        <span className="sr-only">
          {upcoming ? t('agent.reasonUpcoming') : t('agent.reasonLabel')}
        </span>
        <select
          className="select--dark"
          data-testid="not-ready-reason"
          data-upcoming={upcoming || undefined}
          value={shown}
          disabled={busy}
          onChange={(e) => void choose(e.target.value as SeatNotReadyReason)}
        >
          {shown === '' && (
            <option value="" disabled>
              {t('agent.reasonChoose')}
            </option>
          )}
          {SEAT_NOT_READY_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`agent.reason.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <div className={`agent-state__now agent-state__now--${state}`}>
        <span className="agent-state__label" data-testid="state-label">
          {t(STATE_KEYS[state])}
          {reason && (
            <span
              className={`agent-state__why${reason === 'missed-call' ? ' is-bad' : ''}`}
              data-testid="state-reason"
              data-reason={reason}
            >
              {' · '}
              {t(`agent.reason.${reason}`)}
            </span>
          )}
        </span>
        {state === 'wrap-up' ? <WrapUp /> : <StateTimer />}
      </div>
      {error && (
        <span className="topbar__warn" role="alert" title={error.message}>
          {errorText(t, error)}
        </span>
      )}
    </div>
  );
}

function StateTimer() {
  const { t } = useT();
  const since = useDesk((s) => s.agentStateSince);
  const now = hubNow({ session: useDesk((s) => s.session) }, useNow());
  const time = formatDuration(since ? now - since : 0);
  return (
    <span
      className="agent-state__timer mono"
      data-testid="state-timer"
      title={t('agent.timeInState', { time })}
    >
      {time}
    </span>
  );
}

/**
 * At most how long is left, in steps (rounded up), so a screen reader is not told every
 * second and never hears less time than the countdown shows (the text says "at most").
 */
export function announcedSeconds(seconds: number): number {
  if (seconds > ANNOUNCE_STEP_S) return Math.ceil(seconds / ANNOUNCE_STEP_S) * ANNOUNCE_STEP_S;
  return Math.max(5, Math.ceil(seconds / 5) * 5);
}

/** The countdown to the hub's end of wrap-up, on the hub's clock, and "ready now". */
function WrapUp() {
  const { t } = useT();
  const now = useNow();
  const left = useDesk((s) => wrapUpLeft(s, now));
  const busy = useDesk((s) => s.agentStateBusy);
  const setState = useDesk((s) => s.setAgentState);
  const seconds = left === null ? null : Math.ceil(left / 1000);
  const announced = seconds === null ? null : announcedSeconds(seconds);

  return (
    <>
      {seconds !== null && (
        <span
          className="agent-state__timer agent-state__timer--wrapup mono"
          role="timer"
          data-testid="wrapup-left"
          data-seconds={seconds}
        >
          {t('agent.wrapUpLeft', { time: formatDuration(seconds * 1000) })}
        </span>
      )}
      {announced !== null && (
        <span className="sr-only" aria-live="polite" data-testid="wrapup-announce">
          {t('agent.wrapUpAnnounce', { s: announced })}
        </span>
      )}
      <button
        type="button"
        className="btn btn--small btn--ready-now"
        data-testid="ready-now"
        disabled={busy}
        onClick={() => void setState('ready')}
      >
        {t('agent.readyNow')}
      </button>
    </>
  );
}
