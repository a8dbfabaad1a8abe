import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { maskPhone, normalizePhone } from '../../shared/domain/phone.js';
import {
  HandoverRequestSchema,
  HandoverSchema,
  HUB_PATHS,
  type Handover,
} from '../../shared/hub-api.js';
import { auditSubject, recordAudit } from '../auth/audit.js';
import type { HubContext } from '../context.js';
import { HandoverBook, type HandoverKey } from '../handovers/handover-book.js';
import { CALL_ROLES } from '../http/access.js';
import { requireAuth } from '../http/auth.js';
import { HttpError } from '../http/errors.js';

const HandoverQuerySchema = z
  .strictObject({
    callId: z.string().min(1).max(256).optional(),
    caller: z.string().min(1).max(64).optional(),
  })
  .refine((q) => (q.callId === undefined) !== (q.caller === undefined), {
    message: 'give exactly one of callId and caller',
    path: ['callId'],
  });

const HandoverCreatedSchema = z.object({ id: z.string() });

/** The audit subject of a handover: its caller when the number is known, else its call. */
function subjectOf(callerNumber: string, callId: string): string {
  const key = normalizePhone(callerNumber);
  return key ? auditSubject.caller(key) : auditSubject.call(callId);
}

/**
 * Handovers: what an agent passes on with a call to a specialist (the order draft and
 * notes), so the specialist's pop shows them (issue 5, transfers). Kept in memory by the
 * hub's HandoverBook for 30 minutes; the ACD puts the one for an offered call's caller in
 * the offer's pop (acd/offer-pop.ts), under the same rules. Both the write and every read
 * carry citizen data and are audited; a read finds only handovers addressed to the
 * reader's extension or to a queue line of the reader's queues (404 no-handover
 * otherwise). A call the ACD
 * routed may be handed over only by the agent it went to (403 not-your-call).
 */
export function registerHandovers(app: FastifyInstance, ctx: HubContext): void {
  const book = ctx.handovers ?? new HandoverBook(ctx.clock);
  const log = ctx.log.child({ name: 'hub.handovers' });

  app.post(
    HUB_PATHS.handovers,
    {
      config: {
        access: CALL_ROLES,
        api: {
          summary: 'Pass a draft and notes on with a call',
          description:
            'Before a transfer or a consult call: the draft and notes go to the target ' +
            '(an extension or a queue line) and are kept for 30 minutes.',
          body: HandoverRequestSchema,
          response: HandoverCreatedSchema,
          errors: [403],
        },
      },
    },
    async (request): Promise<{ id: string }> => {
      const body = request.body as z.output<typeof HandoverRequestSchema>;
      const auth = requireAuth(request);
      // A call the ACD routed is its agent's to hand over; one it does not know (direct,
      // outbound, or over) is left to the seat that has it.
      const owner = ctx.acd.agentOfCall(body.callId);
      if (owner !== undefined && owner !== auth.agentId) {
        log.warn(
          { callId: body.callId, agent: auth.agentId, owner: owner ?? undefined },
          `Handover of call ${body.callId} by ${auth.extension} refused: not their call.`,
        );
        throw new HttpError(
          403,
          'not-your-call',
          `call ${body.callId} is ${owner === null ? 'still queued' : "another agent's"}; ` +
            'only the agent it was routed to may hand it over',
        );
      }
      const agent = await ctx.store.agents.get(auth.agentId);
      const handover = book.add({
        callId: body.callId,
        callerNumber: body.callerNumber,
        target: body.target,
        fromAgent: {
          id: auth.agentId,
          name: agent?.name ?? auth.account,
          extension: auth.extension,
        },
        draft: body.draft ?? null,
        notes: body.notes,
      });
      const detail = `call=${body.callId} target=${body.target} draft=${body.draft ? 'yes' : 'no'}`;
      await recordAudit(
        ctx,
        request,
        'create',
        [subjectOf(body.callerNumber, body.callId)],
        detail,
      );
      log.info(
        { callId: body.callId, caller: maskPhone(body.callerNumber), target: body.target },
        `Handover ${handover.id} of call ${body.callId} from ${auth.extension} to ${body.target}.`,
      );
      return { id: handover.id };
    },
  );

  app.get(
    HUB_PATHS.handovers,
    {
      config: {
        access: CALL_ROLES,
        api: {
          summary: 'The newest handover for me, by call or by caller',
          description:
            '?callId= (a consult call names the citizen’s call) or ?caller= (a blind ' +
            'transfer is a new call from the citizen). Only handovers addressed to the ' +
            'asking agent’s extension or a line of their queues; 404 no-handover otherwise.',
          query: HandoverQuerySchema,
          response: HandoverSchema,
          errors: [404],
        },
      },
    },
    async (request): Promise<Handover> => {
      const query = request.query as z.output<typeof HandoverQuerySchema>;
      const auth = requireAuth(request);
      const agent = await ctx.store.agents.get(auth.agentId);
      const key: HandoverKey =
        query.callId !== undefined ? { callId: query.callId } : { caller: query.caller ?? '' };
      const reader = { extension: auth.extension, queues: agent?.queues ?? [] };
      const found = book.find(key, reader);
      if (!found) throw new HttpError(404, 'no-handover', 'no handover for this call for you');
      await recordAudit(ctx, request, 'read', [subjectOf(found.callerNumber, found.callId)]);
      return found;
    },
  );
}
