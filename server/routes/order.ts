import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CentreOrderListSchema,
  CentreOrderQuerySchema,
  HUB_PATHS,
  type CentreOrderList,
  type Role,
} from '../../shared/hub-api.js';
import { HubOrderSchema, type HubOrder } from '../../shared/order.js';
import { auditSubject, recordAudit } from '../auth/audit.js';
import type { HubContext } from '../context.js';
import { ORDER_READ_ROLES } from '../http/access.js';
import { HttpError, parseOrThrow } from '../http/errors.js';
import { orderDay } from '../orders/order-number.js';

/**
 * Who lists the centre's orders: shift leads (checking the shift's work, a complaint about
 * a call) and admins. An agent reads orders one by one, by number, and pulls only their own.
 */
export const CENTRE_ORDER_ROLES: readonly Role[] = ['lead', 'admin'];

const PLACEHOLDER = 'ORDER';

/** The route pattern, derived from the one path definition in shared/hub-api. */
export const ORDER_ROUTE = HUB_PATHS.order(PLACEHOLDER).replace(PLACEHOLDER, ':orderNo');

const OrderParamsSchema = z.strictObject({
  orderNo: z.string().regex(/^DG\d{14}$/, 'orderNo must look like DG + 14 digits'),
});

/**
 * One order by its number: an agent following up a citizen's call, a lead checking a
 * case, a unit handler working it. Every read is audited as `order:<no>`.
 *
 * TODO: unit handlers should see only orders dispatched to their unit; the hub has no
 * dispatch records yet, so they see any order.
 */
export function registerOrder(app: FastifyInstance, ctx: HubContext): void {
  app.get<{ Params: z.infer<typeof OrderParamsSchema> }>(
    ORDER_ROUTE,
    {
      config: {
        access: ORDER_READ_ROLES,
        api: {
          summary: 'Read one order',
          params: OrderParamsSchema,
          response: HubOrderSchema,
          errors: [404],
        },
      },
    },
    async (request): Promise<HubOrder> => {
      const order = await ctx.store.orders.get(request.params.orderNo);
      if (!order) throw new HttpError(404, 'not_found', 'no order with this orderNo', 'orderNo');
      await recordAudit(ctx, request, 'read', [auditSubject.order(order.orderNo)]);
      return order;
    },
  );

  app.get(
    HUB_PATHS.orders,
    {
      config: {
        access: CENTRE_ORDER_ROLES,
        api: {
          summary: "The centre's orders of one day, newest first (leads, admins)",
          query: CentreOrderQuerySchema,
          response: CentreOrderListSchema,
        },
      },
    },
    async (request): Promise<CentreOrderList> => {
      const query = parseOrThrow(CentreOrderQuerySchema, request.query, 'query');
      const day = query.day ?? orderDay(ctx.clock.now());
      if (query.before !== undefined && !query.before.startsWith(`DG${day}`)) {
        throw new HttpError(
          400,
          'invalid_request',
          `before must be an order number of the day ${day}; ${query.before} is not`,
          'before',
        );
      }
      const page = await ctx.store.orders.ofDay({
        day,
        agentAccount: query.agent,
        queue: query.queue,
        before: query.before,
        limit: query.limit,
      });
      const subjects = page.orders.map((o) => auditSubject.order(o.orderNo));
      await recordAudit(ctx, request, 'read', subjects, `orders of ${day}`);
      const next = page.hasMore ? (page.orders.at(-1)?.orderNo ?? null) : null;
      return { day, orders: page.orders, next };
    },
  );
}
