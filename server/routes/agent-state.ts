import type { FastifyInstance } from 'fastify';
import { AgentStateRequestSchema, HUB_PATHS, type AgentState } from '../../shared/hub-api.js';
import type { HubContext } from '../context.js';
import { requireAuth } from '../http/auth.js';
import { parseOrThrow } from '../http/errors.js';

/**
 * The seat sets its agent's state (ready, not-ready, wrap-up ...). Answers the state the
 * ACD holds afterwards: going ready can route a waiting call at once (then `ringing`).
 */
export function registerAgentState(app: FastifyInstance, ctx: HubContext): void {
  app.post(HUB_PATHS.agentState, async (request): Promise<{ state: AgentState }> => {
    const auth = requireAuth(request);
    const input = parseOrThrow(AgentStateRequestSchema, request.body);
    const state = await ctx.acd.setStateBySeat(auth.agentId, auth.extension, input.state);
    return { state };
  });
}
