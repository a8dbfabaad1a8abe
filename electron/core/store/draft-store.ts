import type { Database, Statement } from 'better-sqlite3';
import type { OrderDraft } from '../../../shared/order.js';
import type { SealerRef, StoreWriter } from './writer.js';

/**
 * The order form as it is typed, saved on every change, so it outlives a reload of the
 * desk and a crash of the seat (issue 4). One draft per slot; the body is sealed. The
 * save or edit that uses a draft clears it in its own transaction (OrderStore).
 */
export class DraftStore {
  private readonly stmt: {
    upsert: Statement<[string, string, string]>;
    get: Statement<[string], { body: string; saved_at: string }>;
    remove: Statement<[string]>;
  };

  constructor(
    db: Database,
    private readonly writer: StoreWriter,
    private readonly sealer: SealerRef,
  ) {
    this.stmt = {
      upsert: db.prepare(
        `INSERT INTO drafts (slot, body, saved_at) VALUES (?, ?, ?)
         ON CONFLICT (slot) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at`,
      ),
      get: db.prepare(`SELECT body, saved_at FROM drafts WHERE slot = ?`),
      remove: db.prepare(`DELETE FROM drafts WHERE slot = ?`),
    };
  }

  async save(slot: string, draft: OrderDraft, now = new Date()): Promise<void> {
    const body = this.sealer.get().seal(JSON.stringify(draft));
    await this.writer.run(
      () => this.stmt.upsert.run(slot, body, now.toISOString()),
      `save the draft of ${slot}`,
    );
  }

  get(slot: string): { draft: OrderDraft; savedAt: string } | null {
    const sealer = this.sealer.get();
    const row = this.stmt.get.get(slot);
    if (!row) return null;
    return { draft: JSON.parse(sealer.open(row.body)) as OrderDraft, savedAt: row.saved_at };
  }

  async discard(slot: string): Promise<void> {
    await this.writer.run(() => this.stmt.remove.run(slot), `discard the draft of ${slot}`);
  }
}
