import type { CentreOrder } from '../../../shared/hub-api.js';
import type { DayQuery } from '../repository.js';
import type { HubDb } from './schema.js';
import { ORDER_COLUMNS, toHubOrder, type ReadRow } from './order-changes.js';

/**
 * The centre's orders of one day for a shift lead, newest first. Order numbers carry the
 * day (DG + yyyymmdd + sequence), so a day is a range of the unique index on order_no and
 * the newest come first by walking it backwards: no scan of older days, however many
 * millions there are. The agent filter checks the rows of that range; the queue comes from
 * the call the order was taken on (calls by primary key).
 */
export async function ordersOfDay(
  db: HubDb,
  query: DayQuery,
): Promise<{ orders: CentreOrder[]; hasMore: boolean }> {
  const first = `DG${query.day}000000`;
  const last = `DG${query.day}999999`;
  const rows = await db
    .selectFrom('orders')
    .leftJoin('calls', 'calls.call_id', 'orders.call_id')
    .leftJoin('agents', 'agents.id', 'orders.agent_id')
    .select(ORDER_COLUMNS.map((column) => `orders.${column}` as const))
    .select(['agents.account as agent_account', 'calls.queue as call_queue'])
    .where('orders.order_no', '>=', first)
    .where('orders.order_no', '<=', last)
    .$if(query.before !== undefined, (q) => q.where('orders.order_no', '<', query.before!))
    .$if(query.agentAccount !== undefined, (q) =>
      q.where('agents.account', '=', query.agentAccount!),
    )
    .$if(query.queue !== undefined, (q) => q.where('calls.queue', '=', query.queue!))
    .orderBy('orders.order_no', 'desc')
    .limit(query.limit + 1)
    .execute();
  const orders = rows.slice(0, query.limit).map((row): CentreOrder => ({
    ...toHubOrder(row as ReadRow),
    agentAccount: row.agent_account,
    queue: row.call_queue,
  }));
  return { orders, hasMore: rows.length > query.limit };
}
