import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HUB_PATHS } from '../../shared/hub-api.js';
import { HubOrderSchema, type HubOrder } from '../../shared/order.js';
import { auditSubject, recordAudit } from '../auth/audit.js';
import type { HubContext } from '../context.js';
import { ORDER_READ_ROLES } from '../http/access.js';
import { HttpError } from '../http/errors.js';

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
}
