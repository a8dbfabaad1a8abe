import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { LocalOrder } from '../../../shared/desk-api.js';
import type { HubOrder, OrderInput } from '../../../shared/order.js';
import type { MutationResult } from '../../../shared/sync-protocol.js';
import { callerNumberKey } from '../caller-number.js';
import { withBusyRetry } from './busy-retry.js';
import type { Sealer } from './sealer.js';

/** One entry of the outbox, oldest first by `seq`. */
export interface OutboxEntry {
  seq: number;
  mutationId: string;
  name: 'order.create';
  /** Local id of the order; sent as the mutation's clientOrderId. */
  orderId: string;
  args: OrderInput;
  createdAt: string;
}

/** The hub's answer for one outbox entry (or the seat's own verdict, see the sync client). */
export interface PushOutcome {
  entry: OutboxEntry;
  result: MutationResult;
}

interface OrderRow {
  local_id: string;
  fields: string;
  status: LocalOrder['status'];
  order_no: string | null;
  reject_reason: string | null;
  created_at: string;
  hub_version: number | null;
}

interface OutboxRow {
  seq: number;
  mutation_id: string;
  name: string;
  order_id: string;
  args: string;
  created_at: string;
}

const KV_SEAT_ID = 'seat.id';
const KV_PULL_CURSOR = 'sync.pull.cursor';

/**
 * Orders, the outbox and the seat's settings in one SQLite file.
 *
 * Every write is one synchronous transaction opened with BEGIN IMMEDIATE, so it takes
 * the write lock up front instead of upgrading a read lock half-way (which can fail with
 * SQLITE_BUSY and no way to wait); rows are read with `.all()` before any write, never
 * written while a statement iterates (CASES F07). Writes are retried on SQLITE_BUSY.
 */
export class OrderStore {
  private readonly stmt: {
    insertOrder: Statement;
    insertOutbox: Statement;
    getOrder: Statement<[string], OrderRow>;
    listRecent: Statement<[number], OrderRow>;
    countByStatus: Statement<[], { status: string; n: number }>;
    outboxHead: Statement<[number], OutboxRow>;
    outboxLength: Statement<[], { n: number }>;
    deleteOutbox: Statement;
    markSynced: Statement;
    markRejected: Statement;
    updateFromHub: Statement;
    getKv: Statement<[string], { value: string }>;
    setKv: Statement;
  };

