import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  ConflictResolveRequestSchema,
  HUB_PATHS,
  OrderAssignRequestSchema,
  OrderConflictListSchema,
  OrderEditRequestSchema,
  OrderReplyRequestSchema,
  OrderRevisionListSchema,
} from '../../shared/hub-api.js';
import { HubOrderSchema, OrderConflictSchema, OrderNoSchema } from '../../shared/order.js';
import { auditSubject, recordAudit } from '../auth/audit.js';
import type { HubContext } from '../context.js';
import { ORDER_EDIT_ROLES, ORDER_READ_ROLES, ORDER_REPLY_ROLES } from '../http/access.js';
import { requireAuth } from '../http/auth.js';
import { HttpError, parseOrThrow } from '../http/errors.js';
import { OrderChangeError, type HubActor, type OrderChangeOutcome } from '../store/repository.js';
import { ORDER_ROUTE } from './order.js';

const PLACEHOLDER = 'ORDER';
const orderRoute = (path: (orderNo: string) => string): string =>
  path(PLACEHOLDER).replace(PLACEHOLDER, ':orderNo');
const CONFLICT_ROUTE = HUB_PATHS.conflictResolve('CONFLICT').replace('CONFLICT', ':conflictId');

const OrderParams = z.strictObject({ orderNo: OrderNoSchema });
const ConflictParams = z.strictObject({ conflictId: z.string().min(1).max(64) });
type OrderParamsT = z.infer<typeof OrderParams>;

/** A refused change as an HTTP answer: unknown things 404, a stale edit 409, a bad agent 400. */
function httpError(error: OrderChangeError): HttpError {
  switch (error.code) {
    case 'stale':
      return new HttpError(409, 'stale_order', error.message, `changes.${error.fields[0] ?? ''}`);
    case 'ahead':
      return new HttpError(409, 'base_ahead', error.message, 'baseVersion');
    case 'unknown-agent':
      return new HttpError(400, 'invalid_request', `agentId: ${error.message}`, 'agentId');
    case 'unknown-conflict':
      return new HttpError(404, 'not_found', error.message, 'conflictId');
    case 'unknown-order':
      return new HttpError(404, 'not_found', error.message, 'orderNo');
  }
}

async function refusedAsHttp<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OrderChangeError) throw httpError(error);
    throw error;
  }
}

/**
 * Changes of an order at the hub, and its logs: a lead edits it (optimistically, on the
 * version they saw), a unit replies, a lead assigns it to an agent for follow-up or
 * decides a sync conflict. Each change gives the order the next version, is audited, and
 * tells the seats of the order's agent and assignee to pull (`orders.changed`).
 */
