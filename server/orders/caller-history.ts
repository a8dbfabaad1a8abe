import type { CallerHistory } from '../../shared/hub-api.js';
import type { HubStore, Page } from '../store/repository.js';

/**
 * One page of a caller's history: orders newest first with their total, and past calls,
 * paged together. `callerKey` is the normalised number. The history route and the ACD's
 * offer (acd/offer-pop.ts) read it alike; each audits the read itself.
 */
export async function readCallerHistory(
  store: Pick<HubStore, 'orders' | 'calls'>,
  callerKey: string,
  page: Page,
): Promise<CallerHistory> {
  const [orders, calls] = await Promise.all([
    store.orders.byCaller(callerKey, page),
    store.calls.byCaller(callerKey, page),
  ]);
  return { number: callerKey, orders: orders.orders, calls, total: orders.total };
}

/** The audit detail of a history read: how much was shown, never what. */
export function historyAuditDetail(history: CallerHistory): string {
  return `orders=${history.orders.length} calls=${history.calls.length}`;
}
