import { categoryName, orderTypeName, queueName, territoryName } from '../i18n/labels';
import { errorText } from '../i18n/translate';
import { useT } from '../i18n/use-t';
import { formatClock, formatDate, formatPhone } from '../lib/format';
import type { CentreOrderShown } from '../store/centre-order-slice';
import { useDesk } from '../store/use-desk';
import { RecordingButton } from './RecordingPlayer';

/**
 * One order of the centre, read-only (a lead checks it; changes go through the hub's
 * edit with its own checks), with "play recording" when the order was taken on a call.
 */
export function CentreOrderDetail() {
  const { t } = useT();
  const open = useDesk((s) => s.centreOpen);
  const close = useDesk((s) => s.closeCentreOrder);
  if (!open) return null;

  return (
    <div
      className="centre-order"
      data-testid="centre-order-detail"
      data-phase={open.phase}
      data-order-no={open.orderNo}
      aria-live="polite"
    >
      <div className="seat-order__head">
        <h3 className="mono">{t('centre.detail', { no: open.orderNo })}</h3>
        <span className="chip">{t('centre.readOnly')}</span>
        <span className="panel__spacer" />
        {open.order?.callId && (
          <RecordingButton callId={open.order.callId} orderNo={open.order.orderNo} />
        )}
        <button
          type="button"
          className="btn btn--small"
          data-testid="centre-order-close"
          onClick={close}
        >
          {t('centre.back')}
        </button>
      </div>
      {open.phase === 'loading' && <p className="empty">{t('centre.loading')}</p>}
      {open.phase === 'missing' && (
        <p className="notice" data-testid="centre-find-missing">
          {t('centre.notFound', { no: open.orderNo })}
        </p>
      )}
      {open.phase === 'failed' && open.error && (
        <p
          className="notice notice--error"
          title={open.error.message}
          data-testid="centre-find-error"
        >
          {open.error.code === 'bad-request'
            ? t('centre.badNo')
            : t('centre.findFailed', { error: errorText(t, open.error) })}
        </p>
      )}
      {open.order && <Facts order={open.order} />}
    </div>
  );
}

function Facts({ order }: { order: CentreOrderShown }) {
  const { t, lang } = useT();
  return (
    <>
      <dl className="seat-order__facts" data-testid="centre-order-facts">
        <dt>{t('centre.createdAt')}</dt>
        <dd className="mono">
          {formatDate(order.createdAt)} {formatClock(order.createdAt)}
        </dd>
        <dt>{t('col.state')}</dt>
        <dd>{t(`order.state.${order.state}`)}</dd>
        <dt>{t('field.type')}</dt>
        <dd>{orderTypeName(order.type, lang)}</dd>
        <dt>{t('field.category')}</dt>
        <dd>{categoryName(order.category, lang)}</dd>
        <dt>{t('field.territory')}</dt>
        <dd>{territoryName(order.territory, lang)}</dd>
        <dt>{t('field.callerNumber')}</dt>
        <dd className="mono">{order.callerNumber ? formatPhone(order.callerNumber) : '—'}</dd>
        <dt>{t('field.citizenName')}</dt>
        <dd>{order.citizenName || '—'}</dd>
        <dt>{t('field.citizenAddress')}</dt>
        <dd>{order.citizenAddress || '—'}</dd>
        {order.agentAccount !== undefined && (
          <>
            <dt>{t('centre.takenBy')}</dt>
            <dd data-testid="centre-order-agent">{order.agentAccount ?? '—'}</dd>
          </>
        )}
        {order.queue && (
          <>
            <dt>{t('centre.queue')}</dt>
            <dd>{queueName(t, order.queue)}</dd>
          </>
        )}
        <dt>{t('col.deadline')}</dt>
        <dd className="mono">{order.deadline ? formatDate(order.deadline) : '—'}</dd>
        {order.lastReply && (
          <>
            <dt>{t('orders.lastReply')}</dt>
            <dd>{order.lastReply}</dd>
          </>
        )}
        {order.assignedTo && <dd>{t('orders.assigned', { who: order.assignedTo })}</dd>}
      </dl>
      <p className="seat-order__summary" data-testid="centre-order-summary">
        <span className="panel__meta">{t('field.summary')}</span> {order.summary}
      </p>
      {!order.callId && (
        <p className="panel__meta" data-testid="centre-order-no-call">
          {t('centre.noCall')}
        </p>
      )}
    </>
  );
}
