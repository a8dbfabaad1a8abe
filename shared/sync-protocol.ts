import { z } from 'zod';
import { queryInt } from './query-int.js';
import {
  HubOrderSchema,
  OrderChangesSchema,
  OrderConflictSchema,
  OrderInputSchema,
  OrderNoSchema,
} from './order.js';

/**
 * The seat-to-hub sync protocol, version 2.
 *
 * A seat writes each change to its order table and to an outbox of mutations in one
 * transaction. It pushes the outbox in order, in batches; the hub applies each mutation
 * id at most once and answers per mutation. Only after the answer does the seat remove
 * acknowledged entries. Pulls return hub changes after a cursor the hub made, so no
 * ordering depends on a seat's clock.
 *
 *   outbox entry --push--> applied    (hub order number + version, entry removed;
 *                     |                conflicts listed when some fields lost, see below)
 *                     \--> duplicate  (already applied: same order number, entry removed)
 *                      \-> rejected   (reason shown to the agent, never retried)
 *
 * Mutations:
 *   order.create     a new order, with the seat's own id for it (clientOrderId)
 *   order.update     changed fields of an order, with the hub version the seat last saw
 *   conflict.resolve a person's decision on a conflict: keep the hub's value, or the seat's
 *
 * The conflict rule (an order changed on the seat, offline, and at the hub meanwhile),
 * decided field by field when an `order.update` arrives:
 *   - A field the update does not name is left alone.
 *   - A named field the hub has not changed since `baseVersion` takes the seat's value.
 *     Changes that came from the same seat's earlier mutations do not count: a seat may
 *     edit the same field twice while offline.
 *   - A named field that someone else changed since `baseVersion` (a lead, a unit, another
 *     seat) keeps the hub's value, and the hub records a conflict holding both values.
 *     The mutation is still `applied` (its other fields took effect) and its result lists
 *     the conflicts. The seat shows them; the agent (or a lead at the hub) decides with
 *     `conflict.resolve`: `seat` writes the seat's value as a new change, `hub` keeps
 *     the hub's. A later edit of the same field supersedes an open conflict on it.
 *   - `baseVersion: null` means the seat never saw a hub version of the order (it was
 *     created offline and is still unacknowledged): every change after its creation by
 *     someone else counts.
 * Nothing is dropped: every value sent stays in the hub's revision or conflict log.
 */
export const SYNC_PROTOCOL_VERSION = 2;

/** A batch is capped by count and by bytes; the hub answers 413 above its body limit. */
export const PUSH_MAX_MUTATIONS = 200;
export const PUSH_MAX_BYTES = 1_000_000;

export const OrderCreateMutationSchema = z.strictObject({
  /** Client-made unique id (UUID); the idempotency key. */
  id: z.uuid(),
  name: z.literal('order.create'),
  /** The seat's local id of the order, echoed back in pulls. */
  clientOrderId: z.uuid(),
  args: OrderInputSchema,
});

/** Which order a mutation is about: the hub's number once known, else the seat's id. */
export const OrderRefSchema = z.union([
  z.strictObject({ orderNo: OrderNoSchema }),
  z.strictObject({ clientOrderId: z.uuid() }),
]);
export type OrderRef = z.infer<typeof OrderRefSchema>;

export const OrderUpdateMutationSchema = z.strictObject({
  id: z.uuid(),
  name: z.literal('order.update'),
  order: OrderRefSchema,
  /** The order's hub version the seat's edit was based on; null: none seen yet. */
  baseVersion: z.number().int().nonnegative().nullable(),
  changes: OrderChangesSchema,
});

export const ConflictResolveMutationSchema = z.strictObject({
  id: z.uuid(),
  name: z.literal('conflict.resolve'),
  conflictId: z.string().min(1).max(64),
  choice: z.enum(['hub', 'seat']),
});

export const MutationSchema = z.discriminatedUnion('name', [
  OrderCreateMutationSchema,
  OrderUpdateMutationSchema,
  ConflictResolveMutationSchema,
]);
export type Mutation = z.infer<typeof MutationSchema>;
export type MutationName = Mutation['name'];
export type OrderCreateMutation = z.infer<typeof OrderCreateMutationSchema>;
export type OrderUpdateMutation = z.infer<typeof OrderUpdateMutationSchema>;
export type ConflictResolveMutation = z.infer<typeof ConflictResolveMutationSchema>;

