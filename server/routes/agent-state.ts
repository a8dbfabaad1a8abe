import type { FastifyInstance } from 'fastify';
import {
  AgentStateAnswerSchema,
  AgentStateRequestSchema,
  HUB_PATHS,
  type AgentStateAnswer,
} from '../../shared/hub-api.js';
import { AgentStateConflict } from '../acd/seat-moves.js';
import type { HubContext } from '../context.js';
import { ANY_ROLE } from '../http/access.js';
import { requireAuth } from '../http/auth.js';
import { HttpError, parseOrThrow } from '../http/errors.js';

/**
 * The seat sets its agent's state (ready, not-ready with a reason, wrap-up ...). Answers
 * the state the ACD holds afterwards: going ready can route a waiting call at once (then
 * `ringing`), ready is not taken while a routed call rings or talks, and not-ready asked
 * for during a call waits for its end. A move that makes no sense from the state held
 * (wrap-up with no call, anything but logged-out while signed out, ready for an account
 * that serves no queue: a unit handler, a lead, an admin) is refused with 409. GET
 * answers the state held, the same way.
 */
export function registerAgentState(app: FastifyInstance, ctx: HubContext): void {
  const api = {
    summary: "Set the signed-in agent's state",
    description:
      'ready, not-ready (with a reason, required), logged-out, and the call states the ' +
      'seat sees (on-call also while it dials out). Answers the state the ACD holds ' +
      'afterwards, with since and wrapUpEndsAt in hub time; 409 names both states of a ' +
      'refused move.',
    body: AgentStateRequestSchema,
    response: AgentStateAnswerSchema,
    errors: [409],
  };
  app.post(
    HUB_PATHS.agentState,
    { config: { access: ANY_ROLE, api } },
    async (request): Promise<AgentStateAnswer> => {
      const auth = requireAuth(request);
      const input = parseOrThrow(AgentStateRequestSchema, request.body);
      try {
        await ctx.acd.setStateBySeat(auth.agentId, auth.extension, input.state, input.reason);
        return ctx.acd.statusOf(auth.agentId);
      } catch (error) {
        if (error instanceof AgentStateConflict) {
          throw new HttpError(409, 'state-conflict', error.message, 'state');
        }
        throw error;
      }
    },
  );

  app.get(
    HUB_PATHS.agentState,
    {
      config: {
        access: ANY_ROLE,
        api: {
          summary: "The signed-in agent's state",
          description:
            'The state the ACD holds now, as POST answers it: a reloaded desk, or a seat ' +
            'whose event stream was down, asks.',
          response: AgentStateAnswerSchema,
        },
      },
    },
    async (request): Promise<AgentStateAnswer> => ctx.acd.statusOf(requireAuth(request).agentId),
  );
}
