import { z } from 'zod';
import { queryInt } from './query-int.js';
import { HubOrderSchema, OrderInputSchema } from './order.js';

/**
 * The seat-to-hub sync protocol, version 1.
 *
 * A seat writes each change to its order table and to an outbox of mutations in one
 * transaction. It pushes the outbox in order, in batches; the hub applies each mutation
 * id at most once and answers per mutation. Only after the answer does the seat remove
 * acknowledged entries. Pulls return hub changes after a cursor the hub made, so no
 * ordering depends on a seat's clock.
 *
 *   outbox entry --push--> applied    (hub order number + version, entry removed)
 *                     \--> duplicate  (already applied: same order number, entry removed)
 *                      \-> rejected   (reason shown to the agent, never retried)
 */
export const SYNC_PROTOCOL_VERSION = 1;

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
export const MutationSchema = z.discriminatedUnion('name', [OrderCreateMutationSchema]);
export type Mutation = z.infer<typeof MutationSchema>;

export const PushRequestSchema = z.strictObject({
  protocol: z.literal(SYNC_PROTOCOL_VERSION),
  seatId: z.string().min(1).max(64),
  mutations: z.array(MutationSchema).min(1).max(PUSH_MAX_MUTATIONS),
});
export type PushRequest = z.infer<typeof PushRequestSchema>;

export const MutationResultSchema = z.discriminatedUnion('status', [
  z.object({
    id: z.string(),
    status: z.literal('applied'),
    orderNo: z.string(),
    version: z.number().int(),
  }),
  z.object({
    id: z.string(),
    status: z.literal('duplicate'),
    orderNo: z.string(),
    version: z.number().int(),
  }),
  z.object({ id: z.string(), status: z.literal('rejected'), reason: z.string() }),
]);
export type MutationResult = z.infer<typeof MutationResultSchema>;

export const PushResponseSchema = z.object({
  protocol: z.literal(SYNC_PROTOCOL_VERSION),
  results: z.array(MutationResultSchema),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;

/**
 * Query of a pull (`GET syncPull?cursor=&seatId=&limit=`). `cursor` is the one the last
 * pull returned ('0' or absent at first). With `seatId`, the hub returns orders pushed
 * from that seat; without it, orders pushed by the signed-in agent from any seat.
 */
export const PullRequestSchema = z.strictObject({
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'cursor must be one the hub returned')
    .default('0'),
  seatId: z.string().min(1).max(64).optional(),
  limit: queryInt(1, 1000, 500),
});
export type PullRequest = z.infer<typeof PullRequestSchema>;

export const PullResponseSchema = z.object({
  protocol: z.literal(SYNC_PROTOCOL_VERSION),
  /** Opaque to the seat: pass it back unchanged on the next pull. */
  cursor: z.string(),
  orders: z.array(HubOrderSchema),
  hasMore: z.boolean(),
});
export type PullResponse = z.infer<typeof PullResponseSchema>;
