import { useLayoutEffect, type ReactNode } from 'react';
import type { LocalOrder } from '../../../shared/desk-api';
import type { HubOrder } from '../../../shared/order';
import { markPop } from '../bridge/pop-marks';
import { categoryName, orderTypeName, territoryName, queueName } from '../i18n/labels';
import { useT } from '../i18n/use-t';
import { formatDate, formatPhone, waitSeconds } from '../lib/format';
import type { PopView } from '../store/pop-slice';
import { callOnCard } from '../store/phone-slice';
import { useDesk } from '../store/use-desk';
import { errorText } from '../i18n/translate';
import { PopHandover } from './PopHandover';

/**
 * The screen-pop: who calls, how long they queued, what they called about before and
 * what this seat saved for them. Painted from the offer at once; history fills in.
 */
export function PopPanel() {
  const pop = useDesk((s) => s.pop);
  return pop ? <CallerPop pop={pop} /> : <IdlePop />;
}

function CallerPop({ pop }: { pop: PopView }) {
  const { t } = useT();
  const callState = useDesk((s) => {
    const call = callOnCard(s);
    return call?.callId === pop.callId ? call.phase : null;
  });
  const history = pop.data?.history ?? null;
  const calls = history?.calls.length ?? 0;
  const ready = pop.status === 'ready' ? pop.data : null;
  // The commit that put the call's pop data on screen (bridge/pop-marks.ts).
  useLayoutEffect(() => {
    if (ready) markPop('committed', pop.callId);
  }, [pop.callId, ready]);

  return (
    <section
      className={`panel pop pop--${callState ?? 'offered'}`}
      data-testid="pop"
      data-state={pop.status}
      data-call-id={pop.callId}
    >
      <header className="pop__head">
        <div className="pop__who">
          <span className="pop__label">{t('pop.caller')}</span>
          <span className="pop__number mono" data-testid="pop-number">
            {pop.number ? formatPhone(pop.number) : t('call.unknownNumber')}
          </span>
          {callState === 'ringing' && (
            <span className="pill pill--ringing">{t('call.state.ringing')}</span>
          )}
        </div>
        <div className="pop__facts">
          <Fact label={t('pop.wait')} testId="pop-wait" data={pop.waitMs}>
            <strong>{waitSeconds(pop.waitMs)}</strong> {t('pop.secondsUnit')}
          </Fact>
          <Fact label={t('call.queue')}>
            {pop.queue ? queueName(t, pop.queue) : t('call.direct')}
          </Fact>
          <Fact label={t('pop.history')}>
            {history ? t('pop.historyCount', { n: history.total }) : '—'}
          </Fact>
          <Fact label={t('pop.calls')}>{history ? t('pop.callsCount', { n: calls }) : '—'}</Fact>
        </div>
      </header>
      <PopBody pop={pop} />
    </section>
  );
}

function Fact(props: { label: string; testId?: string; data?: number; children: ReactNode }) {
  return (
    <div className="fact" data-testid={props.testId} data-wait-ms={props.data}>
      <span className="fact__label">{props.label}</span>
      <span className="fact__value">{props.children}</span>
    </div>
  );
}

function PopBody({ pop }: { pop: PopView }) {
  const { t } = useT();
  if (pop.status === 'loading') return <p className="empty">{t('pop.loading')}</p>;
  if (pop.status === 'failed' && pop.error) {
    return (
      <p className="notice notice--error" title={pop.error.message}>
        {t('pop.lookupFailed', { error: errorText(t, pop.error) })}
      </p>
    );
  }
  const data = pop.data;
  return (
    <div className="pop__body">
      {data?.handover && <PopHandover handover={data.handover} />}
      {data && !data.history && (
        <p
          className="notice notice--warn"
          data-testid="pop-history-error"
          title={data.historyError ?? ''}
        >
          {t('pop.historyUnavailable')}
        </p>
      )}
      {data?.history && <PastOrders orders={data.history.orders} />}
      {!data && <p className="empty">{t('pop.noNumber')}</p>}
      {data && data.localOrders.length > 0 && <LocalOrders orders={data.localOrders} />}
    </div>
  );
}

