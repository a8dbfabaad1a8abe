import type { FastifyInstance } from 'fastify';
import { HUB_PATHS, KbSearchRequestSchema, type KbSearchResponse } from '../../shared/hub-api.js';
import type { HubContext } from '../context.js';
import { parseOrThrow } from '../http/errors.js';

/** KB answers for the pop and the KB panel (?q&limit). */
export function registerKbSearch(app: FastifyInstance, ctx: HubContext): void {
  app.get(HUB_PATHS.kbSearch, async (request): Promise<KbSearchResponse> => {
    const query = parseOrThrow(KbSearchRequestSchema, request.query, 'query');
    return ctx.kb.search(query.q, query.limit);
  });
}
