import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { LocalConflict, LocalOrder, RejectedMutation } from '../../../shared/desk-api.js';
import type {
  HubOrder,
  OrderChanges,
  OrderConflict,
  OrderEditableField,
  OrderInput,
} from '../../../shared/order.js';
import type { MutationResult, RejectCode } from '../../../shared/sync-protocol.js';
import { callerNumberKey } from '../caller-number.js';
import type { SealerRef, StoreWriter } from './writer.js';

/** What each outbox entry carries, sealed in `outbox.args`, by mutation name. */
export type OutboxPayload =
  | { name: 'order.create'; args: OrderInput }
  | { name: 'order.update'; args: { baseVersion: number | null; changes: OrderChanges } }
  | {
      name: 'conflict.resolve';
      // field and seatValue stay on the seat: they show the decision before the hub answers.
      args: {
        conflictId: string;
        choice: 'hub' | 'seat';
        field: OrderEditableField;
        seatValue: string;
      };
    };

/** One entry of the outbox, oldest first by `seq`. */
export type OutboxEntry = OutboxPayload & {
  seq: number;
  mutationId: string;
  /** Local id of the order; sent as clientOrderId until the hub's number is known. */
  orderId: string;
  /** The hub's number of the order when the entry is read, else null. */
  orderNo: string | null;
  /** The agent whose session made the entry; null: made before the seat recorded it. */
  agentId: string | null;
  createdAt: string;
};

/** The hub's answer for one outbox entry (or the seat's own verdict, see the pusher). */
export interface PushOutcome {
  entry: OutboxEntry;
  result: MutationResult;
}

/** What a batch of answers changed, for the events the core sends. */
export interface AppliedChanges {
  orders: LocalOrder[];
  rejected: RejectedMutation[];
  conflictsChanged: boolean;
}

/** The order cannot take the edit (the hub refused to create it). */
export class OrderNotEditableError extends Error {
  override readonly name = 'OrderNotEditableError';
}

interface OrderRow {
  local_id: string;
  fields: string;
  status: LocalOrder['status'];
  order_no: string | null;
  reject_reason: string | null;
  created_at: string;
  hub_version: number | null;
  origin: LocalOrder['origin'];
  hub_fields: string | null;
  hub_meta: string | null;
  pending_edits: number;
  open_conflicts: number;
}

interface OutboxRow {
  seq: number;
  mutation_id: string;
  name: OutboxPayload['name'];
  order_id: string;
  order_no: string | null;
  args: string;
  created_at: string;
  agent_id: string | null;
}

type Scope = string | null;

type HubMeta = Omit<NonNullable<LocalOrder['hub']>, 'version'>;

const KV_PULL_CURSOR = 'sync.pull.cursor';

/**
 * Rows the current agent sees and pushes: their own and those of no known agent (made
 * before the seat recorded agents). Takes the agent id twice; null (no agent set: tests,
 * tools) sees everything.
 */
const mine = (column: string) => `(? IS NULL OR ${column} IS NULL OR ${column} = ?)`;

const ORDER_COLUMNS = `o.*,
  (SELECT count(*) FROM outbox x WHERE x.order_id = o.local_id AND x.name = 'order.update')
    AS pending_edits,
  (SELECT count(*) FROM conflicts c WHERE c.local_id = o.local_id) AS open_conflicts`;

/**
 * Orders, the outbox, conflicts and refused mutations (issue 4, "Seat store" and "Sync
 * protocol").
 *
 * An order's local fields are the hub's last known values overlaid with the seat's
 * edits still in the outbox, recomputed whenever either changes (a pull, a push answer,
 * an edit); before the hub knows the order its base is the create in the outbox. Lists
 * go by the seat's save sequence, never by its clock. Every change and its mutation are
 * written in one transaction (StoreWriter: BEGIN IMMEDIATE, SQLITE_BUSY retried).
 */
