import { sql, type Transaction } from 'kysely';
import { normalizePhone } from '../../../shared/domain/phone.js';
import type { CentreOrder } from '../../../shared/hub-api.js';
import type {
  HubOrder,
  OrderChanges,
  OrderConflict,
  OrderRevision,
} from '../../../shared/order.js';
import type { MutationResult, OrderRef } from '../../../shared/sync-protocol.js';
import { formatOrderNo, orderDay } from '../../orders/order-number.js';
import {
  OrderChangeError,
  type ConflictResolveItem,
  type DayQuery,
  type HubActor,
  type ImportedOrder,
  type OrderChangeOutcome,
  type OrderCreateItem,
  type OrderRepository,
  type OrderUpdateItem,
  type Page,
  type PullPage,
  type PullQuery,
  type PushBatch,
  type PushItem,
} from '../repository.js';
import type { AppliedMutationRow, OrderRow } from './bulk.js';
import { lockNumbering, takeSequence, takeVersions, type SqlContext } from './context.js';
import {
  applyAssign,
  applyHubEdit,
  applyReply,
  applySeatEdit,
  concerned,
  decideConflict,
  loadOrder,
  mayChange,
  openConflict,
  ORDER_COLUMNS,
  seatActor,
  toConflict,
  toHubOrder,
  toRevision,
  type ChangeActor,
  type LoadedOrder,
  type ReadRow,
} from './order-changes.js';
import { ordersOfDay } from './orders-of-day.js';
import type { HubTables } from './schema.js';

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

/** Where a pushed order landed. */
interface Numbered {
  orderNo: string;
  version: number;
}

/**
 * A push item's fate, decided before numbers are handed out: final (a duplicate of an
 * earlier push), new, a repeat of a new item's id, or a clash with a new item's client
 * order id (both answered once that item has its number).
 */
type Decision =
  | MutationResult
  | { applies: OrderCreateItem }
  | { repeats: OrderCreateItem }
  | { item: OrderCreateItem; clashesWith: OrderCreateItem };

function rejectTaken(item: OrderCreateItem, orderNo: string): MutationResult {
  return {
    id: item.mutationId,
    status: 'rejected',
    code: 'taken',
    reason: `clientOrderId ${item.clientOrderId} already belongs to order ${orderNo}, created by another mutation`,
  };
}

/** Rows per import transaction: big enough to be fast, small enough not to stall pushes. */
const IMPORT_BATCH = 100_000;

/** A seat's change that went through: where it landed, and the fields it lost. */
interface SeatChange {
  orderNo: string;
  version: number;
  conflicts: OrderConflict[];
}

function describeRef(ref: OrderRef): string {
  return 'orderNo' in ref ? ref.orderNo : `with clientOrderId ${ref.clientOrderId}`;
}

/** A mutation id found in the applied log, with the seat that sent it then. */
interface AppliedBefore extends Numbered {
  seatId: string;
}

/**
 * A mutation id seen before: from the same seat it is a retry, answered as a duplicate
 * with the order it made; from another seat it is a collision or a forged id, and
 * answering that seat another seat's order would tie its order to someone else's.
 */
function repeated(id: string, before: AppliedBefore, seatId: string): MutationResult {
  if (before.seatId !== seatId) {
    return rejected(id, 'invalid', `mutation id ${id} was already used by another seat`);
  }
  return { id, status: 'duplicate', orderNo: before.orderNo, version: before.version };
}

function rejected(
  id: string,
  code: 'unknown-order' | 'forbidden' | 'unknown-conflict' | 'invalid',
  reason: string,
): MutationResult {
  return { id, status: 'rejected', code, reason };
}

/**
 * A batch cut into runs: consecutive creates together (inserted in bulk, the ingest fast
 * path), every other mutation alone.
 */
function runsOf(items: readonly PushItem[]): PushItem[][] {
  const runs: PushItem[][] = [];
  for (const item of items) {
    const last = runs.at(-1);
    if (item.kind === 'create' && last?.[0]?.kind === 'create') last.push(item);
    else runs.push([item]);
  }
  return runs;
}

/**
 * Orders, their numbering, changes and the applied-mutation log. A push is one
 * transaction that first takes the numbering lock (see lockNumbering), so a batch is
 * applied whole or not at all and concurrent pushes never share a number or a version,
 * nor apply a mutation twice.
 */
export class SqlOrderRepository implements OrderRepository {
  constructor(private readonly ctx: SqlContext) {}

