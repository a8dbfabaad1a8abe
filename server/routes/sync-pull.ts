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
import { HttpError, parseOrThrow } from '../http/errors.js';

/**
 * A seat pulls hub-side changes after its cursors. The order cursor is the hub's global
 * version, so the order of changes never depends on a seat's clock; `hasMore` asks the
 * seat to pull again at once.
 *
 * Orders answered: those the signed-in account pushed (from `seatId` only, when given)
 * and those assigned to it, whatever its role (leads read other agents' orders through
 * the audited order and history routes, not through a seat's sync), each with its open
 * conflicts. Orders of other accounts pushed from the same seat are left out rather than
 * answered 403: a desk PC is shared between shifts, and a refusal would stop the next
 * agent's sync for good. The KB feed follows its own cursor (see PullRequestSchema).
 */
export function registerSyncPull(app: FastifyInstance, ctx: HubContext): void {
  const api = {
    summary: 'Pull hub changes to a seat’s orders, and the KB feed',
    description:
      'Orders the signed-in account pushed (seatId narrows them to one seat) or that are ' +
      'assigned to it, with their open conflicts; KB publishes and retires after kbCursor.',
    query: PullRequestSchema,
    response: PullResponseSchema,
    errors: [409],
  };
  app.get(
    HUB_PATHS.syncPull,
    { config: { access: CALL_ROLES, api } },
    async (request): Promise<PullResponse> => {
      const auth = requireAuth(request);
      const query = parseOrThrow(PullRequestSchema, request.query, 'query');
      await refuseCursorsAhead(ctx, Number(query.cursor), Number(query.kbCursor));
      const page = await ctx.store.orders.pull({
        ...(query.seatId !== undefined ? { seatId: query.seatId } : {}),
        agentId: auth.agentId,
        afterVersion: Number(query.cursor),
        limit: query.limit,
      });
      const kb = await ctx.store.kb.feed(Number(query.kbCursor), query.limit);
      const read = page.orders.map((o) => auditSubject.order(o.orderNo));
      await recordAudit(ctx, request, 'read', read, `seat=${query.seatId ?? 'any'}`);
      return {
        protocol: SYNC_PROTOCOL_VERSION,
        cursor: String(page.lastVersion),
        orders: page.orders,
        conflicts: page.conflicts,
        kbCursor: String(kb.cursor),
        kb: kb.items,
        hasMore: page.hasMore || kb.hasMore,
      };
    },
  );
}

/**
 * A cursor past anything this hub has handed out comes from another hub's life (this one
 * restored from an older backup): answering "nothing new" would hide every change until
 * the hub's counters passed the seat's. 409 `cursor_ahead` tells the seat to pull from 0.
 */
async function refuseCursorsAhead(
  ctx: Pick<HubContext, 'store'>,
  cursor: number,
  kbCursor: number,
): Promise<void> {
  const ahead = (field: string, value: number, latest: number) =>
    new HttpError(
      409,
      'cursor_ahead',
      `${field} ${value} is ahead of this hub's latest change (${latest}): pull again from 0`,
      field,
    );
  if (cursor > 0) {
    const latest = await ctx.store.orders.latestVersion();
    if (cursor > latest) throw ahead('cursor', cursor, latest);
  }
  if (kbCursor > 0) {
    const { cursor: latest } = await ctx.store.kb.feed(0, 1);
    if (kbCursor > latest) throw ahead('kbCursor', kbCursor, latest);
  }
}