export function registerOrderChanges(app: FastifyInstance, ctx: HubContext): void {
  const log = ctx.log.child({ name: 'hub.orders' });

  const actorOf = (request: FastifyRequest, note?: string): HubActor => ({
    by: requireAuth(request).account,
    at: ctx.clock.now(),
    note: note ?? null,
  });

  /** Audits the change, tells the seats concerned, logs it; answers the order. */
  const changed = async (
    request: FastifyRequest,
    what: string,
    outcome: OrderChangeOutcome,
  ): Promise<OrderChangeOutcome['order']> => {
    const { order, notify } = outcome;
    await recordAudit(ctx, request, 'update', [auditSubject.order(order.orderNo)], what);
    for (const agent of notify) ctx.events.publish(agent, { type: 'orders.changed' });
    log.info(
      { order: order.orderNo, version: order.version, by: requireAuth(request).account, what },
      'order changed at the hub',
    );
    return order;
  };

  app.patch<{ Params: OrderParamsT }>(
    ORDER_ROUTE,
    {
      config: {
        access: ORDER_EDIT_ROLES,
        api: {
          summary: 'Edit an order’s fields, on the version the editor saw',
          description:
            'A named field changed after baseVersion refuses the whole edit (409 naming the fields).',
          params: OrderParams,
          body: OrderEditRequestSchema,
          response: HubOrderSchema,
          errors: [404, 409],
        },
      },
    },
    async (request) => {
      const body = parseOrThrow(OrderEditRequestSchema, request.body);
      const actor = actorOf(request, body.note);
      const outcome = await refusedAsHttp(() =>
        ctx.store.orders.edit(request.params.orderNo, body.baseVersion, body.changes, actor),
      );
      return changed(request, `edit ${Object.keys(body.changes).join(',')}`, outcome);
    },
  );

  app.post<{ Params: OrderParamsT }>(
    orderRoute(HUB_PATHS.orderReplies),
    {
      config: {
        access: ORDER_REPLY_ROLES,
        api: {
          summary: 'Record a unit’s reply; the order becomes replied',
          params: OrderParams,
          body: OrderReplyRequestSchema,
          response: HubOrderSchema,
          errors: [404],
        },
      },
    },
    async (request) => {
      const body = parseOrThrow(OrderReplyRequestSchema, request.body);
      const outcome = await refusedAsHttp(() =>
        ctx.store.orders.reply(request.params.orderNo, body.text, actorOf(request)),
      );
      return changed(request, 'reply', outcome);
    },
  );

  app.post<{ Params: OrderParamsT }>(
    orderRoute(HUB_PATHS.orderAssign),
    {
      config: {
        access: ORDER_EDIT_ROLES,
        api: {
          summary: 'Assign an order to an agent for follow-up (null: to no one)',
          params: OrderParams,
          body: OrderAssignRequestSchema,
          response: HubOrderSchema,
          errors: [404],
        },
      },
    },
    async (request) => {
      const body = parseOrThrow(OrderAssignRequestSchema, request.body);
      const outcome = await refusedAsHttp(() =>
        ctx.store.orders.assign(request.params.orderNo, body.agentId, actorOf(request, body.note)),
      );
      return changed(request, `assign ${body.agentId ?? 'none'}`, outcome);
    },
  );

  // The two logs of an order read alike: 404 for an unknown order, an audited read.
  const registerLog = <K extends string, T>(
    key: K,
    path: (orderNo: string) => string,
    summary: string,
    response: z.ZodType,
    read: (orderNo: string) => Promise<T[] | null>,
  ): void => {
    app.get<{ Params: OrderParamsT }>(
      orderRoute(path),
      {
        config: {
          access: ORDER_READ_ROLES,
          api: { summary, params: OrderParams, response, errors: [404] },
        },
      },
      async (request) => {
        const { orderNo } = request.params;
        const rows = await read(orderNo);
        if (!rows) throw new HttpError(404, 'not_found', 'no order with this orderNo', 'orderNo');
        await recordAudit(ctx, request, 'read', [auditSubject.order(orderNo)], key);
        return { [key]: rows } as Record<K, T[]>;
      },
    );
  };
  registerLog(
    'revisions',
    HUB_PATHS.orderRevisions,
    'An order’s change log, oldest first',
    OrderRevisionListSchema,
    (orderNo) => ctx.store.orders.revisions(orderNo),
  );
  registerLog(
    'conflicts',
    HUB_PATHS.orderConflicts,
    'An order’s sync conflicts, open and decided',
    OrderConflictListSchema,
    (orderNo) => ctx.store.orders.conflicts(orderNo),
  );

  app.post<{ Params: z.infer<typeof ConflictParams> }>(
    CONFLICT_ROUTE,
    {
      config: {
        access: ORDER_EDIT_ROLES,
        api: {
          summary: 'Decide an open sync conflict: keep the hub’s value or take the seat’s',
          params: ConflictParams,
          body: ConflictResolveRequestSchema,
          response: OrderConflictSchema,
          errors: [404],
        },
      },
    },
    async (request) => {
      const body = parseOrThrow(ConflictResolveRequestSchema, request.body);
      const outcome = await refusedAsHttp(() =>
        ctx.store.orders.resolveConflict(request.params.conflictId, body.choice, actorOf(request)),
      );
      await changed(request, `conflict ${outcome.conflict.field}: ${body.choice}`, outcome);
      return outcome.conflict;
    },
  );
}
