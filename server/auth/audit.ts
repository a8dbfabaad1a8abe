import type { FastifyRequest } from 'fastify';
import type { HubContext } from '../context.js';
import { requireAuth } from '../http/auth.js';
import type { AuditAction } from '../store/repository.js';

/** Audit subjects: which citizen's data an entry is about (never the data itself). */
export const auditSubject = {
  caller: (callerKey: string) => `caller:${callerKey}`,
  order: (orderNo: string) => `order:${orderNo}`,
  /** A call whose caller withheld the number (a handover of it). */
  call: (callId: string) => `call:${callId}`,
};

/**
 * Records that the signed-in account of `request` did `action` to each subject, by the
 * route's pattern (never the URL, which can hold a caller's number). Awaited before the
 * answer goes out: a read that cannot be audited is not served.
 */
export async function recordAudit(
  ctx: Pick<HubContext, 'store' | 'clock'>,
  request: FastifyRequest,
  action: AuditAction,
  subjects: readonly string[],
  detail: string | null = null,
): Promise<void> {
  if (subjects.length === 0) return;
  const auth = requireAuth(request);
  const at = ctx.clock.now();
  const via = `${request.method} ${request.routeOptions.url ?? 'unknown route'}`;
  await ctx.store.audit.append(
    subjects.map((subject) => ({
      at,
      actorId: auth.agentId,
      actorRole: auth.role,
      action,
      subject,
      via,
      detail,
    })),
  );
}
