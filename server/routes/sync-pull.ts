import type { FastifyInstance } from 'fastify';
import { HUB_PATHS } from '../../shared/hub-api.js';
import {
  PullRequestSchema,
  SYNC_PROTOCOL_VERSION,
  type PullResponse,
} from '../../shared/sync-protocol.js';
import type { HubContext } from '../context.js';
import { requireAuth } from '../http/auth.js';
import { parseOrThrow } from '../http/errors.js';

/**
 * A seat pulls hub-side changes to its orders after its cursor. The cursor is the hub's
 * global version, so the order of changes never depends on a seat's clock; `hasMore`
 * asks the seat to pull again at once.
 */
export function registerSyncPull(app: FastifyInstance, ctx: HubContext): void {
  app.get(HUB_PATHS.syncPull, async (request): Promise<PullResponse> => {
    const auth = requireAuth(request);
    const query = parseOrThrow(PullRequestSchema, request.query, 'query');
    const page = await ctx.store.orders.pull({
      ...(query.seatId !== undefined ? { seatId: query.seatId } : {}),
      agentId: auth.agentId,
      afterVersion: Number(query.cursor),
      limit: query.limit,
    });
    return {
      protocol: SYNC_PROTOCOL_VERSION,
      cursor: String(page.lastVersion),
      orders: page.orders,
      hasMore: page.hasMore,
    };
  });
}
