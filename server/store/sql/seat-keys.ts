import type { SeatKeyRepository } from '../repository.js';
import type { HubDb } from './schema.js';

/**
 * The web seats' store keys. The first ask for a seat id stores a new key; every later
 * one, also a concurrent first one, answers the key stored (the insert does nothing when
 * the seat already has one, on both backends).
 */
export class SqlSeatKeyRepository implements SeatKeyRepository {
  constructor(private readonly db: HubDb) {}

  async keyFor(
    seatId: string,
    make: () => string,
    by: string,
    at: number,
  ): Promise<{ dataKey: string; created: boolean }> {
    const inserted = await this.db
      .insertInto('seat_keys')
      .values({ seat_id: seatId, data_key: make(), created_at: at, created_by: by })
      .onConflict((oc) => oc.column('seat_id').doNothing())
      .returning('data_key')
      .executeTakeFirst();
    if (inserted) return { dataKey: inserted.data_key, created: true };
    const row = await this.db
      .selectFrom('seat_keys')
      .select('data_key')
      .where('seat_id', '=', seatId)
      .executeTakeFirstOrThrow();
    return { dataKey: row.data_key, created: false };
  }
}
