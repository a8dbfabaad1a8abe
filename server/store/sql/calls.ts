import type { Selectable, Updateable } from 'kysely';
import type {
  CallOutcome,
  CallRecord,
  CallRepository,
  CallUpdate,
  Page,
  PastCall,
} from '../repository.js';
import type { CallRow } from './bulk.js';
import type { SqlContext } from './context.js';
import type { CallsTable } from './schema.js';

const COLUMN_OF = {
  queuedAt: 'queued_at',
  routedAt: 'routed_at',
  answeredAt: 'answered_at',
  endedAt: 'ended_at',
  agent: 'agent',
  outcome: 'outcome',
  waitMs: 'wait_ms',
} as const satisfies Record<keyof CallUpdate, keyof CallsTable>;

function toRecord(row: Selectable<CallsTable>): CallRecord {
  return {
    callId: row.call_id,
    caller: row.caller,
    callerKey: row.caller_key,
    queue: row.queue,
    queuedAt: row.queued_at,
    routedAt: row.routed_at,
    answeredAt: row.answered_at,
    endedAt: row.ended_at,
    agent: row.agent,
    outcome: row.outcome as CallOutcome | null,
    waitMs: row.wait_ms,
  };
}

function toRow(call: CallRecord): CallRow {
  return {
    call_id: call.callId,
    caller: call.caller,
    caller_key: call.callerKey,
    queue: call.queue,
    queued_at: call.queuedAt,
    routed_at: call.routedAt,
    answered_at: call.answeredAt,
    ended_at: call.endedAt,
    agent: call.agent,
    outcome: call.outcome,
    wait_ms: call.waitMs,
  };
}

type PastCallRow = Pick<
  Selectable<CallsTable>,
  'call_id' | 'queued_at' | 'queue' | 'wait_ms' | 'outcome' | 'agent'
>;

/** The pop's vocabulary: a timeout is a failed call; an open call still rings. */
function toPastCall(row: PastCallRow): PastCall {
  const outcome = row.outcome as CallOutcome | null;
  return {
    callId: row.call_id,
    at: new Date(row.queued_at).toISOString(),
    queue: row.queue,
    waitMs: row.wait_ms ?? 0,
    outcome: outcome === null ? 'ringing' : outcome === 'timeout' ? 'failed' : outcome,
    agentExtension: row.agent,
  };
}

/** Rows per import transaction. */
const IMPORT_BATCH = 100_000;

/** Calls the ACD has seen: one row per Call-ID, updated as the call moves. */
export class SqlCallRepository implements CallRepository {
  constructor(private readonly ctx: SqlContext) {}

  async queued(
    call: Pick<CallRecord, 'callId' | 'caller' | 'callerKey' | 'queue' | 'queuedAt'>,
  ): Promise<void> {
    const fresh = {
      caller: call.caller,
      caller_key: call.callerKey,
      queue: call.queue,
      queued_at: call.queuedAt,
    };
    await this.ctx.db
      .insertInto('calls')
      .values({ call_id: call.callId, ...fresh })
      .onConflict((oc) =>
        oc.column('call_id').doUpdateSet({
          ...fresh,
          routed_at: null,
          answered_at: null,
          ended_at: null,
          agent: null,
          outcome: null,
          wait_ms: null,
        }),
      )
      .execute();
  }

  async update(callId: string, patch: CallUpdate): Promise<void> {
    const set: Updateable<CallsTable> = {};
    for (const [key, column] of Object.entries(COLUMN_OF) as [
      keyof CallUpdate,
      (typeof COLUMN_OF)[keyof CallUpdate],
    ][]) {
      const value = patch[key];
      if (value !== undefined) Object.assign(set, { [column]: value });
    }
    if (Object.keys(set).length === 0) return;
    await this.ctx.db.updateTable('calls').set(set).where('call_id', '=', callId).execute();
  }

  async get(callId: string): Promise<CallRecord | null> {
    const row = await this.ctx.db
      .selectFrom('calls')
      .selectAll()
      .where('call_id', '=', callId)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async byCaller(callerKey: string, page: Page): Promise<PastCall[]> {
    const rows = await this.ctx.db
      .selectFrom('calls')
      .select(['call_id', 'queued_at', 'queue', 'wait_ms', 'outcome', 'agent'])
      .where('caller_key', '=', callerKey)
      .orderBy('queued_at', 'desc')
      .orderBy('call_id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return rows.map(toPastCall);
  }

  async failOpen(now: number): Promise<number> {
    const result = await this.ctx.db
      .updateTable('calls')
      .set({ outcome: 'failed', ended_at: now })
      .where('outcome', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async importCalls(calls: CallRecord[]): Promise<void> {
    for (let i = 0; i < calls.length; i += IMPORT_BATCH) {
      const rows = calls.slice(i, i + IMPORT_BATCH).map(toRow);
      await this.ctx.db.transaction().execute((tx) => this.ctx.bulk.calls(tx, rows));
    }
  }
}