const OPEN_STATES = new Set(['created', 'dispatched']);

/**
 * One order per two-line row: the facts on the first line, the summary under them with the
 * whole width, since the summary is what the agent reads while the phone rings.
 */
function PastOrders({ orders }: { orders: HubOrder[] }) {
  const { t, lang } = useT();
  if (orders.length === 0) return <p className="empty">{t('pop.noHistory')}</p>;
  const today = formatDate(new Date().toISOString());

  return (
    <div className="table-wrap">
      <table className="table table--orders">
        <thead>
          <tr>
            <th>{t('col.orderNo')}</th>
            <th>{t('col.date')}</th>
            <th>{t('col.type')}</th>
            <th>{t('col.category')}</th>
            <th>{t('col.territory')}</th>
            <th>{t('col.state')}</th>
            <th>{t('col.deadline')}</th>
          </tr>
        </thead>
        {orders.map((order) => {
          const open = OPEN_STATES.has(order.state);
          const deadline = order.deadline ? formatDate(order.deadline) : null;
          const overdue = open && deadline !== null && deadline < today;
          return (
            <tbody
              key={order.orderNo}
              data-testid="pop-order"
              data-order-no={order.orderNo}
              data-state={order.state}
            >
              <tr>
                <td className="mono">{order.orderNo}</td>
                <td className="mono">{formatDate(order.createdAt)}</td>
                <td>{orderTypeName(order.type, lang)}</td>
                <td>
                  <Clip>{categoryName(order.category, lang)}</Clip>
                </td>
                <td>
                  <Clip>{territoryName(order.territory, lang, { short: true })}</Clip>
                </td>
                <td>
                  <span className={`tag tag--order-${order.state}`}>
                    {t(`order.state.${order.state}`)}
                  </span>
                </td>
                <td
                  className={`mono${overdue ? ' is-overdue' : ''}`}
                  title={overdue ? t('pop.overdue') : undefined}
                >
                  {deadline ?? '—'}
                  {overdue && <span className="overdue-mark">!</span>}
                </td>
              </tr>
              <tr className="table__sub">
                <td colSpan={7}>
                  <div className="table__summary" title={order.summary}>
                    {order.summary}
                  </div>
                </td>
              </tr>
            </tbody>
          );
        })}
      </table>
    </div>
  );
}

function Clip({ children }: { children: string }) {
  return (
    <span className="clip" title={children}>
      {children}
    </span>
  );
}

/** Orders saved on this seat for the number: pending until the hub numbers them. */
export function LocalOrders({ orders, title }: { orders: LocalOrder[]; title?: string }) {
  const { t, lang } = useT();
  return (
    <div className="local">
      <h3 className="local__title">{title ?? t('pop.local')}</h3>
      <ul className="local__list">
        {orders.map((order) => (
          <li
            key={order.localId}
            className="local__row"
            data-testid="local-order"
            data-status={order.status}
            data-order-no={order.orderNo ?? ''}
            data-local-id={order.localId}
            title={order.rejectReason ?? order.input.summary}
          >
            <span className={`tag tag--local-${order.status}`}>
              {t(`local.status.${order.status}`)}
            </span>
            <span className="local__no mono">{order.orderNo ?? t('local.noNumberYet')}</span>
            <span className="local__what">
              {orderTypeName(order.input.type, lang)} · {categoryName(order.input.category, lang)} ·{' '}
              {territoryName(order.input.territory, lang, { short: true })}
            </span>
            <span className="local__summary">
              {order.status === 'rejected' ? order.rejectReason : order.input.summary}
            </span>
            <span className="local__time mono">{formatDate(order.createdAt).slice(5)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function IdlePop() {
  const { t } = useT();
  const localOrders = useDesk((s) => s.localOrders);
  return (
    <section className="panel pop pop--idle" data-testid="pop-idle">
      <div className="pop__idle">
        <p className="pop__idle-title">{t('pop.idleTitle')}</p>
        <p className="pop__idle-hint">{t('pop.idleHint')}</p>
      </div>
      {localOrders.length > 0 && (
        <LocalOrders orders={localOrders.slice(0, 8)} title={t('pop.seatOrders')} />
      )}
    </section>
  );
}
