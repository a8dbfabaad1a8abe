import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { queryInt } from '../../shared/query-int.js';
import { normalizePhone } from '../../shared/domain/phone.js';
import {
  CALLER_HISTORY_PAGE,
  CallerHistorySchema,
  HUB_PATHS,
  type CallerHistory,
} from '../../shared/hub-api.js';
import { auditSubject, recordAudit } from '../auth/audit.js';
import type { HubContext } from '../context.js';
import { historyAuditDetail, readCallerHistory } from '../orders/caller-history.js';
import { CALL_ROLES } from '../http/access.js';
import { HttpError, parseOrThrow } from '../http/errors.js';

const PLACEHOLDER = 'NUMBER';
/** The route pattern, derived from the one path definition in shared/hub-api. */
export const CALLER_HISTORY_ROUTE = HUB_PATHS.callerHistory(PLACEHOLDER).replace(
  PLACEHOLDER,
  ':number',
);

const HistoryQuerySchema = z.strictObject({
  limit: queryInt(1, 100, CALLER_HISTORY_PAGE),
  offset: queryInt(0, 100_000, 0),
});

/**
 * The pop's history of a caller: orders newest first and past calls, paged together by
 * ?limit&offset; `total` counts the orders. The number is normalised first, so
 * "+86 138-0013-8000" and "13800138000" are the same caller.
 */
export function registerCallerHistory(app: FastifyInstance, ctx: HubContext): void {
  app.get<{ Params: { number: string } }>(
    CALLER_HISTORY_ROUTE,
    {
      config: {
        access: CALL_ROLES,
        api: {
          summary: 'A caller’s orders and past calls, newest first',
          params: z.strictObject({ number: z.string().min(1).max(64) }),
          query: HistoryQuerySchema,
          response: CallerHistorySchema,
        },
      },
    },
    async (request): Promise<CallerHistory> => {
      const query = parseOrThrow(HistoryQuerySchema, request.query, 'query');
      const key = normalizePhone(request.params.number);
      if (!key) {
        throw new HttpError(400, 'invalid_request', 'number is not a phone number', 'number');
      }
      const page = { limit: query.limit, offset: query.offset };
      const history = await readCallerHistory(ctx.store, key, page);
      const detail = historyAuditDetail(history);
      await recordAudit(ctx, request, 'read', [auditSubject.caller(key)], detail);
      return history;
    },
  );
}
