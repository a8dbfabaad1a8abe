import type { Database, Statement } from 'better-sqlite3';
import type {
  CallOutcome,
  CallRecord,
  CallRepository,
  CallUpdate,
  Page,
  PastCall,
} from '../repository.js';

interface CallRow {
  call_id: string;
  caller: string;
  caller_key: string | null;
  queue: string;
  queued_at: number;
  routed_at: number | null;
  answered_at: number | null;
  ended_at: number | null;
  agent: string | null;
  outcome: string | null;
  wait_ms: number | null;
}

const COLUMN_OF: Record<keyof CallUpdate, string> = {
  queuedAt: 'queued_at',
  routedAt: 'routed_at',
  answeredAt: 'answered_at',
  endedAt: 'ended_at',
  agent: 'agent',
  outcome: 'outcome',
  waitMs: 'wait_ms',
};

function toRecord(row: CallRow): CallRecord {
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

/** The pop's vocabulary: a timeout is a failed call; an open call still rings. */
function toPastCall(row: CallRow): PastCall {
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

/** Calls the ACD has seen, in SQLite: one row per Call-ID, updated as the call moves. */
export class SqliteCallRepository implements CallRepository {
  private readonly upsert: Statement;
  private readonly byId: Statement<[string], CallRow>;
  private readonly callerPage: Statement<[string, number, number], CallRow>;
  private readonly failAll: Statement<[number]>;
  private readonly updates = new Map<string, Statement>();
  private readonly importTx: (calls: CallRecord[]) => void;

  constructor(private readonly db: Database) {
    this.upsert = db.prepare(`INSERT INTO calls (call_id, caller, caller_key, queue, queued_at)
      VALUES (@callId, @caller, @callerKey, @queue, @queuedAt)
      ON CONFLICT (call_id) DO UPDATE SET caller = excluded.caller,
        caller_key = excluded.caller_key, queue = excluded.queue,
        queued_at = excluded.queued_at, routed_at = NULL, answered_at = NULL,
        ended_at = NULL, agent = NULL, outcome = NULL, wait_ms = NULL`);
    this.byId = db.prepare('SELECT * FROM calls WHERE call_id = ?');
    this.callerPage = db.prepare(`SELECT * FROM calls WHERE caller_key = ?
      ORDER BY queued_at DESC, call_id DESC LIMIT ? OFFSET ?`);
    this.failAll = db.prepare(
      "UPDATE calls SET outcome = 'failed', ended_at = ? WHERE outcome IS NULL",
    );
    const add = db.prepare(`INSERT INTO calls (call_id, caller, caller_key, queue, queued_at,
        routed_at, answered_at, ended_at, agent, outcome, wait_ms)
      VALUES (@callId, @caller, @callerKey, @queue, @queuedAt, @routedAt, @answeredAt,
        @endedAt, @agent, @outcome, @waitMs)`);
    const load = db.transaction((calls: CallRecord[]) => {
      for (const call of calls) add.run(call);
    });
    this.importTx = (calls) => load.immediate(calls);
  }

  async queued(
    call: Pick<CallRecord, 'callId' | 'caller' | 'callerKey' | 'queue' | 'queuedAt'>,
  ): Promise<void> {
    this.upsert.run(call);
  }

  async update(callId: string, patch: CallUpdate): Promise<void> {
    const keys = (Object.keys(patch) as (keyof CallUpdate)[]).filter((k) => patch[k] !== undefined);
    if (keys.length === 0) return;
    const signature = keys.join(',');
    let statement = this.updates.get(signature);
    if (!statement) {
      const sets = keys.map((k) => `${COLUMN_OF[k]} = @${k}`).join(', ');
      statement = this.db.prepare(`UPDATE calls SET ${sets} WHERE call_id = @callId`);
      this.updates.set(signature, statement);
    }
    statement.run({ ...Object.fromEntries(keys.map((k) => [k, patch[k]])), callId });
  }

  async get(callId: string): Promise<CallRecord | null> {
    const row = this.byId.get(callId);
    return row ? toRecord(row) : null;
  }

  async byCaller(callerKey: string, page: Page): Promise<PastCall[]> {
    return this.callerPage.all(callerKey, page.limit, page.offset).map(toPastCall);
  }

  async failOpen(now: number): Promise<number> {
    return this.failAll.run(now).changes;
  }

  async importCalls(calls: CallRecord[]): Promise<void> {
    this.importTx(calls);
  }
}
