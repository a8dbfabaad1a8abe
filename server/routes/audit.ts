import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { queryInt } from '../../shared/query-int.js';
import { normalizePhone } from '../../shared/domain/phone.js';
import { HUB_PATHS, ROLES } from '../../shared/hub-api.js';
import type { HubContext } from '../context.js';
import { AUDIT_ACTIONS } from '../store/repository.js';

export const AuditQuerySchema = z.strictObject({
  subject: z
    .string()
    // A number as written or said ("+86 769 2234 5678") may hold spaces; an order number not.
    .regex(/^(caller:\S.{0,63}|order:\S{1,64})$/, 'subject must be caller:<number> or order:<no>')
    .optional(),
  actor: z.string().min(1).max(64).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: queryInt(1, 1000, 100),
});

export const AuditPageSchema = z.object({
  entries: z.array(
    z.object({
      at: z.string(),
      actorId: z.string(),
      actorRole: z.enum(ROLES),
      action: z.enum(AUDIT_ACTIONS),
      subject: z.string(),
      via: z.string(),
      detail: z.string().nullable(),
    }),
  ),
});
type AuditPage = z.infer<typeof AuditPageSchema>;

/**
 * A caller subject is looked up by its normalised number, however the admin wrote it:
 * the key the history route audits under (shared/domain/phone.ts). A caller id that is
 * not a number ("anonymous") is looked up as written.
 */
function normalisedSubject(subject: string | undefined): string | undefined {
  if (!subject?.startsWith('caller:')) return subject;
  const key = normalizePhone(subject.slice('caller:'.length));
  return key ? `caller:${key}` : subject;
}

/** Admins read the audit log: who read or changed which citizen's data, newest first. */
export function registerAudit(app: FastifyInstance, ctx: HubContext): void {
  app.get<{ Querystring: z.infer<typeof AuditQuerySchema> }>(
    HUB_PATHS.audit,
    {
      config: {
        access: ['admin'],
        api: {
          summary: 'Read the audit log',
          description: 'By subject (caller:<number>, order:<no>), actor (account id) and since.',
          query: AuditQuerySchema,
          response: AuditPageSchema,
        },
      },
    },
    async (request): Promise<AuditPage> => {
      const { subject, actor, since, limit } = request.query;
      const entries = await ctx.store.audit.list({
        ...(subject !== undefined ? { subject: normalisedSubject(subject) } : {}),
        ...(actor !== undefined ? { actorId: actor } : {}),
        ...(since !== undefined ? { since: Date.parse(since) } : {}),
        limit,
      });
      return { entries: entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })) };
    },
  );
}
