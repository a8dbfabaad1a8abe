import { randomUUID } from 'node:crypto';
import type { Selectable, Transaction, Updateable } from 'kysely';
import { normalizePhone } from '../../../shared/domain/phone.js';
import type {
  HubOrder,
  OrderChanges,
  OrderConflict,
  OrderEditableField,
  OrderRevision,
} from '../../../shared/order.js';
import type { OrderRef } from '../../../shared/sync-protocol.js';
import { takeVersions } from './context.js';
import type { HubTables, OrderConflictsTable, OrderRevisionsTable, OrdersTable } from './schema.js';

/**
 * Changes of orders after their creation, inside a transaction that holds the numbering
 * lock (see lockNumbering): the conflict rule of shared/sync-protocol.ts, the revision
 * log and the conflict log. Every change takes the next global version, so a pull
 * (`version > cursor`) sees the order again.
 */

/** The columns an order is read with (not seat, agent or caller key). */
export const ORDER_COLUMNS = [
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
  'assigned_to',
  'version',
  'call_id',
] as const;

export type ReadRow = Pick<Selectable<OrdersTable>, (typeof ORDER_COLUMNS)[number]>;

/** An order as a change sees it: what is read, plus who owns it. */
export type LoadedOrder = ReadRow & Pick<Selectable<OrdersTable>, 'agent_id' | 'seat_id'>;

export function toHubOrder(row: ReadRow): HubOrder {
  return {
    orderNo: row.order_no,
    clientOrderId: row.client_order_id,
    type: row.type as HubOrder['type'],
    category: row.category,
    territory: row.territory,
    summary: row.summary,
    citizenName: row.citizen_name,
    citizenAddress: row.citizen_address,
    callerNumber: row.caller_number,
    state: row.state as HubOrder['state'],
    createdAt: new Date(row.created_at).toISOString(),
    deadline: row.deadline,
    lastReply: row.last_reply,
    assignedTo: row.assigned_to,
    version: row.version,
    callId: row.call_id,
  };
}

/** The column of each field a seat or a lead may edit. */
const FIELD_COLUMN = {
  type: 'type',
  category: 'category',
  territory: 'territory',
  summary: 'summary',
  citizenName: 'citizen_name',
  citizenAddress: 'citizen_address',
  callerNumber: 'caller_number',
} as const satisfies Record<OrderEditableField, keyof ReadRow>;

/** Who makes a change: an account, or `seat:<id>` with the seat and mutation. */
export interface ChangeActor {
  by: string;
  seatId: string | null;
  mutationId: string | null;
  at: number;
  note?: string | null;
}

/** One field's move, as the revision log keeps it. */
interface FieldMove {
  field: string;
  oldValue: string | null;
  newValue: string | null;
}

export function seatActor(seatId: string): string {
  return `seat:${seatId}`;
}

export async function loadOrder(
  tx: Transaction<HubTables>,
  ref: OrderRef,
): Promise<LoadedOrder | undefined> {
  const query = tx.selectFrom('orders').select([...ORDER_COLUMNS, 'agent_id', 'seat_id']);
  return 'orderNo' in ref
    ? query.where('order_no', '=', ref.orderNo).executeTakeFirst()
    : query.where('client_order_id', '=', ref.clientOrderId).executeTakeFirst();
}

/** Whether `agentId` may change the order: it pushed it, or the order is assigned to it. */
export function mayChange(order: LoadedOrder, agentId: string): boolean {
  return order.agent_id === agentId || order.assigned_to === agentId;
}

/** The owner and assignee of an order: whose seats hear that it changed. */
export function concerned(order: Pick<LoadedOrder, 'agent_id' | 'assigned_to'>): string[] {
  const agents = [order.agent_id, order.assigned_to].filter((a): a is string => a !== null);
  return [...new Set(agents)];
}

/**
 * Who last changed each of `fields` after `afterVersion`, leaving out changes that came
 * from `exceptSeat` (a seat's own earlier edits never conflict with its later ones).
 */
export async function changedSince(
  tx: Transaction<HubTables>,
  orderNo: string,
  fields: readonly string[],
  afterVersion: number,
  exceptSeat: string | null,
): Promise<Map<string, string>> {
  if (fields.length === 0) return new Map();
  const rows = await tx
    .selectFrom('order_revisions')
    .select(['field', 'actor'])
    .where('order_no', '=', orderNo)
    .where('field', 'in', [...fields])
    .where('version', '>', afterVersion)
    .$call((q) =>
      exceptSeat === null
        ? q
        : q.where((eb) => eb.or([eb('seat_id', 'is', null), eb('seat_id', '<>', exceptSeat)])),
    )
    .orderBy('version')
    .execute();
  return new Map(rows.map((r) => [r.field, r.actor]));
}