  async applyPush(batch: PushBatch): Promise<MutationResult[]> {
    return this.ctx.db.transaction().execute(async (tx) => {
      await lockNumbering(tx, this.ctx.backend);
      const results: MutationResult[] = [];
      for (const run of runsOf(batch.items)) {
        const first = run[0] as PushItem;
        if (first.kind === 'create') {
          results.push(...(await this.applyCreates(tx, batch, run as OrderCreateItem[])));
        } else {
          results.push(await this.applyChange(tx, batch, first));
        }
      }
      return results;
    });
  }

  async concernedAgents(orderNos: readonly string[]): Promise<string[]> {
    if (orderNos.length === 0) return [];
    const rows = await this.ctx.db
      .selectFrom('orders')
      .select(['agent_id', 'assigned_to'])
      .where('order_no', 'in', [...new Set(orderNos)])
      .execute();
    return [...new Set(rows.flatMap(concerned))];
  }

  /**
   * An update or a conflict decision of a push: a duplicate when its id is in the log,
   * else applied (and logged) or rejected (and not logged: nothing of it was stored).
   */
  private async applyChange(
    tx: Transaction<HubTables>,
    batch: PushBatch,
    item: OrderUpdateItem | ConflictResolveItem,
  ): Promise<MutationResult> {
    const before = (await this.appliedMutations(tx, [item.mutationId])).get(item.mutationId);
    if (before) return repeated(item.mutationId, before, batch.seatId);
    const actor = {
      by: seatActor(batch.seatId),
      seatId: batch.seatId,
      mutationId: item.mutationId,
      at: batch.now,
    };
    const outcome =
      item.kind === 'update'
        ? await this.seatUpdate(tx, batch.agentId, item, actor)
        : await this.seatDecision(tx, batch.agentId, item, actor);
    if ('status' in outcome) return outcome;
    const { orderNo, version, conflicts } = outcome;
    await this.ctx.bulk.appliedMutations(tx, [
      {
        mutation_id: item.mutationId,
        order_no: orderNo,
        version,
        seat_id: batch.seatId,
        applied_at: batch.now,
      },
    ]);
    const result: MutationResult = { id: item.mutationId, status: 'applied', orderNo, version };
    if (conflicts.length > 0) result.conflicts = conflicts;
    return result;
  }

  private async seatUpdate(
    tx: Transaction<HubTables>,
    agentId: string,
    item: OrderUpdateItem,
    actor: ChangeActor & { seatId: string; mutationId: string },
  ): Promise<MutationResult | SeatChange> {
    const order = await loadOrder(tx, item.order);
    if (!order) {
      return rejected(item.mutationId, 'unknown-order', `no order ${describeRef(item.order)}`);
    }
    if (!mayChange(order, agentId)) {
      return rejected(
        item.mutationId,
        'forbidden',
        `order ${order.order_no} was neither pushed by this account nor assigned to it`,
      );
    }
    // A base past the order's version was never made by this hub: the seat's copy comes
    // from a hub since restored from an older backup. Taking it would skip the conflict
    // rule, so it is refused and shown to the agent.
    if (item.baseVersion !== null && item.baseVersion > order.version) {
      return rejected(
        item.mutationId,
        'invalid',
        `baseVersion ${item.baseVersion} is ahead of order ${order.order_no}'s version ` +
          `${order.version}: this seat's copy did not come from this hub`,
      );
    }
    const edit = await applySeatEdit(tx, order, item.baseVersion, item.changes, actor, agentId);
    return { orderNo: order.order_no, version: edit.version, conflicts: edit.conflicts };
  }

  private async seatDecision(
    tx: Transaction<HubTables>,
    agentId: string,
    item: ConflictResolveItem,
    actor: ChangeActor,
  ): Promise<MutationResult | SeatChange> {
    const conflict = await openConflict(tx, item.conflictId);
    const order = conflict && (await loadOrder(tx, { orderNo: conflict.order_no }));
    if (!conflict || !order || !mayChange(order, agentId)) {
      return rejected(
        item.mutationId,
        'unknown-conflict',
        `no open conflict ${item.conflictId} on an order of this account`,
      );
    }
    await decideConflict(tx, order, conflict, item.choice, actor);
    const after = (await loadOrder(tx, { orderNo: order.order_no })) as LoadedOrder;
    return { orderNo: order.order_no, version: after.version, conflicts: [] };
  }

