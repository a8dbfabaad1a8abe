import type { KeyboardEvent } from 'react';
import { useT } from '../i18n/use-t';
import type { MessageKey } from '../i18n/messages';
import type { CentreView as View } from '../store/ui-slice';
import { useDesk } from '../store/use-desk';
import { CENTRE_VIEW_ROLES, CentreOrders } from './CentreOrders';
import { ConflictsPanel } from './ConflictsPanel';
import { PopPanel } from './PopPanel';
import { RejectedPanel } from './RejectedPanel';
import { SeatOrders } from './SeatOrders';

const VIEWS: { view: View; key: MessageKey }[] = [
  { view: 'pop', key: 'tabs.pop' },
  { view: 'orders', key: 'tabs.orders' },
  { view: 'conflicts', key: 'tabs.conflicts' },
  { view: 'rejected', key: 'tabs.rejected' },
];
/** The centre's orders: a shift lead's tab, not an agent's. */
const LEAD_VIEWS: { view: View; key: MessageKey }[] = [
  ...VIEWS,
  { view: 'centre', key: 'tabs.centre' },
];

/**
 * Above the order form: the call's pop, or one of the seat's lists (its orders, conflicts
 * to decide, refusals). Tabs in a tablist; arrow keys move between them.
 */
export function CentreView() {
  const { t } = useT();
  const current = useDesk((s) => s.centreView);
  const showView = useDesk((s) => s.showView);
  const isLead = useDesk((s) => CENTRE_VIEW_ROLES.includes(s.session?.agent.role ?? ''));
  const views = isLead ? LEAD_VIEWS : VIEWS;
  const counts: Record<View, number> = {
    pop: 0,
    orders: useDesk((s) => s.localOrders.length),
    conflicts: useDesk((s) => s.conflicts.length),
    rejected: useDesk((s) => s.rejected.length),
    centre: 0,
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const at = views.findIndex((v) => v.view === current);
    const step = event.key === 'ArrowRight' ? 1 : views.length - 1;
    const next = views[(at + step) % views.length];
    if (!next) return;
    showView(next.view);
    event.currentTarget.querySelector<HTMLElement>(`#tab-${next.view}`)?.focus();
  };

  return (
    <div className="centre-top">
      <div className="tabs" role="tablist" aria-label={t('tabs.label')} onKeyDown={onKeyDown}>
        {views.map(({ view, key }) => (
          <button
            key={view}
            type="button"
            role="tab"
            id={`tab-${view}`}
            aria-selected={current === view}
            aria-controls="centre-view"
            tabIndex={current === view ? 0 : -1}
            className={`tabs__tab${current === view ? ' is-on' : ''}`}
            data-testid={`tab-${view}`}
            onClick={() => showView(view)}
          >
            {t(key)}
            {counts[view] > 0 && (
              <span
                className={`tabs__count${view === 'conflicts' || view === 'rejected' ? ' is-bad' : ''}`}
              >
                {counts[view]}
              </span>
            )}
          </button>
        ))}
      </div>
      <div
        className="centre-view"
        id="centre-view"
        role="tabpanel"
        aria-labelledby={`tab-${current}`}
      >
        {current === 'pop' && <PopPanel />}
        {current === 'orders' && <SeatOrders />}
        {current === 'conflicts' && <ConflictsPanel />}
        {current === 'rejected' && <RejectedPanel />}
        {current === 'centre' && isLead && <CentreOrders />}
      </div>
    </div>
  );
}