/**
 * Writes `set` to the order with the next version and logs `moves` under it. Answers
 * the new version.
 */
async function commitChange(
  tx: Transaction<HubTables>,
  order: LoadedOrder,
  set: Updateable<OrdersTable>,
  moves: readonly FieldMove[],
  actor: ChangeActor,
): Promise<number> {
  const version = await takeVersions(tx, 1);
  await tx
    .updateTable('orders')
    .set({ ...set, version })
    .where('order_no', '=', order.order_no)
    .execute();
  if (moves.length > 0) {
    await tx
      .insertInto('order_revisions')
      .values(
        moves.map((m) => ({
          order_no: order.order_no,
          version,
          field: m.field,
          old_value: m.oldValue,
          new_value: m.newValue,
          actor: actor.by,
          seat_id: actor.seatId,
          mutation_id: actor.mutationId,
          at: actor.at,
          note: actor.note ?? null,
        })),
      )
      .execute();
  }
  return version;
}

/** Marks the open conflicts on `fields` of an order superseded; answers how many. */
async function supersede(
  tx: Transaction<HubTables>,
  orderNo: string,
  fields: readonly string[],
  actor: ChangeActor,
): Promise<number> {
  if (fields.length === 0) return 0;
  const result = await tx
    .updateTable('order_conflicts')
    .set({ resolution: 'superseded', resolved_by: actor.by, resolved_at: actor.at })
    .where('order_no', '=', orderNo)
    .where('field', 'in', [...fields])
    .where('resolution', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The column writes and revision moves that take `changes` into the order. */
function fieldWrites(
  order: LoadedOrder,
  changes: OrderChanges,
  fields: readonly OrderEditableField[],
): { set: Updateable<OrdersTable>; moves: FieldMove[] } {
  const set: Updateable<OrdersTable> = {};
  const moves: FieldMove[] = [];
  for (const field of fields) {
    const value = changes[field];
    const column = FIELD_COLUMN[field];
    if (value === undefined || value === order[column]) continue;
    set[column] = value as never;
    if (field === 'callerNumber') set.caller_key = normalizePhone(value);
    moves.push({ field, oldValue: order[column], newValue: value });
  }
  return { set, moves };
}

function editedFields(changes: OrderChanges): OrderEditableField[] {
  return (Object.keys(FIELD_COLUMN) as OrderEditableField[]).filter(
    (f) => changes[f] !== undefined,
  );
}

/**
 * A seat's `order.update`, by the conflict rule: a named field someone else changed
 * after `baseVersion` keeps the hub's value and gets a conflict row (unless both values
 * agree); the other named fields take the seat's value. Either way an open conflict on a
 * named field is superseded. Answers the order's version after it and the new conflicts.
 */
export async function applySeatEdit(
  tx: Transaction<HubTables>,
  order: LoadedOrder,
  baseVersion: number | null,
  changes: OrderChanges,
  actor: ChangeActor & { seatId: string; mutationId: string },
  agentId: string,
): Promise<{ version: number; conflicts: OrderConflict[] }> {
  const fields = editedFields(changes);
  const contested = await changedSince(tx, order.order_no, fields, baseVersion ?? 0, actor.seatId);
  const taken = fields.filter((f) => !contested.has(f));
  const conflicts: OrderConflict[] = [];
  for (const field of fields) {
    const hubChangedBy = contested.get(field);
    const seatValue = changes[field] as string;
    const hubValue = order[FIELD_COLUMN[field]];
    if (hubChangedBy === undefined || seatValue === hubValue) continue;
    conflicts.push({
      conflictId: randomUUID(),
      orderNo: order.order_no,
      field,
      seatValue,
      hubValue,
      hubChangedBy,
      seatId: actor.seatId,
      mutationId: actor.mutationId,
      detectedAt: new Date(actor.at).toISOString(),
      resolution: null,
    });
  }
  const { set, moves } = fieldWrites(order, changes, taken);
  const superseded = await supersede(tx, order.order_no, fields, actor);
  if (moves.length === 0 && conflicts.length === 0 && superseded === 0) {
    return { version: order.version, conflicts };
  }
  const version = await commitChange(tx, order, set, moves, actor);
  if (conflicts.length > 0) {
    await tx
      .insertInto('order_conflicts')
      .values(conflicts.map((c) => conflictRow(c, agentId, actor.at)))
      .execute();
  }
  return { version, conflicts };
}

/**
 * An edit at the hub (a lead), optimistic: a named field changed after `baseVersion`
 * by anyone refuses the edit; answers those fields (empty when it went through).
 */
export async function applyHubEdit(
  tx: Transaction<HubTables>,
  order: LoadedOrder,
  baseVersion: number,
  changes: OrderChanges,
  actor: ChangeActor,
): Promise<{ stale: string[] }> {
  const fields = editedFields(changes);
  const changed = await changedSince(tx, order.order_no, fields, baseVersion, null);
  if (changed.size > 0) return { stale: fields.filter((f) => changed.has(f)) };
  const { set, moves } = fieldWrites(order, changes, fields);
  const superseded = await supersede(tx, order.order_no, fields, actor);
  if (moves.length > 0 || superseded > 0) await commitChange(tx, order, set, moves, actor);
  return { stale: [] };
}

/** A unit's reply: the last reply and the state `replied`, logged. */
export async function applyReply(
  tx: Transaction<HubTables>,
  order: LoadedOrder,
  text: string,
  actor: ChangeActor,
): Promise<void> {
  const moves: FieldMove[] = [{ field: 'lastReply', oldValue: order.last_reply, newValue: text }];
  if (order.state !== 'replied') {
    moves.push({ field: 'state', oldValue: order.state, newValue: 'replied' });
  }
  await commitChange(tx, order, { last_reply: text, state: 'replied' }, moves, actor);
}

/** Assigns the order for follow-up (null: to no one), logged. */
export async function applyAssign(
  tx: Transaction<HubTables>,
  order: LoadedOrder,
  agentId: string | null,
  actor: ChangeActor,
): Promise<void> {
  if (agentId === order.assigned_to) return;
  const move = { field: 'assignedTo', oldValue: order.assigned_to, newValue: agentId };
  await commitChange(tx, order, { assigned_to: agentId }, [move], actor);
}

export type ConflictRow = Selectable<OrderConflictsTable>;

function conflictRow(c: OrderConflict, agentId: string, at: number): ConflictRow {
  return {
    conflict_id: c.conflictId,
    order_no: c.orderNo,
    field: c.field,
    seat_value: c.seatValue,
    hub_value: c.hubValue,
    hub_changed_by: c.hubChangedBy,
    seat_id: c.seatId,
    agent_id: agentId,
    mutation_id: c.mutationId,
    detected_at: at,
    resolution: null,
    resolved_by: null,
    resolved_at: null,
  };
}

export function toConflict(row: ConflictRow): OrderConflict {
  return {
    conflictId: row.conflict_id,
    orderNo: row.order_no,
    field: row.field as OrderEditableField,
    seatValue: row.seat_value,
    hubValue: row.hub_value,
    hubChangedBy: row.hub_changed_by,
    seatId: row.seat_id,
    mutationId: row.mutation_id,
    detectedAt: new Date(row.detected_at).toISOString(),
    resolution:
      row.resolution === null
        ? null
        : {
            choice: row.resolution as 'hub' | 'seat' | 'superseded',
            by: row.resolved_by ?? '',
            at: new Date(row.resolved_at ?? 0).toISOString(),
          },
  };
}

export function toRevision(row: Selectable<OrderRevisionsTable>): OrderRevision {
  return {
    version: row.version,
    field: row.field,
    oldValue: row.old_value,
    newValue: row.new_value,
    by: row.actor,
    seatId: row.seat_id,
    mutationId: row.mutation_id,
    at: new Date(row.at).toISOString(),
    note: row.note,
  };
}

export async function openConflict(
  tx: Transaction<HubTables>,
  conflictId: string,
): Promise<ConflictRow | undefined> {
  return tx
    .selectFrom('order_conflicts')
    .selectAll()
    .where('conflict_id', '=', conflictId)
    .where('resolution', 'is', null)
    .executeTakeFirst();
}

/**
 * A person's decision on an open conflict: `seat` writes the seat's value as a change,
 * `hub` keeps the hub's; both are recorded on the conflict and give the order a version.
 * Answers the conflict as decided.
 */
export async function decideConflict(
  tx: Transaction<HubTables>,
  order: LoadedOrder,
  conflict: ConflictRow,
  choice: 'hub' | 'seat',
  actor: ChangeActor,
): Promise<OrderConflict> {
  const field = conflict.field as OrderEditableField;
  const writes =
    choice === 'seat'
      ? fieldWrites(order, { [field]: conflict.seat_value }, [field])
      : { set: {}, moves: [] };
  const note = actor.note ?? `conflict ${conflict.conflict_id}: ${choice} value chosen`;
  await commitChange(tx, order, writes.set, writes.moves, { ...actor, note });
  await tx
    .updateTable('order_conflicts')
    .set({ resolution: choice, resolved_by: actor.by, resolved_at: actor.at })
    .where('conflict_id', '=', conflict.conflict_id)
    .execute();
  return toConflict({
    ...conflict,
    resolution: choice,
    resolved_by: actor.by,
    resolved_at: actor.at,
  });
}
