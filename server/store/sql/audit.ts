import type { Role } from '../../../shared/hub-api.js';
import type { AuditAction, AuditEntry, AuditQuery, AuditRepository } from '../repository.js';
import type { SqlContext } from './context.js';

/**
 * The audit log of citizens' data: append-only, read newest first by subject or actor
 * (indexes audit_log_subject and audit_log_actor, each ending in the time).
 */
export class SqlAuditRepository implements AuditRepository {
  constructor(private readonly ctx: SqlContext) {}

  async append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((e) => ({
      at: e.at,
      actor_id: e.actorId,
      actor_role: e.actorRole,
      action: e.action,
      subject: e.subject,
      via: e.via,
      detail: e.detail,
    }));
    // A push audits every order it created: the bulk writer's path, in one transaction.
    await this.ctx.db.transaction().execute((tx) => this.ctx.bulk.audit(tx, rows));
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const rows = await this.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .$if(query.subject !== undefined, (q) => q.where('subject', '=', query.subject as string))
      .$if(query.actorId !== undefined, (q) => q.where('actor_id', '=', query.actorId as string))
      .$if(query.since !== undefined, (q) => q.where('at', '>=', query.since as number))
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit)
      .execute();
    return rows.map((row) => ({
      at: row.at,
      actorId: row.actor_id,
      actorRole: row.actor_role as Role,
      action: row.action as AuditAction,
      subject: row.subject,
      via: row.via,
      detail: row.detail,
    }));
  }
}
