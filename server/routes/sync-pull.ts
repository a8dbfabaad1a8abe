import type { FastifyInstance } from 'fastify';
import { HUB_PATHS } from '../../shared/hub-api.js';
import {
  PullRequestSchema,
  PullResponseSchema,
  SYNC_PROTOCOL_VERSION,
  type PullResponse,
} from '../../shared/sync-protocol.js';
import type { HubContext } from '../context.js';
import { auditSubject, recordAudit } from '../auth/audit.js';
import { CALL_ROLES } from '../http/access.js';
import { requireAuth } from '../http/auth.js';
import { parseOrThrow } from '../http/errors.js';

/**
 * A seat pulls hub-side changes to its orders after its cursor. The cursor is the hub's
 * global version, so the order of changes never depends on a seat's clock; `hasMore`
 * asks the seat to pull again at once.
 */
export function registerSyncPull(app: FastifyInstance, ctx: HubContext): void {
  const api = {
    summary: 'Pull hub changes to a seat’s orders',
    query: PullRequestSchema,
    response: PullResponseSchema,
  };
  app.get(
    HUB_PATHS.syncPull,
    { config: { access: CALL_ROLES, api } },
    async (request): Promise<PullResponse> => {
      const auth = requireAuth(request);
      const query = parseOrThrow(PullRequestSchema, request.query, 'query');
      const page = await ctx.store.orders.pull({
        ...(query.seatId !== undefined ? { seatId: query.seatId } : {}),
        agentId: auth.agentId,
        afterVersion: Number(query.cursor),
        limit: query.limit,
      });
      const read = page.orders.map((o) => auditSubject.order(o.orderNo));
      await recordAudit(ctx, request, 'read', read, `seat=${query.seatId ?? 'any'}`);
      return {
        protocol: SYNC_PROTOCOL_VERSION,
        cursor: String(page.lastVersion),
        orders: page.orders,
        hasMore: page.hasMore,
      };
    },
  );
}