  private writeQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly sealer: Sealer,
    private readonly log: Logger,
  ) {
    this.stmt = {
      insertOrder: db.prepare(
        `INSERT INTO orders (local_id, fields, caller_key, status, created_at)
         VALUES (?, ?, ?, 'pending', ?)`,
      ),
      insertOutbox: db.prepare(
        `INSERT INTO outbox (mutation_id, name, order_id, args, created_at) VALUES (?, ?, ?, ?, ?)`,
      ),
      getOrder: db.prepare(`SELECT * FROM orders WHERE local_id = ?`),
      listRecent: db.prepare(`SELECT * FROM orders ORDER BY created_at DESC, rowid DESC LIMIT ?`),
      countByStatus: db.prepare(`SELECT status, count(*) AS n FROM orders GROUP BY status`),
      outboxHead: db.prepare(`SELECT * FROM outbox ORDER BY seq LIMIT ?`),
      outboxLength: db.prepare(`SELECT count(*) AS n FROM outbox`),
      deleteOutbox: db.prepare(`DELETE FROM outbox WHERE mutation_id = ?`),
      markSynced: db.prepare(
        `UPDATE orders SET status = 'synced', order_no = ?, hub_version = max(coalesce(hub_version, 0), ?),
           reject_reason = NULL
         WHERE local_id = ?`,
      ),
      markRejected: db.prepare(
        `UPDATE orders SET status = 'rejected', reject_reason = ? WHERE local_id = ? AND status = 'pending'`,
      ),
      updateFromHub: db.prepare(
        `UPDATE orders SET order_no = ?, hub_version = ?,
           status = CASE status WHEN 'pending' THEN 'synced' ELSE status END
         WHERE local_id = ? AND (hub_version IS NULL OR hub_version < ?)`,
      ),
      getKv: db.prepare(`SELECT value FROM kv WHERE key = ?`),
      setKv: db.prepare(
        `INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      ),
    };
  }

  /**
   * Saves a new order and its `order.create` mutation in one transaction: either both
   * rows exist afterwards or neither does.
   */
  async create(input: OrderInput, now = new Date()): Promise<LocalOrder> {
    const localId = randomUUID();
    const mutationId = randomUUID();
    const createdAt = now.toISOString();
    const sealed = this.sealer.seal(JSON.stringify(input));
    const callerKey = this.callerKeys(input.callerNumber)[0] ?? '';

    const write = this.db.transaction(() => {
      this.stmt.insertOrder.run(localId, sealed, callerKey, createdAt);
      this.stmt.insertOutbox.run(mutationId, 'order.create', localId, sealed, createdAt);
    });
    await this.write(() => write.immediate(), `save order ${localId}`);

    this.log.info({ localId, mutationId }, `Saved order ${localId} with mutation ${mutationId}.`);
    return {
      localId,
      status: 'pending',
      orderNo: null,
      rejectReason: null,
      createdAt,
      input,
    };
  }

  get(localId: string): LocalOrder | null {
    const row = this.stmt.getOrder.get(localId);
    return row ? this.toOrder(row) : null;
  }

  /** Newest first. An empty or missing number lists the seat's latest orders. */
  list(filter: { callerNumber?: string; limit: number }): LocalOrder[] {
    const raw = filter.callerNumber?.trim() ?? '';
    if (raw === '') return this.stmt.listRecent.all(filter.limit).map((r) => this.toOrder(r));

    const keys = this.callerKeys(raw);
    const rows = this.db
      .prepare<unknown[], OrderRow>(
        `SELECT * FROM orders WHERE caller_key IN (${keys.map(() => '?').join(', ')})
         ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      )
      .all(...keys, filter.limit);
    return rows.map((r) => this.toOrder(r));
  }

  counts(): { pending: number; rejected: number } {
    const counts = { pending: 0, rejected: 0 };
    for (const { status, n } of this.stmt.countByStatus.all()) {
      if (status === 'pending' || status === 'rejected') counts[status] = n;
    }
    return counts;
  }

  /** The oldest `limit` outbox entries, in push order. */
  outboxHead(limit: number): OutboxEntry[] {
    return this.stmt.outboxHead.all(limit).map((row) => ({
      seq: row.seq,
      mutationId: row.mutation_id,
      name: 'order.create',
      orderId: row.order_id,
      args: JSON.parse(this.sealer.open(row.args)) as OrderInput,
      createdAt: row.created_at,
    }));
  }

  outboxLength(): number {
    return this.stmt.outboxLength.get()?.n ?? 0;
  }

  /**
   * Applies the answers to a push: applied or duplicate marks the order synced with the
   * hub's number, rejected marks it rejected with the reason; either way the entry leaves
   * the outbox, in the same transaction. Returns the orders as they now are.
   */
  async applyPushResults(outcomes: readonly PushOutcome[]): Promise<LocalOrder[]> {
    if (outcomes.length === 0) return [];
    const apply = this.db.transaction(() => {
      for (const { entry, result } of outcomes) {
        if (result.status === 'rejected') {
          this.stmt.markRejected.run(result.reason, entry.orderId);
        } else {
          this.stmt.markSynced.run(result.orderNo, result.version, entry.orderId);
        }
        this.stmt.deleteOutbox.run(entry.mutationId);
      }
    });
    await this.write(() => apply.immediate(), `apply ${outcomes.length} push results`);
    return this.getMany(outcomes.map((o) => o.entry.orderId));
  }

  /**
   * Takes in one page of a pull: hub orders that were made from this seat's orders update
   * their number and version (a newer version only); the cursor moves in the same
   * transaction, so a crash never skips a page. Returns the local orders that changed.
   */
  async applyPulled(orders: readonly HubOrder[], cursor: string): Promise<LocalOrder[]> {
    const changed: string[] = [];
    const apply = this.db.transaction(() => {
      changed.length = 0;
      for (const order of orders) {
        if (!order.clientOrderId) continue;
        const info = this.stmt.updateFromHub.run(
          order.orderNo,
          order.version,
          order.clientOrderId,
          order.version,
        );
        if (info.changes > 0) changed.push(order.clientOrderId);
      }
      this.stmt.setKv.run(KV_PULL_CURSOR, cursor);
    });
    await this.write(() => apply.immediate(), `apply a pull of ${orders.length} orders`);
    return this.getMany(changed);
  }

  pullCursor(): string | null {
    return this.stmt.getKv.get(KV_PULL_CURSOR)?.value ?? null;
  }

  /**
   * The seat's stable id, made once and kept in the file; the hub keys its idempotency
   * records and pull cursors by it.
   */
  seatId(): string {
    const existing = this.stmt.getKv.get(KV_SEAT_ID)?.value;
    if (existing) return existing;
    // Opening is synchronous; INSERT OR IGNORE keeps the first id if two processes race.
    this.db
      .prepare(`INSERT OR IGNORE INTO kv (key, value) VALUES (?, ?)`)
      .run(KV_SEAT_ID, `seat-${randomUUID()}`);
    const stored = this.stmt.getKv.get(KV_SEAT_ID)?.value;
    if (!stored) throw new Error('The seat id could not be stored.');
    return stored;
  }

  private getMany(localIds: readonly string[]): LocalOrder[] {
    const orders: LocalOrder[] = [];
    for (const id of new Set(localIds)) {
      const order = this.get(id);
      if (order) orders.push(order);
    }
    return orders;
  }

  private callerKeys(rawNumber: string): string[] {
    const number = callerNumberKey(rawNumber);
    return number === '' ? [''] : this.sealer.lookupKeys(number);
  }

  private toOrder(row: OrderRow): LocalOrder {
    return {
      localId: row.local_id,
      status: row.status,
      orderNo: row.order_no,
      rejectReason: row.reject_reason,
      createdAt: row.created_at,
      input: JSON.parse(this.sealer.open(row.fields)) as OrderInput,
    };
  }

  /**
   * Writes go one at a time: while the file is locked by another process only the first
   * waiting write retries, instead of every queued save blocking the event loop for its
   * own busy timeout in turn.
   */
  private write<T>(work: () => T, what: string): Promise<T> {
    const run = this.writeQueue.then(() => this.retry(work, what));
    this.writeQueue = run.catch(() => {});
    return run;
  }

  private retry<T>(work: () => T, what: string): Promise<T> {
    return withBusyRetry(work, {
      onBusy: (attempt, delayMs) =>
        this.log.warn(
          { attempt, delayMs },
          `The database is locked by another connection; will retry to ${what} in ${delayMs} ms.`,
        ),
    });
  }
}
