import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Callback } from '../../../shared/hub-api.js';
import type {
  AbandonedCall,
  CallbackOutcome,
  CallbackReport,
  CallbackRepository,
} from '../repository.js';
import type { SqlContext } from './context.js';
import type { CallbacksTable } from './schema.js';

function toCallback(row: Selectable<CallbacksTable>): Callback {
  return {
    id: row.id,
    number: row.number,
    queue: row.queue,
    abandonedAt: new Date(row.abandoned_at).toISOString(),
    waitMs: row.wait_ms,
    abandons: row.abandons,
    attempts: row.attempts,
    status: row.status as Callback['status'],
    takenBy: row.taken_by,
    lastOutcome: row.last_outcome as CallbackOutcome | null,
  };
}

/**
 * The callback list on both backends. One entry per number is live (open or taken) at a
 * time, which a partial unique index keeps true whatever two writers do; the next entry
 * is claimed with one UPDATE of the oldest open row, on PostgreSQL with FOR UPDATE SKIP
 * LOCKED in its sub-select, so two agents asking together get two different entries
 * (SQLite has one writer at a time anyway).
 */
export class SqlCallbackRepository implements CallbackRepository {
  constructor(private readonly ctx: SqlContext) {}

  async recordAbandon(call: AbandonedCall): Promise<Callback> {
    const row = await this.ctx.db
      .insertInto('callbacks')
      .values({
        id: `cb-${randomUUID()}`,
        number: call.number,
        queue: call.queue,
        abandoned_at: call.at,
        last_abandoned_at: call.at,
        wait_ms: call.waitMs,
        abandons: 1,
        attempts: 0,
        status: 'open',
        taken_by: null,
        taken_at: null,
        last_outcome: null,
        done_at: null,
      })
      .onConflict((oc) =>
        oc
          .column('number')
          // Literal, not a parameter: both backends must see it is the index's predicate.
          .where(sql.ref('status'), '<>', sql.lit('done'))
          .doUpdateSet({
            abandons: sql<number>`callbacks.abandons + 1`,
            last_abandoned_at: call.at,
          }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toCallback(row);
  }

  async list(queues: readonly string[] | null, limit: number): Promise<Callback[]> {
    if (queues?.length === 0) return [];
    let query = this.ctx.db
      .selectFrom('callbacks')
      .selectAll()
      .where('status', '<>', 'done')
      .orderBy('abandoned_at')
      .orderBy('id')
      .limit(limit);
    if (queues) query = query.where('queue', 'in', queues);
    return (await query.execute()).map(toCallback);
  }

  async countOpen(queues: readonly string[] | null): Promise<number> {
    if (queues?.length === 0) return 0;
    let query = this.ctx.db
      .selectFrom('callbacks')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', '=', 'open');
    if (queues) query = query.where('queue', 'in', queues);
    const row = await query.executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async claimNext(
    agentId: string,
    queues: readonly string[] | null,
    now: number,
  ): Promise<Callback | null> {
    const held = await this.ctx.db
      .selectFrom('callbacks')
      .selectAll()
      .where('status', '=', 'taken')
      .where('taken_by', '=', agentId)
      .orderBy('taken_at')
      .limit(1)
      .executeTakeFirst();
    if (held) return toCallback(held);
    if (queues?.length === 0) return null;

    let pick = this.ctx.db
      .selectFrom('callbacks')
      .select('id')
      .where('status', '=', 'open')
      .orderBy('abandoned_at')
      .orderBy('id')
      .limit(1);
    if (queues) pick = pick.where('queue', 'in', queues);
    if (this.ctx.backend === 'postgres') pick = pick.forUpdate().skipLocked();
    const row = await this.ctx.db
      .updateTable('callbacks')
      .set({ status: 'taken', taken_by: agentId, taken_at: now })
      .where('id', '=', pick)
      .where('status', '=', 'open')
      .returningAll()
      .executeTakeFirst();
    return row ? toCallback(row) : null;
  }

  async report(
    id: string,
    agentId: string,
    outcome: CallbackOutcome,
    now: number,
    maxAttempts: number,
  ): Promise<CallbackReport> {
    const current = await this.get(id);
    if (!current) return { kind: 'unknown' };
    if (current.status !== 'taken' || current.takenBy !== agentId) {
      return { kind: 'not-held', callback: current };
    }
    const attempts = current.attempts + 1;
    const done = outcome !== 'no-answer' || attempts >= maxAttempts;
    const row = await this.ctx.db
      .updateTable('callbacks')
      .set({
        status: done ? 'done' : 'open',
        attempts,
        last_outcome: outcome,
        taken_by: null,
        taken_at: null,
        done_at: done ? now : null,
      })
      .where('id', '=', id)
      .where('status', '=', 'taken')
      .where('taken_by', '=', agentId)
      .returningAll()
      .executeTakeFirst();
    // Released by the sweeper (or reported twice) between the read and the write.
    if (!row) return { kind: 'not-held', callback: (await this.get(id)) ?? current };
    return { kind: 'reported', callback: toCallback(row) };
  }

  async releaseStale(cutoff: number): Promise<string[]> {
    const rows = await this.ctx.db
      .updateTable('callbacks')
      .set({ status: 'open', taken_by: null, taken_at: null })
      .where('status', '=', 'taken')
      .where('taken_at', '<', cutoff)
      .returning('queue')
      .execute();
    return rows.map((r) => r.queue);
  }

  async get(id: string): Promise<Callback | null> {
    const row = await this.ctx.db
      .selectFrom('callbacks')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toCallback(row) : null;
  }
}