  /**
   * A run of creates in a fixed number of statements, whatever its size: one look-up of
   * its mutation ids, one of its client order ids, one reservation each of versions and
   * of the day's numbers, then the bulk writer's inserts. Items are decided in order, as
   * if applied one by one: an id seen earlier in the batch is a duplicate of that earlier
   * item, a client order id used earlier in the batch is refused.
   */
  private async applyCreates(
    tx: Transaction<HubTables>,
    batch: PushBatch,
    items: readonly OrderCreateItem[],
  ): Promise<MutationResult[]> {
    const mutationIds = items.map((i) => i.mutationId);
    const clientOrderIds = items.map((i) => i.clientOrderId);
    const stored = await this.appliedMutations(tx, mutationIds);
    const owners = await this.ordersOfClients(tx, clientOrderIds);

    const fresh = new Map<string, OrderCreateItem>();
    const freshByClient = new Map<string, OrderCreateItem>();
    const decisions = items.map((item): Decision => {
      const before = stored.get(item.mutationId);
      if (before) return repeated(item.mutationId, before, batch.seatId);
      const earlier = fresh.get(item.mutationId);
      if (earlier) return { repeats: earlier };
      const owner = owners.get(item.clientOrderId);
      if (owner !== undefined) return rejectTaken(item, owner);
      const clash = freshByClient.get(item.clientOrderId);
      if (clash) return { item, clashesWith: clash };
      fresh.set(item.mutationId, item);
      freshByClient.set(item.clientOrderId, item);
      return { applies: item };
    });

    const numbered = await this.insertFresh(tx, batch, [...fresh.values()]);
    const numbers = (item: OrderCreateItem): Numbered => numbered.get(item) as Numbered;
    return decisions.map((d): MutationResult => {
      if ('applies' in d) {
        return { id: d.applies.mutationId, status: 'applied', ...numbers(d.applies) };
      }
      if ('repeats' in d) {
        return { id: d.repeats.mutationId, status: 'duplicate', ...numbers(d.repeats) };
      }
      if ('clashesWith' in d) return rejectTaken(d.item, numbers(d.clashesWith).orderNo);
      return d;
    });
  }

  /**
   * The order number and version of each mutation id already applied, by id. PostgreSQL
   * gets one primary-key probe per id: with an IN list its planner scans the whole table
   * while it is small (a new hub; 4-12 ms a push at 20k mutations), and the probes cost
   * under 2 ms at any size. SQLite always probes the key for an IN list.
   */
  private async appliedMutations(
    tx: Transaction<HubTables>,
    ids: readonly string[],
  ): Promise<Map<string, AppliedBefore>> {
    const unique = [...new Set(ids)];
    type Row = Pick<AppliedMutationRow, 'mutation_id' | 'order_no' | 'version' | 'seat_id'>;
    const rows: Row[] =
      this.ctx.backend === 'postgres'
        ? (
            await sql<Row>`SELECT m.mutation_id, m.order_no, m.version, m.seat_id
              FROM unnest(${unique}::text[]) AS wanted (id)
              CROSS JOIN LATERAL (
                SELECT mutation_id, order_no, version, seat_id FROM applied_mutations
                WHERE mutation_id = wanted.id LIMIT 1
              ) AS m`.execute(tx)
          ).rows
        : await tx
            .selectFrom('applied_mutations')
            .select(['mutation_id', 'order_no', 'version', 'seat_id'])
            .where('mutation_id', 'in', unique)
            .execute();
    return new Map(
      rows.map((r) => [
        r.mutation_id,
        { orderNo: r.order_no, version: Number(r.version), seatId: r.seat_id },
      ]),
    );
  }

  /** The order number that holds each of these client order ids, by id. */
  private async ordersOfClients(
    tx: Transaction<HubTables>,
    clientOrderIds: readonly string[],
  ): Promise<Map<string, string>> {
    const rows = await tx
      .selectFrom('orders')
      .select(['client_order_id', 'order_no'])
      .where('client_order_id', 'in', [...new Set(clientOrderIds)])
      .execute();
    return new Map(rows.map((r) => [r.client_order_id as string, r.order_no]));
  }