export class OrderStore {
  private readonly stmt: {
    insertOrder: Statement;
    insertOutbox: Statement;
    getOrder: Statement<[string], OrderRow>;
    getVisible: Statement<[string, Scope, Scope], OrderRow>;
    hubOf: Statement<[string], { hub_version: number | null; hub_fields: string | null }>;
    sealedArgs: Statement<[string], { args: string }>;
    outboxCountOf: Statement<[string], { n: number }>;
    markSynced: Statement<[string]>;
    byOrderNo: Statement<[string], { local_id: string }>;
    listRecent: Statement<[Scope, Scope, number], OrderRow>;
    outboxHead: Statement<[Scope, Scope, number], OutboxRow>;
    outboxOf: Statement<[string], OutboxRow>;
    outboxLength: Statement<[Scope, Scope], { n: number }>;
    deleteOutbox: Statement;
    markRejected: Statement;
    setLocal: Statement;
    setHub: Statement;
    conflictsOf: Statement<[string], { conflict_id: string; body: string }>;
    allConflicts: Statement<[Scope, Scope], { local_id: string; body: string }>;
    getConflict: Statement<[string, Scope, Scope], { local_id: string; body: string }>;
    insertConflict: Statement;
    deleteConflict: Statement;
    pendingResolves: Statement<[], { args: string }>;
    insertRejected: Statement;
    listRejected: Statement<[Scope, Scope], RejectedRow>;
    getRejected: Statement<[string, Scope, Scope], RejectedRow>;
    deleteRejected: Statement;
    deleteOrder: Statement;
    deleteDraft: Statement;
    count: Statement<
      [Scope, Scope, Scope, Scope, Scope, Scope],
      { outbox: number; rejected: number; conflicts: number }
    >;
    getKv: Statement<[string], { value: string }>;
    setKv: Statement;
  };

