import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  CallbackListSchema,
  CallbackResultRequestSchema,
  CallbackSchema,
  HUB_PATHS,
  type Callback,
} from '../../shared/hub-api.js';
import type { CallbackAgent } from '../acd/callback-list.js';
import type { HubContext } from '../context.js';
import { CALL_ROLES } from '../http/access.js';
import { requireAuth } from '../http/auth.js';
import { HttpError } from '../http/errors.js';

const PLACEHOLDER = 'CALLBACK';

/** The result route's pattern, derived from the one path definition in shared/hub-api. */
export const CALLBACK_RESULT_ROUTE = HUB_PATHS.callbackResult(PLACEHOLDER).replace(
  PLACEHOLDER,
  ':id',
);

const CallbackParamsSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id must be a callback id'),
});

/** The asking account with the queues it serves, from the store (skills can change). */
async function callbackAgent(ctx: HubContext, request: FastifyRequest): Promise<CallbackAgent> {
  const auth = requireAuth(request);
  const record = await ctx.store.agents.get(auth.agentId);
  return { agentId: auth.agentId, role: auth.role, queues: record?.queues ?? [] };
}

/**
 * The callback list of callers who hung up while queued (acd/callback-list.ts): the roles
 * that take calls list it (agents and specialists the queues they serve, leads all), take
 * the next entry and report how the call back went. Only the agent holding an entry may
 * report it (409 otherwise).
 */
export function registerCallbacks(app: FastifyInstance, ctx: HubContext): void {
  app.get(
    HUB_PATHS.callbacks,
    {
      config: {
        access: CALL_ROLES,
        api: {
          summary: 'The callback list',
          description:
            'Entries not done yet (open and taken), oldest abandon first, of the queues ' +
            'the agent serves (a lead: all), with how many are open.',
          response: CallbackListSchema,
        },
      },
    },
    async (request) => ctx.acd.callbacks.list(await callbackAgent(ctx, request)),
  );

  app.post(
    HUB_PATHS.callbackNext,
    {
      config: {
        access: CALL_ROLES,
        api: {
          summary: 'Take the next callback',
          description:
            'Claims the oldest open entry of the agent’s queues (two agents never get the ' +
            'same one); an agent already holding one gets it again. 404 no-callback when ' +
            'there is none.',
          response: CallbackSchema,
          errors: [404],
        },
      },
    },
    async (request): Promise<Callback> => {
      const taken = await ctx.acd.callbacks.next(await callbackAgent(ctx, request));
      if (!taken) throw new HttpError(404, 'no-callback', 'no open callback for this agent');
      return taken;
    },
  );

  app.post<{ Params: z.infer<typeof CallbackParamsSchema> }>(
    CALLBACK_RESULT_ROUTE,
    {
      config: {
        access: CALL_ROLES,
        api: {
          summary: 'Report how a callback went',
          description:
            'reached and wrong-number finish the entry; no-answer puts it back on the ' +
            'list until it has been tried CALLBACK_MAX_ATTEMPTS times. 404 for an unknown ' +
            'entry, 409 when the agent does not hold it.',
          params: CallbackParamsSchema,
          body: CallbackResultRequestSchema,
          response: CallbackSchema,
          errors: [404, 409],
        },
      },
    },
    async (request): Promise<Callback> => {
      const { outcome } = request.body as z.infer<typeof CallbackResultRequestSchema>;
      const agent = await callbackAgent(ctx, request);
      const result = await ctx.acd.callbacks.report(agent, request.params.id, outcome);
      switch (result.kind) {
        case 'reported':
          return result.callback;
        case 'unknown':
          throw new HttpError(404, 'unknown-callback', 'no callback with this id', 'id');
        case 'not-held': {
          const why =
            result.callback.status === 'taken'
              ? 'another agent holds it'
              : `it is ${result.callback.status}, not taken by this agent`;
          throw new HttpError(
            409,
            'callback-not-held',
            `cannot report this callback: ${why}`,
            'id',
          );
        }
      }
    },
  );
}
