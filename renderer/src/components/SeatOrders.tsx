import type { LocalOrder } from '../../../shared/desk-api';
import { categoryName, orderTypeName, territoryName } from '../i18n/labels';
import { errorText } from '../i18n/translate';
import { useT } from '../i18n/use-t';
import { formatDate } from '../lib/format';
import { isFormDirty } from '../store/order-draft';
import { useDesk } from '../store/use-desk';
import { RecordingButton, RecordingPlayer } from './RecordingPlayer';

/**
 * The seat's orders, in the order the seat core lists them (never sorted by the seat's
 * clock): whether each reached the hub, edits and conflicts still open, and what the hub
 * says of it (state, deadline, last reply, who follows it up). Edit loads one into the form.
 */
export function SeatOrders() {
  const { t } = useT();
  const orders = useDesk((s) => s.localOrders);
  const error = useDesk((s) => s.localOrdersError);
  const formBusy = useDesk((s) => isFormDirty(s.draft, s.editing));

  return (
    <section className="panel seat-orders" aria-label={t('orders.title')}>
      <header className="panel__head">
        <h2>{t('orders.title')}</h2>
        {formBusy && <span className="panel__meta">{t('orders.formBusy')}</span>}
      </header>
      {error && (
        <p className="notice notice--error" title={error.message}>
          {t('orders.loadFailed', { error: errorText(t, error) })}
        </p>
      )}
      {orders.length === 0 ? (
        <p className="empty">{t('orders.empty')}</p>
      ) : (
        <ul className="seat-orders__list">
          {orders.map((order) => (
            <OrderRow key={order.localId} order={order} formBusy={formBusy} />
          ))}
        </ul>
      )}
      <RecordingPlayer />
    </section>
  );
}

function OrderRow({ order, formBusy }: { order: LocalOrder; formBusy: boolean }) {
  const { t, lang } = useT();
  const editOrder = useDesk((s) => s.editOrder);
  const editing = useDesk((s) => s.editing?.localId === order.localId);
  const { input, hub } = order;
  const no = order.orderNo ?? t('local.noNumberYet');
  const canEdit = order.status !== 'rejected' && (editing || !formBusy);

  return (
    <li
      className={`seat-order${editing ? ' is-editing' : ''}`}
      data-testid="seat-order"
      data-local-id={order.localId}
      data-status={order.status}
      data-order-no={order.orderNo ?? ''}
      aria-current={editing ? 'true' : undefined}
    >
      <div className="seat-order__head">
        <span className={`tag tag--local-${order.status}`}>
          {t(`local.status.${order.status}`)}
        </span>
        <span className="seat-order__no mono">{no}</span>
        {order.origin === 'hub' && <span className="chip">{t('orders.origin.hub')}</span>}
        <span className="seat-order__what">
          {orderTypeName(input.type, lang)} · {categoryName(input.category, lang)} ·{' '}
          {territoryName(input.territory, lang, { short: true })}
        </span>
        {hub && (
          <span className={`tag tag--order-${hub.state}`} data-testid="seat-order-hub-state">
            {t(`order.state.${hub.state}`)}
          </span>
        )}
        {order.pendingEdits > 0 && (
          <span className="tag tag--local-pending" data-testid="seat-order-edits">
            {t('orders.pendingEdits', { n: order.pendingEdits })}
          </span>
        )}
        {order.openConflicts > 0 && (
          <span className="tag tag--local-rejected" data-testid="seat-order-conflicts">
            {t('orders.openConflicts', { n: order.openConflicts })}
          </span>
        )}
        <span className="panel__spacer" />
        <button
          type="button"
          className="btn btn--small"
          data-testid="seat-order-edit"
          aria-label={t('orders.editLabel', { no })}
          title={canEdit ? undefined : t('orders.formBusy')}
          disabled={!canEdit}
          onClick={() => editOrder(order)}
        >
          {t('orders.edit')}
        </button>
        <RecordingButton callId={input.callId} orderNo={no} />
      </div>
      <div className="seat-order__body">
        <span className="seat-order__summary" title={input.summary}>
          {order.status === 'rejected' ? order.rejectReason : input.summary}
        </span>
        {hub && <HubFacts hub={hub} />}
      </div>
    </li>
  );
}

function HubFacts({ hub }: { hub: NonNullable<LocalOrder['hub']> }) {
  const { t } = useT();
  return (
    <dl className="seat-order__facts">
      <dt>{t('col.deadline')}</dt>
      <dd className="mono">{hub.deadline ? formatDate(hub.deadline) : '—'}</dd>
      {hub.lastReply && (
        <>
          <dt>{t('orders.lastReply')}</dt>
          <dd className="seat-order__reply" title={hub.lastReply}>
            {hub.lastReply}
          </dd>
        </>
      )}
      {hub.assignedTo && <dd>{t('orders.assigned', { who: hub.assignedTo })}</dd>}
    </dl>
  );
}
