import type { FastifyInstance } from 'fastify';
import {
  HUB_PATHS,
  KbSearchRequestSchema,
  KbSearchResponseSchema,
  type KbSearchResponse,
} from '../../shared/hub-api.js';
import type { HubContext } from '../context.js';
import { ORDER_READ_ROLES } from '../http/access.js';
import { parseOrThrow } from '../http/errors.js';

/** KB answers for the pop and the KB panel (?q&limit). */
export function registerKbSearch(app: FastifyInstance, ctx: HubContext): void {
  const api = {
    summary: 'Search the published knowledge base',
    query: KbSearchRequestSchema,
    response: KbSearchResponseSchema,
  };
  // Whoever answers citizens: the call roles and the unit handlers.
  app.get(
    HUB_PATHS.kbSearch,
    { config: { access: ORDER_READ_ROLES, api } },
    async (request): Promise<KbSearchResponse> => {
      const query = parseOrThrow(KbSearchRequestSchema, request.query, 'query');
      return ctx.kb.search(query.q, query.limit);
    },
  );
}
