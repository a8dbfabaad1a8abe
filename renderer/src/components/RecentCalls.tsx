import { useT } from '../i18n/use-t';
import { formatClock, formatDuration, formatPhone } from '../lib/format';
import type { RecentCall } from '../store/phone-lines';
import { useDesk } from '../store/use-desk';
import { shownOutcome } from './CallCard';

/** The shift's figures and the seat's last calls, both directions, with talk time. */
export function RecentCalls() {
  const { t } = useT();
  const recent = useDesk((s) => s.recentCalls);
  const shift = useDesk((s) => s.shift);
  const averageTalk = shift.talked ? shift.talkMs / shift.talked : 0;
  return (
    <section className="panel panel--recent" aria-label={t('phone.recent')}>
      <header className="panel__head">
        <h2>{t('phone.recent')}</h2>
      </header>
      <dl className="shift" data-testid="shift">
        <div>
          <dt>{t('phone.shiftAnswered')}</dt>
          <dd data-testid="shift-answered">{shift.answered}</dd>
        </div>
        <div>
          <dt>{t('phone.shiftMissed')}</dt>
          <dd className={shift.missed ? 'is-bad' : ''} data-testid="shift-missed">
            {shift.missed}
          </dd>
        </div>
        <div>
          <dt>{t('phone.shiftOutbound')}</dt>
          <dd data-testid="shift-outbound">{shift.outbound}</dd>
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
            <RecentRow key={call.callId} call={call} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** One call of the list: a cancelled call reads calmly, as the agent meant it. */
function RecentRow({ call }: { call: RecentCall }) {
  const { t } = useT();
  const outcome = shownOutcome(call.outcome, call.failure);
  const reason = outcome === 'failed' && call.failure ? t(`sip.failure.${call.failure}`) : null;
  return (
    <li
      className="recent__row"
      data-testid="recent-call"
      data-outcome={outcome}
      data-direction={call.direction}
    >
      <span className="recent__time mono">{formatClock(call.at)}</span>
      <span
        className={`recent__dir recent__dir--${call.direction}`}
        title={t(`call.direction.${call.direction}`)}
      >
        {call.direction === 'inbound' ? '↙' : '↗'}
        <span className="sr-only">{t(`call.direction.${call.direction}`)}</span>
      </span>
      <span className="recent__number mono">{formatPhone(call.remote) || '—'}</span>
      <span className={`recent__outcome recent__outcome--${outcome}`} title={reason ?? undefined}>
        {outcome === 'ended' ? formatDuration(call.talkMs) : t(`call.outcome.${outcome}`)}
      </span>
    </li>
  );
}
