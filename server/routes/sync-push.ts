import type { FastifyInstance } from 'fastify';
import {
  PushRequestSchema,
  PushResponseSchema,
  SYNC_PROTOCOL_VERSION,
  type PushResponse,
} from '../../shared/sync-protocol.js';
import { HUB_PATHS } from '../../shared/hub-api.js';
import type { OrderType } from '../../shared/domain/order-types.js';
import type { HubContext } from '../context.js';
import { auditSubject, recordAudit } from '../auth/audit.js';
import { CALL_ROLES } from '../http/access.js';
import { requireAuth } from '../http/auth.js';
import { parseOrThrow } from '../http/errors.js';
import { orderDeadline } from '../orders/deadline.js';

/**
 * A seat pushes its outbox. The whole batch is validated before anything is stored: one
 * malformed mutation refuses the request (400 naming the field) and the seat must fix
 * it, so a batch is never half applied. Valid batches are applied in one transaction;
 * each mutation id at most once, ever (a retry answers `duplicate` with the same order).
 */
export function registerSyncPush(app: FastifyInstance, ctx: HubContext): void {
  const log = ctx.log.child({ name: 'hub.sync' });

  const api = {
    summary: 'Push a seat’s outbox of mutations',
    body: PushRequestSchema,
    response: PushResponseSchema,
    errors: [413],
  };
  const options = { bodyLimit: ctx.bodyLimit, config: { access: CALL_ROLES, api } };
  app.post(HUB_PATHS.syncPush, options, async (request): Promise<PushResponse> => {
    const auth = requireAuth(request);
    const push = parseOrThrow(PushRequestSchema, request.body);
    const now = ctx.clock.now();
    // One deadline per order type: the whole push is accepted at `now` (the holiday
    // calendar look-up is a fifth of a push's time when done per mutation).
    const deadlines = new Map<OrderType, string | null>();
    const deadlineOf = (type: OrderType): string | null => {
      if (!deadlines.has(type)) deadlines.set(type, orderDeadline(type, now));
      return deadlines.get(type) ?? null;
    };
    const results = await ctx.store.orders.applyPush({
      seatId: push.seatId,
      agentId: auth.agentId,
      now,
      items: push.mutations.map((m) => ({
        mutationId: m.id,
        clientOrderId: m.clientOrderId,
        input: m.args,
        deadline: deadlineOf(m.args.type),
      })),
    });
    const created = results.flatMap((r) => (r.status === 'applied' ? [r.orderNo] : []));
    await recordAudit(
      ctx,
      request,
      'create',
      created.map(auditSubject.order),
      `seat=${push.seatId}`,
    );
    const tally = { applied: 0, duplicate: 0, rejected: 0 };
    for (const r of results) tally[r.status] += 1;
    log.info(
      { seatId: push.seatId, agent: auth.agentId, mutations: results.length, ...tally },
      'sync push applied',
    );
    return { protocol: SYNC_PROTOCOL_VERSION, results };
  });
}
