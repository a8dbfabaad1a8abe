import type { Selectable, Transaction } from 'kysely';
import { normalizePhone } from '../../../shared/domain/phone.js';
import type { OrderType } from '../../../shared/domain/order-types.js';
import type { HubOrder, OrderState } from '../../../shared/order.js';
import type { MutationResult } from '../../../shared/sync-protocol.js';
import { formatOrderNo, orderDay } from '../../orders/order-number.js';
import type {
  ImportedOrder,
  OrderRepository,
  Page,
  PullPage,
  PullQuery,
  PushBatch,
} from '../repository.js';
import type { OrderRow } from './bulk.js';
import { lockNumbering, takeSequence, takeVersions, type SqlContext } from './context.js';
import type { HubTables, OrdersTable } from './schema.js';

/** The columns an order is read with (not seat, agent, caller key or call id). */
const ORDER_COLUMNS = [
  'order_no',
  'client_order_id',
  'type',
  'category',
  'territory',
  'summary',
  'citizen_name',
  'citizen_address',
  'caller_number',
  'state',
  'created_at',
  'deadline',
  'last_reply',
  'version',
] as const;

type ReadRow = Pick<Selectable<OrdersTable>, (typeof ORDER_COLUMNS)[number]>;

function toHubOrder(row: ReadRow): HubOrder {
  return {
    orderNo: row.order_no,
    clientOrderId: row.client_order_id,
    type: row.type as OrderType,
    category: row.category,
    territory: row.territory,
    summary: row.summary,
    citizenName: row.citizen_name,
    citizenAddress: row.citizen_address,
    callerNumber: row.caller_number,
    state: row.state as OrderState,
    createdAt: new Date(row.created_at).toISOString(),
    deadline: row.deadline,
    lastReply: row.last_reply,
    version: row.version,
  };
}

function toRow(order: ImportedOrder, orderNo: string, version: number): OrderRow {
  const input = order.input;
  return {
    order_no: orderNo,
    client_order_id: order.clientOrderId,
    seat_id: order.seatId,
    agent_id: order.agentId,
    type: input.type,
    category: input.category,
    territory: input.territory,
    summary: input.summary,
    citizen_name: input.citizenName,
    citizen_address: input.citizenAddress,
    caller_number: input.callerNumber,
    caller_key: normalizePhone(input.callerNumber),
    call_id: input.callId ?? null,
    state: order.state,
    created_at: order.createdAt,
    deadline: order.deadline,
    last_reply: order.lastReply,
    version,
  };
}

/**
 * The China-time day of each order of a batch sorted by time. Formatting a date per row
 * is a good part of a 6M-order import, so one day's orders reuse its answer.
 */
function daysOf(sorted: readonly ImportedOrder[]): string[] {
  const days: string[] = [];
  let day = '';
  let from = Infinity;
  let until = -Infinity;
  for (const { createdAt } of sorted) {
    if (createdAt < from || createdAt >= until) {
      day = orderDay(createdAt);
      // China time is UTC+8 all year: a day starts at 16:00 UTC of the day before.
      const start = Date.parse(
        `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}T00:00:00+08:00`,
      );
      from = start;
      until = start + 24 * 60 * 60 * 1000;
    }
    days.push(day);
  }
  return days;
}

/** Rows per import transaction: big enough to be fast, small enough not to stall pushes. */
const IMPORT_BATCH = 100_000;

/**
 * Orders, their numbering and the applied-mutation log. A push is one transaction that
 * first takes the numbering lock (see lockNumbering), so a batch is applied whole or not
 * at all and concurrent pushes never share a number or apply a mutation twice.
 */
export class SqlOrderRepository implements OrderRepository {
  constructor(private readonly ctx: SqlContext) {}

  async applyPush(batch: PushBatch): Promise<MutationResult[]> {
    return this.ctx.db.transaction().execute(async (tx) => {
      await lockNumbering(tx, this.ctx.backend);
      return this.applyLocked(tx, batch);
    });
  }