  /** Numbers the new orders of a push (all of its day), writes them and their mutations. */
  private async insertFresh(
    tx: Transaction<HubTables>,
    batch: PushBatch,
    items: readonly OrderCreateItem[],
  ): Promise<Map<OrderCreateItem, Numbered>> {
    const numbered = new Map<OrderCreateItem, Numbered>();
    if (items.length === 0) return numbered;
    const day = orderDay(batch.now);
    const firstSequence = await takeSequence(tx, day, items.length);
    const firstVersion = await takeVersions(tx, items.length);
    const orders: OrderRow[] = [];
    const mutations: AppliedMutationRow[] = [];
    items.forEach((item, i) => {
      const orderNo = formatOrderNo(day, firstSequence + i);
      const version = firstVersion + i;
      numbered.set(item, { orderNo, version });
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
      orders.push(toRow(order, orderNo, version));
      mutations.push({
        mutation_id: item.mutationId,
        order_no: orderNo,
        version,
        seat_id: batch.seatId,
        applied_at: batch.now,
      });
    });
    await this.ctx.bulk.orders(tx, orders);
    await this.ctx.bulk.appliedMutations(tx, mutations);
    return numbered;
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

  /**
   * One statement, so the page and the total come from one snapshot on both backends (a
   * push between two queries could otherwise show a total that disagrees with the page):
   * the count is the left side of a join that always answers one row, even past the
   * last page.
   */
  async byCaller(callerKey: string, page: Page): Promise<{ orders: HubOrder[]; total: number }> {
    const db = this.ctx.db;
    const total = db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where('caller_key', '=', callerKey)
      .as('t');
    const newest = db
      .selectFrom('orders')
      .select(ORDER_COLUMNS)
      .where('caller_key', '=', callerKey)
      .orderBy('created_at', 'desc')
      .orderBy('order_no', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .as('o');
    const rows = await db
      .selectFrom(total)
      .leftJoin(newest, (join) => join.onTrue())
      .select('t.total')
      .select(ORDER_COLUMNS.map((column) => `o.${column}` as const))
      .orderBy('o.created_at', 'desc')
      .orderBy('o.order_no', 'desc')
      .execute();
    const orders = rows.flatMap((row) =>
      row.order_no === null ? [] : [toHubOrder(row as ReadRow)],
    );
    return { orders, total: rows[0]?.total ?? 0 };
  }

  /**
   * One statement for the page: the account's own orders (from one seat, when asked) and
   * those assigned to it, each side read through its own index, merged by version. An
   * order on both sides is one row (UNION drops the copy).
   */
  async pull(query: PullQuery): Promise<PullPage> {
    const db = this.ctx.db;
    const wanted = query.limit + 1;
    const own = db
      .selectFrom('orders')
      .select(ORDER_COLUMNS)
      .where('agent_id', '=', query.agentId)
      .$call((q) => (query.seatId !== undefined ? q.where('seat_id', '=', query.seatId) : q))
      .where('version', '>', query.afterVersion)
      .orderBy('version')
      .limit(wanted)
      .as('own');
    const assigned = db
      .selectFrom('orders')
      .select(ORDER_COLUMNS)
      .where('assigned_to', '=', query.agentId)
      .where('version', '>', query.afterVersion)
      .orderBy('version')
      .limit(wanted)
      .as('assigned');
    const rows = await db
      .selectFrom(own)
      .selectAll()
      .union(db.selectFrom(assigned).selectAll())
      .orderBy('version')
      .limit(wanted)
      .execute();
    const hasMore = rows.length > query.limit;
    const orders = rows.slice(0, query.limit).map((row) => toHubOrder(row as ReadRow));
    const conflicts =
      orders.length === 0
        ? []
        : await db
            .selectFrom('order_conflicts')
            .selectAll()
            .where(
              'order_no',
              'in',
              orders.map((o) => o.orderNo),
            )
            .where('resolution', 'is', null)
            .orderBy('detected_at')
            .orderBy('conflict_id')
            .execute();
    return {
      orders,
      conflicts: conflicts.map(toConflict),
      lastVersion: orders.at(-1)?.version ?? query.afterVersion,
      hasMore,
    };
  }

  async edit(
    orderNo: string,
    baseVersion: number,
    changes: OrderChanges,
    actor: HubActor,
  ): Promise<OrderChangeOutcome> {
    const { outcome } = await this.hubChange(orderNo, actor, async (tx, order, who) => {
      if (baseVersion > order.version) {
        throw new OrderChangeError(
          `baseVersion ${baseVersion} is ahead of order ${orderNo}'s version ${order.version}: ` +
            'reload it and edit again',
          'ahead',
        );
      }
      const { stale } = await applyHubEdit(tx, order, baseVersion, changes, who);
      if (stale.length > 0) {
        throw new OrderChangeError(
          `order ${orderNo} changed after version ${baseVersion} in ${stale.join(', ')}: ` +
            'reload it and edit again',
          'stale',
          stale,
        );
      }
    });
    return outcome;
  }

  async reply(orderNo: string, text: string, actor: HubActor): Promise<OrderChangeOutcome> {
    const reply = (tx: Transaction<HubTables>, order: LoadedOrder, who: ChangeActor) =>
      applyReply(tx, order, text, who);
    return (await this.hubChange(orderNo, actor, reply)).outcome;
  }

  async assign(
    orderNo: string,
    agentId: string | null,
    actor: HubActor,
  ): Promise<OrderChangeOutcome> {
    const { outcome, result: previous } = await this.hubChange(
      orderNo,
      actor,
      async (tx, order, who) => {
        if (agentId !== null) {
          const agent = await tx
            .selectFrom('agents')
            .select('id')
            .where('id', '=', agentId)
            .executeTakeFirst();
          if (!agent) throw new OrderChangeError(`no agent ${agentId}`, 'unknown-agent');
        }
        await applyAssign(tx, order, agentId, who);
        return order.assigned_to;
      },
    );
    // The previous assignee's seats are told too. TODO: their pull no longer answers the
    // order, and nothing says it left them, so such a seat keeps its last copy.
    const notify = previous === null ? outcome.notify : [...outcome.notify, previous];
    return { ...outcome, notify: [...new Set(notify)] };
  }

  async resolveConflict(
    conflictId: string,
    choice: 'hub' | 'seat',
    actor: HubActor,
  ): Promise<OrderChangeOutcome & { conflict: OrderConflict }> {
    const orderNo = await this.conflictOrder(conflictId);
    const unknown = new OrderChangeError(`no open conflict ${conflictId}`, 'unknown-conflict');
    if (orderNo === null) throw unknown;
    const { outcome, result } = await this.hubChange(orderNo, actor, async (tx, order, who) => {
      const conflict = await openConflict(tx, conflictId);
      if (!conflict) throw unknown;
      return decideConflict(tx, order, conflict, choice, who);
    });
    return { ...outcome, conflict: result };
  }

  /**
   * A change at the hub in one transaction under the numbering lock: `work` gets the
   * order as it is then. Answers the order after it, whose seats should pull, and what
   * `work` answered.
   */
  private async hubChange<T>(
    orderNo: string,
    actor: HubActor,
    work: (tx: Transaction<HubTables>, order: LoadedOrder, who: ChangeActor) => Promise<T>,
  ): Promise<{ outcome: OrderChangeOutcome; result: T }> {
    return this.ctx.db.transaction().execute(async (tx) => {
      await lockNumbering(tx, this.ctx.backend);
      const order = await loadOrder(tx, { orderNo });
      if (!order) throw new OrderChangeError(`no order ${orderNo}`, 'unknown-order');
      const who: ChangeActor = {
        by: actor.by,
        seatId: null,
        mutationId: null,
        at: actor.at,
        note: actor.note ?? null,
      };
      const result = await work(tx, order, who);
      const after = (await loadOrder(tx, { orderNo })) as LoadedOrder;
      return { outcome: { order: toHubOrder(after), notify: concerned(after) }, result };
    });
  }

  async revisions(orderNo: string): Promise<OrderRevision[] | null> {
    if (!(await this.exists(orderNo))) return null;
    const rows = await this.ctx.db
      .selectFrom('order_revisions')
      .selectAll()
      .where('order_no', '=', orderNo)
      .orderBy('id')
      .execute();
    return rows.map(toRevision);
  }

  async conflicts(orderNo: string): Promise<OrderConflict[] | null> {
    if (!(await this.exists(orderNo))) return null;
    const rows = await this.ctx.db
      .selectFrom('order_conflicts')
      .selectAll()
      .where('order_no', '=', orderNo)
      .orderBy('detected_at')
      .orderBy('conflict_id')
      .execute();
    return rows.map(toConflict);
  }

  async conflictOrder(conflictId: string): Promise<string | null> {
    const row = await this.ctx.db
      .selectFrom('order_conflicts')
      .select('order_no')
      .where('conflict_id', '=', conflictId)
      .executeTakeFirst();
    return row?.order_no ?? null;
  }

  private async exists(orderNo: string): Promise<boolean> {
    const row = await this.ctx.db
      .selectFrom('orders')
      .select('order_no')
      .where('order_no', '=', orderNo)
      .executeTakeFirst();
    return row !== undefined;
  }

  async get(orderNo: string): Promise<HubOrder | null> {
    const row = await this.ctx.db
      .selectFrom('orders')
      .select(ORDER_COLUMNS)
      .where('order_no', '=', orderNo)
      .executeTakeFirst();
    return row ? toHubOrder(row) : null;
  }

  ofDay(query: DayQuery): Promise<{ orders: CentreOrder[]; hasMore: boolean }> {
    return ordersOfDay(this.ctx.db, query);
  }

  async latestVersion(): Promise<number> {
    const row = await this.ctx.db
      .selectFrom('counters')
      .select('value')
      .where('name', '=', 'version')
      .executeTakeFirstOrThrow();
    return Number(row.value);
  }

  async count(): Promise<number> {
    const row = await this.ctx.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  }
}
