import type { FastifyInstance } from 'fastify';
import {
  HUB_PATHS,
  KbSearchRequestSchema,
  KbSearchResponseSchema,
  type KbSearchResponse,
} from '../../shared/hub-api.js';
import type { HubContext } from '../context.js';
import { ORDER_READ_ROLES } from '../http/access.js';
import { HttpError, parseOrThrow } from '../http/errors.js';
import { KbNotReadyError } from '../kb/kb-search.js';

/** KB answers for the pop and the KB panel (?q&limit); 503 while the KB is being indexed. */
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
      try {
        return await ctx.kb.search(query.q, query.limit);
      } catch (error) {
        // The hub has just started and is still indexing the KB: the pop shows no KB
        // answer this time instead of waiting.
        if (error instanceof KbNotReadyError)
          throw new HttpError(503, 'kb-not-ready', error.message);
        throw error;
      }
    },
  );
}