  constructor(
    private readonly db: Database,
    private readonly writer: StoreWriter,
    private readonly sealer: SealerRef,
    private readonly log: Logger,
    /** The signed-in agent (null: none set, every row is seen). */
    private readonly agent: () => string | null = () => null,
  ) {
    this.stmt = {
      insertOrder: db.prepare(
        `INSERT INTO orders (local_id, fields, caller_key, status, created_at, origin, save_seq,
           order_no, hub_version, hub_fields, hub_meta, agent_id)
         VALUES (?, ?, ?, ?, ?, ?, coalesce((SELECT max(save_seq) FROM orders), 0) + 1,
           ?, ?, ?, ?, ?)`,
      ),
      insertOutbox: db.prepare(
        `INSERT INTO outbox (mutation_id, name, order_id, args, created_at, agent_id)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      getOrder: db.prepare(`SELECT ${ORDER_COLUMNS} FROM orders o WHERE local_id = ?`),
      getVisible: db.prepare(
        `SELECT ${ORDER_COLUMNS} FROM orders o WHERE local_id = ? AND ${mine('o.agent_id')}`,
      ),
      hubOf: db.prepare(`SELECT hub_version, hub_fields FROM orders WHERE local_id = ?`),
      sealedArgs: db.prepare(`SELECT args FROM outbox WHERE mutation_id = ?`),
      outboxCountOf: db.prepare(`SELECT count(*) AS n FROM outbox WHERE order_id = ?`),
      markSynced: db.prepare(
        `UPDATE orders SET status = 'synced' WHERE local_id = ? AND status = 'pending'`,
      ),
      byOrderNo: db.prepare(`SELECT local_id FROM orders WHERE order_no = ?`),
      listRecent: db.prepare(
        `SELECT ${ORDER_COLUMNS} FROM orders o WHERE ${mine('o.agent_id')}
         ORDER BY save_seq DESC LIMIT ?`,
      ),
      outboxHead: db.prepare(
        `SELECT x.*, o.order_no FROM outbox x JOIN orders o ON o.local_id = x.order_id
         WHERE ${mine('x.agent_id')} ORDER BY x.seq LIMIT ?`,
      ),
      outboxOf: db.prepare(
        `SELECT x.*, NULL AS order_no FROM outbox x WHERE x.order_id = ? ORDER BY x.seq`,
      ),
      outboxLength: db.prepare(`SELECT count(*) AS n FROM outbox x WHERE ${mine('x.agent_id')}`),
      deleteOutbox: db.prepare(`DELETE FROM outbox WHERE mutation_id = ?`),
      markRejected: db.prepare(
        `UPDATE orders SET status = 'rejected', reject_reason = ? WHERE local_id = ?`,
      ),
      setLocal: db.prepare(
        `UPDATE orders SET fields = ?, caller_key = ?, status = ? WHERE local_id = ?`,
      ),
      setHub: db.prepare(
        `UPDATE orders SET order_no = ?, hub_version = ?, hub_fields = ?,
           hub_meta = coalesce(?, hub_meta), reject_reason = CASE WHEN ? THEN NULL ELSE reject_reason END
         WHERE local_id = ?`,
      ),
      conflictsOf: db.prepare(`SELECT conflict_id, body FROM conflicts WHERE local_id = ?`),
      allConflicts: db.prepare(
        `SELECT c.local_id, c.body FROM conflicts c JOIN orders o ON o.local_id = c.local_id
         WHERE ${mine('o.agent_id')} ORDER BY o.save_seq, c.conflict_id`,
      ),
      getConflict: db.prepare(
        `SELECT c.local_id, c.body FROM conflicts c JOIN orders o ON o.local_id = c.local_id
         WHERE c.conflict_id = ? AND ${mine('o.agent_id')}`,
      ),
      insertConflict: db.prepare(
        `INSERT INTO conflicts (conflict_id, local_id, body) VALUES (?, ?, ?)
         ON CONFLICT (conflict_id) DO UPDATE SET local_id = excluded.local_id, body = excluded.body`,
      ),
      deleteConflict: db.prepare(`DELETE FROM conflicts WHERE conflict_id = ?`),
      pendingResolves: db.prepare(`SELECT args FROM outbox WHERE name = 'conflict.resolve'`),
      insertRejected: db.prepare(
        `INSERT OR IGNORE INTO rejected
           (mutation_id, name, local_id, order_no, code, reason, args, at, agent_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      listRejected: db.prepare(`SELECT * FROM rejected r WHERE ${mine('r.agent_id')} ORDER BY seq`),
      getRejected: db.prepare(
        `SELECT * FROM rejected r WHERE mutation_id = ? AND ${mine('r.agent_id')}`,
      ),
      deleteRejected: db.prepare(`DELETE FROM rejected WHERE mutation_id = ?`),
      deleteOrder: db.prepare(
        `DELETE FROM orders WHERE local_id = ? AND status = 'rejected'
           AND NOT EXISTS (SELECT 1 FROM outbox WHERE order_id = ?)`,
      ),
      deleteDraft: db.prepare(`DELETE FROM drafts WHERE slot = ?`),
      count: db.prepare(
        `SELECT (SELECT count(*) FROM outbox x WHERE ${mine('x.agent_id')}) AS outbox,
           (SELECT count(*) FROM rejected r WHERE ${mine('r.agent_id')}) AS rejected,
           (SELECT count(*) FROM conflicts c JOIN orders o ON o.local_id = c.local_id
             WHERE ${mine('o.agent_id')}) AS conflicts`,
      ),
      getKv: db.prepare(`SELECT value FROM kv WHERE key = ?`),
      setKv: db.prepare(
        `INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      ),
    };
  }

  /**
   * Saves a new order and its `order.create` mutation in one transaction (and clears the
   * draft of `draftSlot` in it): either all of it is stored afterwards or none.
   */
  async create(input: OrderInput, draftSlot?: string, now = new Date()): Promise<LocalOrder> {
    const sealer = this.sealer.get();
    const localId = randomUUID();
    const mutationId = randomUUID();
    const createdAt = now.toISOString();
    const sealed = sealer.seal(JSON.stringify(input));
    const callerKey = this.callerKeys(input.callerNumber)[0] ?? '';
    const agentId = this.agent();

    await this.writer.run(() => {
      this.stmt.insertOrder.run(
        localId,
        sealed,
        callerKey,
        'pending',
        createdAt,
        'seat',
        null,
        null,
        null,
        null,
        agentId,
      );
      this.stmt.insertOutbox.run(mutationId, 'order.create', localId, sealed, createdAt, agentId);
      if (draftSlot) this.stmt.deleteDraft.run(draftSlot);
    }, `save order ${localId}`);

    this.log.info({ localId, mutationId }, `Saved order ${localId} with mutation ${mutationId}.`);
    return this.mustGet(localId);
  }

  /**
   * Edits an order: the local fields change and an `order.update` mutation, based on the
   * hub version the seat holds (null: none yet), joins the outbox, in one transaction.
   * An open conflict on a field edited again is superseded (the hub does the same).
   * Returns null when the order is not on this seat.
   */
  async update(
    localId: string,
    changes: OrderChanges,
    draftSlot?: string,
    now = new Date(),
  ): Promise<LocalOrder | null> {
    const sealer = this.sealer.get();
    const mutationId = randomUUID();
    const agentId = this.agent();
    const found = await this.writer.run(() => {
      const row = this.stmt.getVisible.get(localId, agentId, agentId);
      if (!row) return false;
      if (row.status === 'rejected') {
        throw new OrderNotEditableError(
          `Order ${localId} was refused by the hub (${row.reject_reason}); it cannot be edited.`,
        );
      }
      const args = { baseVersion: row.hub_version, changes };
      this.stmt.insertOutbox.run(
        mutationId,
        'order.update',
        localId,
        sealer.seal(JSON.stringify(args)),
        now.toISOString(),
        agentId,
      );
      for (const conflict of this.conflictRows(localId)) {
        if (conflict.field in changes) this.stmt.deleteConflict.run(conflict.conflictId);
      }
      this.recompute(localId);
      if (draftSlot) this.stmt.deleteDraft.run(draftSlot);
      return true;
    }, `edit order ${localId}`);
    if (!found) return null;

    const fields = Object.keys(changes).join(', ');
    this.log.info({ localId, mutationId }, `Edited ${fields} of order ${localId} (${mutationId}).`);
    return this.mustGet(localId);
  }

  /** The order, when it is the current agent's (or of no known agent). */
  get(localId: string): LocalOrder | null {
    const a = this.agent();
    const row = this.stmt.getVisible.get(localId, a, a);
    return row ? this.toOrder(row) : null;
  }

  /** Newest save first. An empty or missing number lists the seat's latest orders. */
  list(filter: { callerNumber?: string; limit: number }): LocalOrder[] {
    const raw = filter.callerNumber?.trim() ?? '';
    const a = this.agent();
    if (raw === '') return this.stmt.listRecent.all(a, a, filter.limit).map((r) => this.toOrder(r));

    const keys = this.callerKeys(raw);
    const rows = this.db
      .prepare<unknown[], OrderRow>(
        `SELECT ${ORDER_COLUMNS} FROM orders o
         WHERE caller_key IN (${keys.map(() => '?').join(', ')}) AND ${mine('o.agent_id')}
         ORDER BY save_seq DESC LIMIT ?`,
      )
      .all(...keys, a, a, filter.limit);
    return rows.map((r) => this.toOrder(r));
  }

  /**
   * The current agent's outbox entries, refused mutations not dismissed and open conflicts
   * (with those of no known agent). No key needed.
   */
  counts(): { pending: number; rejected: number; conflicts: number } {
    const a = this.agent();
    const row = this.stmt.count.get(a, a, a, a, a, a);
    return {
      pending: row?.outbox ?? 0,
      rejected: row?.rejected ?? 0,
      conflicts: row?.conflicts ?? 0,
    };
  }

  /** The agent the store serves now (null: none set, every row). */
  currentAgent(): string | null {
    return this.agent();
  }

  /**
   * The current agent's oldest `limit` outbox entries (and those of no known agent), in
   * push order; other agents' entries wait for their agent to sign in here.
   */
  outboxHead(limit: number): OutboxEntry[] {
    const a = this.agent();
    return this.stmt.outboxHead.all(a, a, limit).map((row) => this.toEntry(row));
  }

  /** How many entries outboxHead would go through. */
  outboxLength(): number {
    const a = this.agent();
    return this.stmt.outboxLength.get(a, a)?.n ?? 0;
  }

  /**
   * Applies the answers to a push, each entry leaving the outbox in the transaction that
   * records its answer:
   *   applied / duplicate  the hub's number and version; its values become the hub's
   *                        (a field in conflict keeps the hub's value, the conflict is kept)
   *   rejected             a RejectedMutation for the agent; a refused create marks its
   *                        order rejected
   */
  async applyPushResults(
    outcomes: readonly PushOutcome[],
    now = new Date(),
  ): Promise<AppliedChanges> {
    if (outcomes.length === 0) return { orders: [], rejected: [], conflictsChanged: false };
    const sealer = this.sealer.get();
    let conflictsChanged = false;
    await this.writer.run(() => {
      conflictsChanged = false;
      for (const { entry, result } of outcomes) {
        if (result.status === 'rejected') {
          this.recordRejection(entry, result.code, result.reason, now);
        } else {
          const conflicts = result.status === 'applied' ? (result.conflicts ?? []) : [];
          this.acknowledge(entry, result.orderNo, result.version, conflicts);
          for (const conflict of conflicts) {
            this.stmt.insertConflict.run(
              conflict.conflictId,
              entry.orderId,
              sealer.seal(JSON.stringify(conflict)),
            );
            conflictsChanged = true;
          }
        }
        this.stmt.deleteOutbox.run(entry.mutationId);
      }
      this.settle(outcomes);
    }, `apply ${outcomes.length} push results`);

    const rejectedIds = new Set(
      outcomes.filter((o) => o.result.status === 'rejected').map((o) => o.entry.mutationId),
    );
    return {
      orders: this.getMany(outcomes.map((o) => o.entry.orderId)),
      rejected: this.rejected().filter((r) => rejectedIds.has(r.mutationId)),
      conflictsChanged,
    };
  }

  /**
   * Takes in one page of a pull, with the cursor, in one transaction (a crash never skips
   * a page): an order the seat holds (its own by clientOrderId, else by number) takes the
   * hub's values when newer; one it does not hold is added with origin `hub`. The open
   * conflicts of each pulled order are replaced by the hub's list, except those the agent
   * has decided here and whose decision is still in the outbox.
   *
   * `rebase` (a pull from 0 after the hub was restored from an older backup): the hub's
   * values and version replace the seat's even when its version is not newer.
   */
  async applyPulled(
    orders: readonly HubOrder[],
    conflicts: readonly OrderConflict[],
    cursor: string,
    options: { rebase?: boolean } = {},
  ): Promise<{ orders: LocalOrder[]; conflictsChanged: boolean }> {
    const sealer = this.sealer.get();
    const changed: string[] = [];
    let conflictsChanged = false;
    await this.writer.run(() => {
      changed.length = 0;
      conflictsChanged = false;
      const deciding = new Set(
        this.stmt.pendingResolves
          .all()
          .map((r) => (JSON.parse(sealer.open(r.args)) as { conflictId: string }).conflictId),
      );
      for (const order of orders) {
        const localId = this.takeHubOrder(order, options.rebase ?? false);
        if (localId) changed.push(localId);
        const id = localId ?? this.localIdOf(order);
        if (!id) continue;
        const before = this.conflictRows(id).map((c) => c.conflictId);
        for (const conflictId of before) this.stmt.deleteConflict.run(conflictId);
        const now = conflicts.filter(
          (c) =>
            c.orderNo === order.orderNo && c.resolution === null && !deciding.has(c.conflictId),
        );
        for (const c of now) {
          this.stmt.insertConflict.run(c.conflictId, id, sealer.seal(JSON.stringify(c)));
        }
        if (before.length !== now.length || now.some((c) => !before.includes(c.conflictId))) {
          conflictsChanged = true;
          changed.push(id);
        }
      }
      this.stmt.setKv.run(KV_PULL_CURSOR, cursor);
    }, `apply a pull of ${orders.length} orders`);
    return { orders: this.getMany(changed), conflictsChanged };
  }

  pullCursor(): string | null {
    return this.stmt.getKv.get(KV_PULL_CURSOR)?.value ?? null;
  }

  /** Open conflicts on the current agent's orders (and those of no known agent). */
  conflicts(): LocalConflict[] {
    const sealer = this.sealer.get();
    const a = this.agent();
    return this.stmt.allConflicts.all(a, a).map((row) => ({
      ...(JSON.parse(sealer.open(row.body)) as OrderConflict),
      localId: row.local_id,
    }));
  }

  /**
   * The agent's decision on a conflict: a `conflict.resolve` mutation joins the outbox and
   * the conflict leaves the list in one transaction; `seat` shows the seat's value at once.
   * Returns null when no such conflict is open here.
   */
  async resolveConflict(conflictId: string, choice: 'hub' | 'seat'): Promise<LocalOrder | null> {
    const sealer = this.sealer.get();
    const mutationId = randomUUID();
    const agentId = this.agent();
    const localId = await this.writer.run(() => {
      const row = this.stmt.getConflict.get(conflictId, agentId, agentId);
      if (!row) return null;
      const conflict = JSON.parse(sealer.open(row.body)) as OrderConflict;
      const args = { conflictId, choice, field: conflict.field, seatValue: conflict.seatValue };
      this.stmt.insertOutbox.run(
        mutationId,
        'conflict.resolve',
        row.local_id,
        sealer.seal(JSON.stringify(args)),
        new Date().toISOString(),
        agentId,
      );
      this.stmt.deleteConflict.run(conflictId);
      this.recompute(row.local_id);
      return row.local_id;
    }, `decide conflict ${conflictId}`);
    if (!localId) return null;
    this.log.info({ conflictId, mutationId, choice }, `Conflict ${conflictId} decided: ${choice}.`);
    return this.mustGet(localId);
  }

  /** Refused mutations the current agent has not dismissed, oldest first. */
  rejected(): RejectedMutation[] {
    const a = this.agent();
    return this.stmt.listRejected.all(a, a).map((row) => ({
      mutationId: row.mutation_id,
      name: row.name,
      localId: row.local_id,
      orderNo: row.order_no,
      code: row.code,
      reason: row.reason,
      at: row.at,
    }));
  }

  /**
   * The agent has seen a refusal: it leaves the list, and so does its refused order (a
   * refused create with nothing else waiting for it). False when there is no such refusal.
   */
  async dismissRejected(mutationId: string): Promise<boolean> {
    const a = this.agent();
    return this.writer.run(() => {
      const row = this.stmt.getRejected.get(mutationId, a, a);
      if (!row) return false;
      this.stmt.deleteRejected.run(mutationId);
      if (row.name === 'order.create' && row.local_id) {
        this.stmt.deleteOrder.run(row.local_id, row.local_id);
      }
      return true;
    }, `dismiss refusal ${mutationId}`);
  }

  private recordRejection(entry: OutboxEntry, code: RejectCode, reason: string, now: Date): void {
    const sealer = this.sealer.get();
    const row = this.stmt.getOrder.get(entry.orderId);
    this.stmt.insertRejected.run(
      entry.mutationId,
      entry.name,
      entry.orderId,
      row?.order_no ?? null,
      code,
      reason,
      sealer.seal(JSON.stringify(entry.args)),
      now.toISOString(),
      entry.agentId,
    );
    if (entry.name === 'order.create') this.stmt.markRejected.run(reason, entry.orderId);
  }

  /**
   * Brings the orders answered in a push up to date. The common case of a catch-up, a
   * create acknowledged with nothing else waiting for its order, changes only the status:
   * its fields are the create's. Anything else is recomputed from the hub's values.
   */
  private settle(outcomes: readonly PushOutcome[]): void {
    const byOrder = new Map<string, PushOutcome[]>();
    for (const outcome of outcomes) {
      const list = byOrder.get(outcome.entry.orderId) ?? [];
      list.push(outcome);
      byOrder.set(outcome.entry.orderId, list);
    }
    for (const [localId, answered] of byOrder) {
      const [only] = answered;
      const loneCreate =
        answered.length === 1 &&
        only?.entry.name === 'order.create' &&
        only.result.status !== 'rejected' &&
        (this.stmt.outboxCountOf.get(localId)?.n ?? 0) === 0;
      if (loneCreate) this.stmt.markSynced.run(localId);
      else this.recompute(localId);
    }
  }

  /** An applied or duplicate answer: the hub's values are now what the seat sent. */
  private acknowledge(
    entry: OutboxEntry,
    orderNo: string,
    version: number,
    conflicts: readonly OrderConflict[],
  ): void {
    const sealer = this.sealer.get();
    const row = this.stmt.hubOf.get(entry.orderId);
    if (!row) return;
    if (entry.name === 'order.create' && row.hub_fields === null) {
      // The hub holds what the create carried: its sealed text as it is, no new sealing.
      const sealed = this.stmt.sealedArgs.get(entry.mutationId)?.args ?? null;
      this.stmt.setHub.run(
        orderNo,
        Math.max(row.hub_version ?? 0, version),
        sealed,
        null,
        1,
        entry.orderId,
      );
      return;
    }
    const hub = row.hub_fields ? (JSON.parse(sealer.open(row.hub_fields)) as OrderInput) : null;
    if (entry.name === 'order.create') {
      // A duplicate answer to a create the hub already told about: nothing new.
    } else if (hub && entry.name === 'order.update') {
      const fields = hub as Record<string, unknown>;
      Object.assign(fields, entry.args.changes);
      // A field in conflict kept the hub's value, which the conflict carries.
      for (const conflict of conflicts) fields[conflict.field] = conflict.hubValue;
    } else if (hub && entry.name === 'conflict.resolve' && entry.args.choice === 'seat') {
      (hub as Record<string, unknown>)[entry.args.field] = entry.args.seatValue;
    }
    // The version stays the last one pulled: the hub may have changed other fields between
    // that version and this edit's, and the seat has not seen them. Raising it here would
    // make the next pull, which brings exactly those, look old and be skipped, and would
    // send the next edit with a base that claims the seat saw them (the conflict rule
    // would then let it overwrite a lead's change unseen). `hub_fields` is the best guess
    // until that pull.
    this.stmt.setHub.run(
      orderNo,
      row.hub_version,
      hub ? sealer.seal(JSON.stringify(hub)) : null,
      null,
      1,
      entry.orderId,
    );
  }

  /** Takes a pulled order in; answers the local id when the order changed or is new. */
  private takeHubOrder(order: HubOrder, rebase: boolean): string | null {
    const sealer = this.sealer.get();
    const fields = hubFields(order);
    const meta: HubMeta = {
      state: order.state,
      createdAt: order.createdAt,
      deadline: order.deadline,
      lastReply: order.lastReply,
      assignedTo: order.assignedTo,
    };
    const sealedMeta = sealer.seal(JSON.stringify(meta));
    const localId = this.localIdOf(order);
    if (!localId) {
      const id = randomUUID();
      const sealed = sealer.seal(JSON.stringify(fields));
      this.stmt.insertOrder.run(
        id,
        sealed,
        this.callerKeyOf(fields),
        'synced',
        order.createdAt,
        'hub',
        order.orderNo,
        order.version,
        sealed,
        sealedMeta,
        // Pulled for the signed-in agent: theirs or assigned to them.
        this.agent(),
      );
      return id;
    }
    const row = this.stmt.getOrder.get(localId);
    if (!row) return null;
    const newer = row.hub_version === null || row.hub_version < order.version || !row.hub_meta;
    if (!newer && !(rebase && row.hub_version !== order.version)) return null;
    this.stmt.setHub.run(
      order.orderNo,
      rebase ? order.version : Math.max(row.hub_version ?? 0, order.version),
      sealer.seal(JSON.stringify(fields)),
      sealedMeta,
      0,
      localId,
    );
    this.recompute(localId);
    return localId;
  }

  private localIdOf(order: HubOrder): string | null {
    if (order.clientOrderId && this.stmt.getOrder.get(order.clientOrderId)) {
      return order.clientOrderId;
    }
    return this.stmt.byOrderNo.get(order.orderNo)?.local_id ?? null;
  }

  /**
   * fields = the hub's values (or, before the hub knows the order, the create waiting in
   * the outbox) with the outbox's edits and seat-side decisions on top, in outbox order.
   * Runs inside the caller's transaction.
   */
  private recompute(localId: string): void {
    const sealer = this.sealer.get();
    const row = this.stmt.getOrder.get(localId);
    if (!row) return;
    const current = JSON.parse(sealer.open(row.fields)) as OrderInput;
    const entries = this.stmt.outboxOf.all(localId).map((r) => this.toEntry(r));
    const create = entries.find((e) => e.name === 'order.create');
    const base = row.hub_fields
      ? (JSON.parse(sealer.open(row.hub_fields)) as OrderInput)
      : create?.name === 'order.create'
        ? create.args
        : current;
    const fields: Record<string, unknown> = { ...base };
    for (const entry of entries) {
      if (entry.name === 'order.update') Object.assign(fields, entry.args.changes);
      if (entry.name === 'conflict.resolve' && entry.args.choice === 'seat') {
        fields[entry.args.field] = entry.args.seatValue;
      }
    }
    if (current.callId !== undefined) fields.callId = current.callId;
    const input = fields as OrderInput;
    const status: LocalOrder['status'] =
      row.status === 'rejected'
        ? 'rejected'
        : entries.length > 0 || row.order_no === null
          ? 'pending'
          : 'synced';
    this.stmt.setLocal.run(
      sealer.seal(JSON.stringify(input)),
      this.callerKeyOf(input),
      status,
      localId,
    );
  }

  private conflictRows(localId: string): OrderConflict[] {
    const sealer = this.sealer.get();
    return this.stmt.conflictsOf
      .all(localId)
      .map((r) => JSON.parse(sealer.open(r.body)) as OrderConflict);
  }

  private mustGet(localId: string): LocalOrder {
    const order = this.get(localId);
    if (!order) throw new Error(`Order ${localId} vanished from the seat store.`);
    return order;
  }

  /**
   * The orders named that the current agent sees (events go to their desk), read in
   * chunks (a catch-up announces thousands).
   */
  private getMany(localIds: readonly string[]): LocalOrder[] {
    const ids = [...new Set(localIds)];
    const a = this.agent();
    const orders: LocalOrder[] = [];
    for (let i = 0; i < ids.length; i += 200) {
      const chunk = ids.slice(i, i + 200);
      const rows = this.db
        .prepare<unknown[], OrderRow>(
          `SELECT ${ORDER_COLUMNS} FROM orders o
           WHERE local_id IN (${chunk.map(() => '?').join(', ')}) AND ${mine('o.agent_id')}
           ORDER BY save_seq`,
        )
        .all(...chunk, a, a);
      for (const row of rows) orders.push(this.toOrder(row));
    }
    return orders;
  }

  private callerKeyOf(input: { callerNumber: string }): string {
    return this.callerKeys(input.callerNumber)[0] ?? '';
  }

  private callerKeys(rawNumber: string): string[] {
    const number = callerNumberKey(rawNumber);
    return number === '' ? [''] : this.sealer.get().lookupKeys(number);
  }

  private toEntry(row: OutboxRow): OutboxEntry {
    const args = JSON.parse(this.sealer.get().open(row.args)) as OutboxPayload['args'];
    return {
      seq: row.seq,
      mutationId: row.mutation_id,
      orderId: row.order_id,
      orderNo: row.order_no,
      agentId: row.agent_id,
      createdAt: row.created_at,
      name: row.name,
      args,
    } as OutboxEntry;
  }

  private toOrder(row: OrderRow): LocalOrder {
    const sealer = this.sealer.get();
    const meta = row.hub_meta ? (JSON.parse(sealer.open(row.hub_meta)) as HubMeta) : null;
    return {
      localId: row.local_id,
      status: row.status,
      orderNo: row.order_no,
      rejectReason: row.reject_reason,
      origin: row.origin,
      createdAt: row.created_at,
      input: JSON.parse(sealer.open(row.fields)) as OrderInput,
      hub: meta && row.hub_version !== null ? { version: row.hub_version, ...meta } : null,
      pendingEdits: row.pending_edits,
      openConflicts: row.open_conflicts,
    };
  }
}

interface RejectedRow {
  seq: number;
  mutation_id: string;
  name: RejectedMutation['name'];
  local_id: string | null;
  order_no: string | null;
  code: RejectCode;
  reason: string;
  args: string;
  at: string;
}

/** The fields of a hub order an agent types, as the seat keeps them. */
function hubFields(order: HubOrder): OrderInput {
  return {
    type: order.type,
    category: order.category as OrderInput['category'],
    territory: order.territory as OrderInput['territory'],
    summary: order.summary,
    citizenName: order.citizenName,
    citizenAddress: order.citizenAddress,
    callerNumber: order.callerNumber,
    // The call it was taken on, so a lead's seat finds its recording (an older hub: none).
    ...(order.callId ? { callId: order.callId } : {}),
  };
}
