import { maskPhone } from '../../../shared/domain/phone';
import { CALLBACK_OUTCOMES } from '../../../shared/hub-api';
import { queueName } from '../i18n/labels';
import { errorText } from '../i18n/translate';
import { useT } from '../i18n/use-t';
import { formatClock, formatPhone, waitSeconds } from '../lib/format';
import { useDesk } from '../store/use-desk';

/** Shown in the list; the rest is counted. */
const LISTED = 5;

/**
 * Callers who left the queue unanswered (hung up, or refused by the hub after the queue
 * timeout: the hub's entry does not say which, so the row words neither), each with how
 * long they waited and when.
 * The agent takes the next one (the hub hands out the oldest of the agent's queues), the
 * seat dials it, and the agent says how it went. Numbers are masked except the one being
 * called.
 */
export function CallbacksPanel() {
  const { t } = useT();
  const items = useDesk((s) => s.callbacks);
  const open = useDesk((s) => s.callbacksOpen);
  const error = useDesk((s) => s.callbacksError);
  const noneLeft = useDesk((s) => s.callbacksNoneLeft);
  const inHand = useDesk((s) => s.callbackInHand);
  const takeNext = useDesk((s) => s.takeNextCallback);
  const taking = useDesk((s) => s.callbackTaking);
  const listed = items.filter((c) => c.id !== inHand?.callback.id).slice(0, LISTED);

  return (
    <section className="panel panel--callbacks" aria-label={t('callbacks.title')}>
      <header className="panel__head">
        <h2>{t('callbacks.title')}</h2>
        <span className="panel__meta" data-testid="callbacks-open" data-count={open}>
          {t('callbacks.open', { n: open })}
        </span>
      </header>
      {inHand && <CallbackInHandView />}
      {!inHand && (
        <button
          type="button"
          className="btn btn--primary btn--block"
          data-testid="callback-next"
          disabled={taking || (open === 0 && items.length === 0)}
          aria-busy={taking || undefined}
          onClick={() => void takeNext()}
        >
          {t('callbacks.takeNext')}
        </button>
      )}
      {noneLeft && <p className="empty">{t('callbacks.noneLeft')}</p>}
      {error && (
        <p className="call__error" role="alert" data-testid="callbacks-error" title={error.message}>
          {t('callbacks.failed', { error: errorText(t, error) })}
        </p>
      )}
      {listed.length === 0 && !inHand ? (
        <p className="empty">{t('callbacks.empty')}</p>
      ) : (
        <ul className="callbacks">
          {listed.map((c) => (
            <li key={c.id} className="callbacks__row" data-testid="callback" data-id={c.id}>
              <span className="mono" data-testid="callback-number">
                {maskPhone(c.number)}
              </span>
              <span className="callbacks__queue">{queueName(t, c.queue)}</span>
              <span
                className="callbacks__when callbacks__wait"
                data-testid="callback-wait"
                data-wait-ms={c.waitMs}
              >
                {t('call.wait')} {t('time.seconds', { s: waitSeconds(c.waitMs) })}
              </span>
              <span
                className="callbacks__when"
                data-testid="callback-when"
                data-abandoned-at={c.abandonedAt}
              >
                {t('callbacks.abandoned', { time: formatClock(c.abandonedAt) })}
              </span>
              {c.attempts > 0 && (
                <span className="callbacks__tries">
                  {t('callbacks.attempts', { n: c.attempts })}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {open > listed.length + (inHand ? 1 : 0) && (
        <p className="panel__meta">
          {t('callbacks.more', { n: open - listed.length - (inHand ? 1 : 0) })}
        </p>
      )}
    </section>
  );
}

function CallbackInHandView() {
  const { t } = useT();
  const inHand = useDesk((s) => s.callbackInHand);
  const report = useDesk((s) => s.reportCallback);
  const redial = useDesk((s) => s.redialCallback);
  const taking = useDesk((s) => s.callbackTaking);
  if (!inHand) return null;
  const { callback } = inHand;

  return (
    <div
      className="callback-hand"
      data-testid="callback-in-hand"
      data-id={callback.id}
      data-phase={inHand.phase}
    >
      <p className="callback-hand__who" aria-live="polite">
        {t('callbacks.calling', { number: formatPhone(callback.number) })}
      </p>
      <div className="callback-hand__report" role="group" aria-label={t('callbacks.report')}>
        <span className="callback-hand__label">{t('callbacks.report')}</span>
        {CALLBACK_OUTCOMES.map((outcome) => (
          <button
            key={outcome}
            type="button"
            className="btn btn--small"
            data-testid={`callback-${outcome}`}
            disabled={inHand.saving}
            onClick={() => void report(outcome)}
          >
            {t(`callbacks.outcome.${outcome}`)}
          </button>
        ))}
        {inHand.phase === 'report' && (
          <button
            type="button"
            className="btn btn--small"
            data-testid="callback-redial"
            disabled={taking}
            onClick={() => void redial()}
          >
            {t('callbacks.redial')}
          </button>
        )}
      </div>
    </div>
  );
}
