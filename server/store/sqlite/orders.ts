import type { Database, Statement } from 'better-sqlite3';
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

interface OrderRow {
  order_no: string;
  client_order_id: string | null;
  type: string;
  category: string;
  territory: string;
  summary: string;
  citizen_name: string;
  citizen_address: string;
  caller_number: string;
  state: string;
  created_at: number;
  deadline: string | null;
  last_reply: string | null;
  version: number;
}

const ORDER_COLUMNS = `order_no, client_order_id, type, category, territory, summary,
  citizen_name, citizen_address, caller_number, state, created_at, deadline, last_reply,
  version`;

function toHubOrder(row: OrderRow): HubOrder {
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

/** An order as inserted: what the seed or a push brings, numbered by the store. */
interface NewOrderRow extends ImportedOrder {
  orderNo: string;
  version: number;
}

/**
 * Orders, their numbering and the applied-mutation log, in SQLite. A push is one
 * BEGIN IMMEDIATE transaction (CASES F07: take the write lock up front, never upgrade a
 * read lock), so a batch is applied whole or not at all.
 */
export class SqliteOrderRepository implements OrderRepository {
  private readonly nextVersion: Statement<[], { value: number }>;
  private readonly nextSequence: Statement<[string], { last: number }>;
  private readonly insertOrder: Statement;
  private readonly insertMutation: Statement;
  private readonly mutationById: Statement<[string], { order_no: string; version: number }>;
  private readonly orderByClientId: Statement<[string], { order_no: string }>;
  private readonly callerPage: Statement<[string, number, number], OrderRow>;
  private readonly callerCount: Statement<[string], { n: number }>;
  private readonly pullBySeat: Statement<[string, number, number], OrderRow>;
  private readonly pullByAgent: Statement<[string, number, number], OrderRow>;
  private readonly byNo: Statement<[string], OrderRow>;
  private readonly countAll: Statement<[], { n: number }>;
  private readonly pushTx: (batch: PushBatch) => MutationResult[];
  private readonly importTx: (orders: ImportedOrder[]) => void;

  constructor(private readonly db: Database) {
    this.nextVersion = db.prepare(
      "UPDATE counters SET value = value + 1 WHERE name = 'version' RETURNING value",
    );
    this.nextSequence = db.prepare(`INSERT INTO order_sequences (day, last) VALUES (?, 1)
      ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last`);
    this.insertOrder = db.prepare(`INSERT INTO orders (order_no, client_order_id, seat_id,
        agent_id, type, category, territory, summary, citizen_name, citizen_address,
        caller_number, caller_key, call_id, state, created_at, deadline, last_reply, version)
      VALUES (@orderNo, @clientOrderId, @seatId, @agentId, @type, @category, @territory,
        @summary, @citizenName, @citizenAddress, @callerNumber, @callerKey, @callId, @state,
        @createdAt, @deadline, @lastReply, @version)`);
    this.insertMutation = db.prepare(`INSERT INTO applied_mutations
      (mutation_id, order_no, version, seat_id, applied_at) VALUES (?, ?, ?, ?, ?)`);
    this.mutationById = db.prepare(
      'SELECT order_no, version FROM applied_mutations WHERE mutation_id = ?',
    );
    this.orderByClientId = db.prepare('SELECT order_no FROM orders WHERE client_order_id = ?');
    this.callerPage = db.prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE caller_key = ?
      ORDER BY created_at DESC, order_no DESC LIMIT ? OFFSET ?`);
    this.callerCount = db.prepare('SELECT COUNT(*) AS n FROM orders WHERE caller_key = ?');
    this.pullBySeat = db.prepare(`SELECT ${ORDER_COLUMNS} FROM orders
      WHERE seat_id = ? AND version > ? ORDER BY version LIMIT ?`);
    this.pullByAgent = db.prepare(`SELECT ${ORDER_COLUMNS} FROM orders
      WHERE agent_id = ? AND version > ? ORDER BY version LIMIT ?`);
    this.byNo = db.prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE order_no = ?`);
    this.countAll = db.prepare('SELECT COUNT(*) AS n FROM orders');

    const push = db.transaction((batch: PushBatch) => this.applyInTransaction(batch));
    this.pushTx = (batch) => push.immediate(batch);
    const load = db.transaction((orders: ImportedOrder[]) => {
      for (const order of orders) this.insert(order);
    });
    this.importTx = (orders) => load.immediate(orders);
  }

  private takeVersion(): number {
    const row = this.nextVersion.get();
    if (!row) throw new Error('the version counter is missing');
    return row.value;
  }

  private takeOrderNo(now: number): string {
    const day = orderDay(now);
    const row = this.nextSequence.get(day);
    if (!row) throw new Error(`no order sequence for ${day}`);
    return formatOrderNo(day, row.last);
  }

  private insert(order: Omit<NewOrderRow, 'orderNo' | 'version'>): {
    orderNo: string;
    version: number;
  } {
    const row: NewOrderRow = {
      ...order,
      orderNo: this.takeOrderNo(order.createdAt),
      version: this.takeVersion(),
    };
    this.insertOrder.run({
      orderNo: row.orderNo,
      clientOrderId: row.clientOrderId,
      seatId: row.seatId,
      agentId: row.agentId,
      type: row.input.type,
      category: row.input.category,
      territory: row.input.territory,
      summary: row.input.summary,
      citizenName: row.input.citizenName,
      citizenAddress: row.input.citizenAddress,
      callerNumber: row.input.callerNumber,
      callerKey: normalizePhone(row.input.callerNumber),
      callId: row.input.callId ?? null,
      state: row.state,
      createdAt: row.createdAt,
      deadline: row.deadline,
      lastReply: row.lastReply,
      version: row.version,
    });
    return { orderNo: row.orderNo, version: row.version };
  }

  private applyInTransaction(batch: PushBatch): MutationResult[] {
    const results: MutationResult[] = [];
    for (const item of batch.items) {
      const seen = this.mutationById.get(item.mutationId);
      if (seen) {
        results.push({
          id: item.mutationId,
          status: 'duplicate',
          orderNo: seen.order_no,
          version: seen.version,
        });
        continue;
      }
      const taken = this.orderByClientId.get(item.clientOrderId);
      if (taken) {
        results.push({
          id: item.mutationId,
          status: 'rejected',
          reason: `clientOrderId ${item.clientOrderId} already belongs to order ${taken.order_no}, created by another mutation`,
        });
        continue;
      }
      const { orderNo, version } = this.insert({
        clientOrderId: item.clientOrderId,
        seatId: batch.seatId,
        agentId: batch.agentId,
        input: item.input,
        state: 'created',
        createdAt: batch.now,
        deadline: item.deadline,
        lastReply: null,
      });
      this.insertMutation.run(item.mutationId, orderNo, version, batch.seatId, batch.now);
      results.push({ id: item.mutationId, status: 'applied', orderNo, version });
    }
    return results;
  }

  async applyPush(batch: PushBatch): Promise<MutationResult[]> {
    return this.pushTx(batch);
  }

  async importOrders(orders: ImportedOrder[]): Promise<void> {
    // Numbers follow creation time, as if each order had been accepted then.
    const sorted = [...orders].sort((a, b) => a.createdAt - b.createdAt);
    this.importTx(sorted);
  }

  async byCaller(callerKey: string, page: Page): Promise<{ orders: HubOrder[]; total: number }> {
    const read = this.db.transaction(() => ({
      orders: this.callerPage.all(callerKey, page.limit, page.offset).map(toHubOrder),
      total: this.callerCount.get(callerKey)?.n ?? 0,
    }));
    return read();
  }

  async pull(query: PullQuery): Promise<PullPage> {
    const rows =
      query.seatId !== undefined
        ? this.pullBySeat.all(query.seatId, query.afterVersion, query.limit + 1)
        : this.pullByAgent.all(query.agentId, query.afterVersion, query.limit + 1);
    const hasMore = rows.length > query.limit;
    const orders = rows.slice(0, query.limit).map(toHubOrder);
    return { orders, lastVersion: orders.at(-1)?.version ?? query.afterVersion, hasMore };
  }

  async get(orderNo: string): Promise<HubOrder | null> {
    const row = this.byNo.get(orderNo);
    return row ? toHubOrder(row) : null;
  }

  async count(): Promise<number> {
    return this.countAll.get()?.n ?? 0;
  }
}
