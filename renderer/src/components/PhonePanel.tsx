import { queueName } from '../i18n/labels';
import { useT } from '../i18n/use-t';
import { formatClock, formatDuration, formatPhone, waitSeconds } from '../lib/format';
import { useNow } from '../lib/use-now';
import type { CallInHand } from '../store/phone-slice';
import { useDesk } from '../store/use-desk';

/** Left column: the call in hand with its controls, then the seat's recent calls. */
export function PhonePanel() {
  const { t } = useT();
  const call = useDesk((s) => s.call);
  const extension = useDesk((s) => s.session?.agent.extension ?? '');

  return (
    <aside className="column column--phone">
      <section className="panel panel--call" aria-label={t('phone.title')}>
        <header className="panel__head">
          <h2>{t('phone.title')}</h2>
          <span className="panel__meta">{t('phone.extension', { ext: extension })}</span>
        </header>
        {call ? <CallCard call={call} /> : <IdlePhone />}
      </section>
      <RecentCalls />
    </aside>
  );
}

function IdlePhone() {
  const { t } = useT();
  const registration = useDesk((s) => s.registration);
  return (
    <div className="call call--idle" data-testid="call-state" data-state="idle">
      <div className="call__idle-icon" aria-hidden>
        <PhoneGlyph />
      </div>
      <p className="call__idle-title">{t('phone.idle')}</p>
      <p className="call__idle-hint">
        {registration === 'registered' ? t('phone.idleHint') : t('phone.notRegisteredHint')}
      </p>
    </div>
  );
}

function CallCard({ call }: { call: CallInHand }) {
  const { t } = useT();
  const answer = useDesk((s) => s.answer);
  const hangup = useDesk((s) => s.hangup);
  const live = call.state !== 'ended';
  const now = useNow();

  const timerFrom = call.answeredAt ?? call.startedAt;
  const timerTo = call.endedAt ?? now;
  const timerLabel = call.answeredAt ? t('call.talkTime') : t('call.ringTime');

  return (
    <div className={`call call--${call.state}`} data-testid="call-state" data-state={call.state}>
      <div className="call__status">
        <span className={`pill pill--${call.state}`}>{t(`call.state.${call.state}`)}</span>
        {call.outcome && call.outcome !== 'ended' && (
          <span className={`pill pill--outcome-${call.outcome}`}>
            {t(`call.outcome.${call.outcome}`)}
          </span>
        )}
      </div>
      <div className="call__number mono" data-testid="call-number" data-number={call.caller}>
        {call.caller ? formatPhone(call.caller) : t('call.unknownNumber')}
      </div>
      <dl className="call__facts">
        <div>
          <dt>{t('call.queue')}</dt>
          <dd data-testid="call-queue">
            {call.queue ? queueName(t, call.queue) : t('call.direct')}
          </dd>
        </div>
        <div>
          <dt>{t('call.wait')}</dt>
          <dd data-testid="call-wait">{t('time.seconds', { s: waitSeconds(call.waitMs) })}</dd>
        </div>
        <div>
          <dt>{timerLabel}</dt>
          <dd className="mono" data-testid="call-timer">
            {formatDuration(timerTo - timerFrom)}
          </dd>
        </div>
      </dl>
      {call.state === 'ended' && call.outcome === 'failed' && (
        <p className="call__detail" title={call.detail ?? ''}>
          {t('call.failedHint')}
        </p>
      )}
      <div className="call__actions">
        {call.state === 'ringing' && (
          <button
            type="button"
            className="btn btn--answer"
            data-testid="answer"
            onClick={() => void answer()}
          >
            <PhoneGlyph />
            {t('call.answer')}
          </button>
        )}
        {call.state === 'connecting' && (
          <button type="button" className="btn btn--answer" data-testid="answer" disabled>
            {t('call.connecting')}
          </button>
        )}
        {live && (
          <button
            type="button"
            className="btn btn--hangup"
            data-testid="hangup"
            onClick={() => void hangup()}
          >
            <PhoneGlyph down />
            {call.state === 'ringing' ? t('call.decline') : t('call.hangup')}
          </button>
        )}
        {!live && <p className="call__after">{t('call.afterHint')}</p>}
      </div>
    </div>
  );
}

function RecentCalls() {
  const { t } = useT();
  const recent = useDesk((s) => s.recentCalls);
  const shift = useDesk((s) => s.shift);
  const averageTalk = shift.answered ? shift.talkMs / shift.answered : 0;
  return (
    <section className="panel panel--recent" aria-label={t('phone.recent')}>
      <header className="panel__head">
        <h2>{t('phone.recent')}</h2>
      </header>
      <dl className="shift" data-testid="shift">
        <div>
          <dt>{t('phone.shiftAnswered')}</dt>
          <dd>{shift.answered}</dd>
        </div>
        <div>
          <dt>{t('phone.shiftMissed')}</dt>
          <dd className={shift.missed ? 'is-bad' : ''}>{shift.missed}</dd>
        </div>
        <div>
          <dt>{t('phone.shiftAverage')}</dt>
          <dd className="mono">{formatDuration(averageTalk)}</dd>
        </div>
      </dl>
      {recent.length === 0 ? (
        <p className="empty">{t('phone.noRecent')}</p>
      ) : (
        <ul className="recent">
          {recent.map((call) => (
            <li
              key={call.callId}
              className="recent__row"
              data-testid="recent-call"
              data-outcome={call.outcome}
            >
              <span className="recent__time mono">{formatClock(call.at)}</span>
              <span className="recent__number mono">{formatPhone(call.caller) || '—'}</span>
              <span className={`recent__outcome recent__outcome--${call.outcome}`}>
                {call.outcome === 'ended'
                  ? formatDuration(call.talkMs)
                  : t(`call.outcome.${call.outcome}`)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function PhoneGlyph({ down = false }: { down?: boolean }) {
  return (
    <svg className={`glyph${down ? ' glyph--down' : ''}`} viewBox="0 0 24 24" aria-hidden>
      <path
        fill="currentColor"
        d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"
      />
    </svg>
  );
}
