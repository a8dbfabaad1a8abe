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
import type { PushItem } from '../store/repository.js';

/**
 * A seat pushes its outbox (protocol 2: creates, updates and conflict decisions). The
 * whole batch is validated before anything is stored: one malformed mutation refuses the
 * request (400 naming the field) and the seat must fix it, so a batch is never half
 * applied. Valid batches are applied in one transaction, in order; each mutation id at
 * most once, ever (a retry answers `duplicate` with the same order). A mutation the hub
 * will not apply is `rejected` with a code and is not recorded, so nothing is half done.
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
    const items = push.mutations.map((m): PushItem => {
      switch (m.name) {
        case 'order.create':
          return {
            kind: 'create',
            mutationId: m.id,
            clientOrderId: m.clientOrderId,
            input: m.args,
            deadline: deadlineOf(m.args.type),
          };
        case 'order.update':
          return {
            kind: 'update',
            mutationId: m.id,
            order: m.order,
            baseVersion: m.baseVersion,
            changes: m.changes,
          };
        case 'conflict.resolve':
          return { kind: 'resolve', mutationId: m.id, conflictId: m.conflictId, choice: m.choice };
      }
    });
    const results = await ctx.store.orders.applyPush({
      seatId: push.seatId,
      agentId: auth.agentId,
      now,
      items,
    });
    const kindOf = new Map(items.map((i) => [i.mutationId, i.kind]));
    const applied = (kind: PushItem['kind']) =>
      results.flatMap((r) =>
        r.status === 'applied' && kindOf.get(r.id) === kind ? [r.orderNo] : [],
      );
    const created = applied('create');
    const changed = [...new Set([...applied('update'), ...applied('resolve')])];
    const detail = `seat=${push.seatId}`;
    await recordAudit(ctx, request, 'create', created.map(auditSubject.order), detail);
    await recordAudit(ctx, request, 'update', changed.map(auditSubject.order), detail);
    // The other agents concerned (an assignee, the order's owner) hear it at once.
    for (const agent of await ctx.store.orders.concernedAgents(changed)) {
      if (agent !== auth.agentId) ctx.events.publish(agent, { type: 'orders.changed' });
    }
    const tally = { applied: 0, duplicate: 0, rejected: 0 };
    for (const r of results) tally[r.status] += 1;
    log.info(
      { seatId: push.seatId, agent: auth.agentId, mutations: results.length, ...tally },
      'sync push applied',
    );
    return { protocol: SYNC_PROTOCOL_VERSION, results };
  });
}