export const PushRequestSchema = z.strictObject({
  protocol: z.literal(SYNC_PROTOCOL_VERSION),
  seatId: z.string().min(1).max(64),
  mutations: z.array(MutationSchema).min(1).max(PUSH_MAX_MUTATIONS),
});
export type PushRequest = z.infer<typeof PushRequestSchema>;

/**
 * Why the hub refused a mutation, for the seat to show (the `reason` is an English
 * sentence naming what is wrong; the UI translates the code).
 *   invalid        the mutation breaks a rule the schema cannot express
 *   unknown-order  no such order (or its create was itself rejected)
 *   forbidden      the account may not change that order
 *   taken          the clientOrderId belongs to another mutation's order
 *   unknown-conflict  no such conflict, or it is no longer open
 *   too-large      the seat's own verdict: alone in a push, still refused as too large
 */
export const REJECT_CODES = [
  'invalid',
  'unknown-order',
  'forbidden',
  'taken',
  'unknown-conflict',
  'too-large',
] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

export const MutationResultSchema = z.discriminatedUnion('status', [
  z.object({
    id: z.string(),
    status: z.literal('applied'),
    orderNo: z.string(),
    version: z.number().int(),
    /** Fields the hub kept its own value for (order.update only). */
    conflicts: z.array(OrderConflictSchema).optional(),
  }),
  z.object({
    id: z.string(),
    status: z.literal('duplicate'),
    orderNo: z.string(),
    version: z.number().int(),
  }),
  z.object({
    id: z.string(),
    status: z.literal('rejected'),
    code: z.enum(REJECT_CODES),
    reason: z.string(),
  }),
]);
export type MutationResult = z.infer<typeof MutationResultSchema>;

export const PushResponseSchema = z.object({
  protocol: z.literal(SYNC_PROTOCOL_VERSION),
  results: z.array(MutationResultSchema),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;

const CursorSchema = z
  .string()
  .regex(/^\d{1,15}$/, 'cursor must be one the hub returned')
  .default('0');

/**
 * Query of a pull (`GET syncPull?cursor=&kbCursor=&seatId=&limit=`). `cursor` and
 * `kbCursor` are the ones the last pull returned ('0' or absent at first).
 *
 * Orders answered: those the signed-in account pushed (from `seatId` only, when given)
 * and those assigned to it, changed after `cursor`, oldest change first.
 *
 * KB: a seat keeps the articles it has shown, for offline use, and the feed keeps them
 * current. A first pull (`kbCursor` '0') answers no KB items and the feed's current end,
 * so a new seat does not download the whole KB; later pulls answer every publish and
 * retire after the cursor, and the seat updates or drops the ones it holds.
 */
export const PullRequestSchema = z.strictObject({
  cursor: CursorSchema,
  kbCursor: CursorSchema,
  seatId: z.string().min(1).max(64).optional(),
  limit: queryInt(1, 1000, 500),
});
export type PullRequest = z.infer<typeof PullRequestSchema>;

/** A KB article published or retired after the seat's kbCursor. */
export const KbChangeFeedItemSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  state: z.enum(['published', 'retired']),
  title: z.string(),
  category: z.string(),
  /** The article's answer text, for a published one; '' for a retired one. */
  answer: z.string(),
});
export type KbChangeFeedItem = z.infer<typeof KbChangeFeedItemSchema>;

export const PullResponseSchema = z.object({
  protocol: z.literal(SYNC_PROTOCOL_VERSION),
  /** Opaque to the seat: pass it back unchanged on the next pull. */
  cursor: z.string(),
  orders: z.array(HubOrderSchema),
  /**
   * The open conflicts of the orders in this page, all of them: a conflict of one of
   * these orders that is not listed is resolved.
   */
  conflicts: z.array(OrderConflictSchema),
  kbCursor: z.string(),
  /** KB changes after kbCursor, oldest first, at most `limit`. */
  kb: z.array(KbChangeFeedItemSchema),
  /** More orders or KB changes wait: pull again at once. */
  hasMore: z.boolean(),
});
export type PullResponse = z.infer<typeof PullResponseSchema>;
