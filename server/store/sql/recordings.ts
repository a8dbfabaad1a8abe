import type { Selectable } from 'kysely';
import type { RecordingRecord, RecordingRepository } from '../repository.js';
import type { SqlContext } from './context.js';
import type { RecordingsTable } from './schema.js';

function toRecord(row: Selectable<RecordingsTable>): RecordingRecord {
  return {
    callId: row.call_id,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    bytes: row.bytes,
    path: row.path,
    expiresAt: row.expires_at,
  };
}

/** Recordings' metadata on both backends; the audio itself is a file (`path`). */
export class SqlRecordingRepository implements RecordingRepository {
  constructor(private readonly ctx: SqlContext) {}

  async put(recording: RecordingRecord): Promise<RecordingRecord | null> {
    const values = {
      call_id: recording.callId,
      started_at: recording.startedAt,
      duration_ms: recording.durationMs,
      bytes: recording.bytes,
      path: recording.path,
      expires_at: recording.expiresAt,
    };
    const previous = await this.get(recording.callId);
    await this.ctx.db
      .insertInto('recordings')
      .values(values)
      .onConflict((oc) => oc.column('call_id').doUpdateSet(values))
      .execute();
    return previous;
  }

  async get(callId: string): Promise<RecordingRecord | null> {
    const row = await this.ctx.db
      .selectFrom('recordings')
      .selectAll()
      .where('call_id', '=', callId)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async expired(now: number, limit: number): Promise<RecordingRecord[]> {
    const rows = await this.ctx.db
      .selectFrom('recordings')
      .selectAll()
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  async remove(callId: string): Promise<boolean> {
    const result = await this.ctx.db
      .deleteFrom('recordings')
      .where('call_id', '=', callId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
