import { useEffect, useState, type FormEvent } from 'react';
import { QUEUES } from '../../../shared/acd-protocol';
import type { CentreOrder } from '../../../shared/hub-api';
import { categoryName, orderTypeName, queueName, territoryName } from '../i18n/labels';
import { errorText } from '../i18n/translate';
import { useT } from '../i18n/use-t';
import { formatClock, formatDate } from '../lib/format';
import { useDesk } from '../store/use-desk';
import { CentreOrderDetail } from './CentreOrderDetail';
import { RecordingPlayer } from './RecordingPlayer';

/** Roles the desk shows the centre's orders to (the seat core and the hub check again). */
export const CENTRE_VIEW_ROLES: readonly string[] = ['lead', 'admin'];

/**
 * The centre's orders for a shift lead: today's, newest first, a page at a time, narrowed
 * to an agent or a queue, and any order by its official number. Opening one shows it
 * read-only, with its call's recording when it has one. Loaded when the tab opens.
 */
export function CentreOrders() {
  const { t } = useT();
  const open = useDesk((s) => s.centreOpen);
  const load = useDesk((s) => s.loadCentreOrders);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section
      className="panel seat-orders"
      aria-label={t('centre.title')}
      data-testid="centre-orders"
    >
      <header className="panel__head">
        <h2>{t('centre.title')}</h2>
        <FindByNumber />
      </header>
      {open ? <CentreOrderDetail /> : <CentreList />}
      <RecordingPlayer />
    </section>
  );
}

function FindByNumber() {
  const { t } = useT();
  const find = useDesk((s) => s.findCentreOrder);
  const [text, setText] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) void find(text);
  };
  return (
    <form className="centre-orders__find" role="search" onSubmit={submit}>
      <label className="field field--inline">
        <span>{t('centre.findLabel')}</span>
        <input
          data-testid="centre-find-no"
          className="mono"
          value={text}
          maxLength={32}
          placeholder={t('centre.findPlaceholder')}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <button type="submit" className="btn btn--small" data-testid="centre-find">
        {t('centre.find')}
      </button>
    </form>
  );
}

function CentreList() {
  const { t } = useT();
  const list = useDesk((s) => s.centreList);
  const more = useDesk((s) => s.moreCentreOrders);

  return (
    <>
      <Filters />
      {list.day && (
        <p className="panel__meta" data-testid="centre-day" data-day={list.day}>
          {t('centre.day', {
            day: `${list.day.slice(0, 4)}-${list.day.slice(4, 6)}-${list.day.slice(6)}`,
          })}
        </p>
      )}
      {list.error && (
        <p className="notice notice--error" title={list.error.message} data-testid="centre-error">
          {t('centre.loadFailed', { error: errorText(t, list.error) })}
        </p>
      )}
      {list.phase === 'loading' && list.orders.length === 0 && (
        <p className="empty">{t('centre.loading')}</p>
      )}
      {list.phase === 'ready' && list.orders.length === 0 && (
        <p className="empty" data-testid="centre-empty">
          {t('centre.empty')}
        </p>
      )}
      {list.orders.length > 0 && (
        <ul className="seat-orders__list" data-testid="centre-list" data-phase={list.phase}>
          {list.orders.map((order) => (
            <CentreRow key={order.orderNo} order={order} />
          ))}
        </ul>
      )}
      {list.next && (
        <button
          type="button"
          className="btn btn--small"
          data-testid="centre-more"
          disabled={list.phase === 'loading'}
          onClick={() => void more()}
        >
          {t('centre.more')}
        </button>
      )}
    </>
  );
}

function Filters() {
  const { t } = useT();
  const filter = useDesk((s) => s.centreList.filter);
  const load = useDesk((s) => s.loadCentreOrders);
  const [agent, setAgent] = useState(filter.agent);
  const [queue, setQueue] = useState(filter.queue);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void load({ agent, queue });
  };
  return (
    <form className="centre-orders__filters" onSubmit={submit}>
      <label className="field field--inline">
        <span>{t('centre.agentFilter')}</span>
        <input
          data-testid="centre-filter-agent"
          value={agent}
          maxLength={64}
          onChange={(e) => setAgent(e.target.value)}
        />
      </label>
      <label className="field field--inline">
        <span>{t('centre.queueFilter')}</span>
        <select
          data-testid="centre-filter-queue"
          value={queue}
          onChange={(e) => setQueue(e.target.value)}
        >
          <option value="">{t('centre.allQueues')}</option>
          {QUEUES.map((q) => (
            <option key={q} value={q}>
              {queueName(t, q)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="btn btn--small" data-testid="centre-filter-apply">
        {t('centre.apply')}
      </button>
    </form>
  );
}

function CentreRow({ order }: { order: CentreOrder }) {
  const { t, lang } = useT();
  const openOrder = useDesk((s) => s.openCentreOrder);
  return (
    <li
      className="seat-order"
      data-testid="centre-order"
      data-order-no={order.orderNo}
      data-call-id={order.callId ?? ''}
    >
      <div className="seat-order__head">
        <span className="seat-order__no mono">{order.orderNo}</span>
        <span className="mono">{formatClock(order.createdAt)}</span>
        <span className="seat-order__what">
          {orderTypeName(order.type, lang)} · {categoryName(order.category, lang)} ·{' '}
          {territoryName(order.territory, lang, { short: true })}
        </span>
        <span className={`tag tag--order-${order.state}`}>{t(`order.state.${order.state}`)}</span>
        {order.agentAccount && <span className="chip">{order.agentAccount}</span>}
        {order.queue && <span className="chip">{queueName(t, order.queue)}</span>}
        <span className="panel__spacer" />
        <button
          type="button"
          className="btn btn--small"
          data-testid="centre-order-open"
          aria-label={t('centre.openLabel', { no: order.orderNo })}
          onClick={() => openOrder(order)}
        >
          {t('centre.open')}
        </button>
      </div>
      <div className="seat-order__body">
        <span className="seat-order__summary" title={order.summary}>
          {order.summary}
        </span>
        <span className="panel__meta">{formatDate(order.createdAt)}</span>
      </div>
    </li>
  );
}