  private async applyLocked(
    tx: Transaction<HubTables>,
    batch: PushBatch,
  ): Promise<MutationResult[]> {
    const results: MutationResult[] = [];
    const day = orderDay(batch.now);
    for (const item of batch.items) {
      const seen = await tx
        .selectFrom('applied_mutations')
        .select(['order_no', 'version'])
        .where('mutation_id', '=', item.mutationId)
        .executeTakeFirst();
      if (seen) {
        results.push({
          id: item.mutationId,
          status: 'duplicate',
          orderNo: seen.order_no,
          version: seen.version,
        });
        continue;
      }
      const taken = await tx
        .selectFrom('orders')
        .select('order_no')
        .where('client_order_id', '=', item.clientOrderId)
        .executeTakeFirst();
      if (taken) {
        results.push({
          id: item.mutationId,
          status: 'rejected',
          reason: `clientOrderId ${item.clientOrderId} already belongs to order ${taken.order_no}, created by another mutation`,
        });
        continue;
      }
      const orderNo = formatOrderNo(day, await takeSequence(tx, day, 1));
      const version = await takeVersions(tx, 1);
      const order: ImportedOrder = {
        clientOrderId: item.clientOrderId,
        seatId: batch.seatId,
        agentId: batch.agentId,
        input: item.input,
        state: 'created',
        createdAt: batch.now,
        deadline: item.deadline,
        lastReply: null,
      };
      await tx
        .insertInto('orders')
        .values(toRow(order, orderNo, version))
        .execute();
      await tx
        .insertInto('applied_mutations')
        .values({
          mutation_id: item.mutationId,
          order_no: orderNo,
          version,
          seat_id: batch.seatId,
          applied_at: batch.now,
        })
        .execute();
      results.push({ id: item.mutationId, status: 'applied', orderNo, version });
    }
    return results;
  }

  async importOrders(orders: ImportedOrder[]): Promise<void> {
    // Numbers follow creation time, as if each order had been accepted then.
    const sorted = [...orders].sort((a, b) => a.createdAt - b.createdAt);
    for (let i = 0; i < sorted.length; i += IMPORT_BATCH) {
      const part = sorted.slice(i, i + IMPORT_BATCH);
      await this.ctx.db.transaction().execute(async (tx) => {
        await lockNumbering(tx, this.ctx.backend);
        await this.ctx.bulk.orders(tx, await this.number(tx, part));
      });
    }
  }

  /** Numbers a batch sorted by creation time: one counter and one sequence write per day. */
  private async number(tx: Transaction<HubTables>, orders: ImportedOrder[]): Promise<OrderRow[]> {
    const days = daysOf(orders);
    const perDay = new Map<string, number>();
    for (const day of days) perDay.set(day, (perDay.get(day) ?? 0) + 1);
    const next = new Map<string, number>();
    for (const [day, count] of perDay) next.set(day, await takeSequence(tx, day, count));
    let version = await takeVersions(tx, orders.length);
    return orders.map((order, i) => {
      const day = days[i] as string;
      const sequence = next.get(day) as number;
      next.set(day, sequence + 1);
      return toRow(order, formatOrderNo(day, sequence), version++);
    });
  }

  async byCaller(callerKey: string, page: Page): Promise<{ orders: HubOrder[]; total: number }> {
    const rows = await this.ctx.db
      .selectFrom('orders')
      .select(ORDER_COLUMNS)
      .where('caller_key', '=', callerKey)
      .orderBy('created_at', 'desc')
      .orderBy('order_no', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    const count = await this.ctx.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('caller_key', '=', callerKey)
      .executeTakeFirst();
    return { orders: rows.map(toHubOrder), total: count?.n ?? 0 };
  }

  async pull(query: PullQuery): Promise<PullPage> {
    const rows = await this.ctx.db
      .selectFrom('orders')
      .select(ORDER_COLUMNS)
      .$call((q) =>
        query.seatId !== undefined
          ? q.where('seat_id', '=', query.seatId)
          : q.where('agent_id', '=', query.agentId),
      )
      .where('version', '>', query.afterVersion)
      .orderBy('version')
      .limit(query.limit + 1)
      .execute();
    const hasMore = rows.length > query.limit;
    const orders = rows.slice(0, query.limit).map(toHubOrder);
    return { orders, lastVersion: orders.at(-1)?.version ?? query.afterVersion, hasMore };
  }

  async get(orderNo: string): Promise<HubOrder | null> {
    const row = await this.ctx.db
      .selectFrom('orders')
      .select(ORDER_COLUMNS)
      .where('order_no', '=', orderNo)
      .executeTakeFirst();
    return row ? toHubOrder(row) : null;
  }

  async count(): Promise<number> {
    const row = await this.ctx.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  }
}
