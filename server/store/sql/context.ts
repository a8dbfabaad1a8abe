import { sql, type Transaction } from 'kysely';
import type { BulkWriter } from './bulk.js';
import type { Backend, HubDb, HubTables } from './schema.js';

/** What every repository of one store shares. */
export interface SqlContext {
  readonly db: HubDb;
  readonly backend: Backend;
  readonly bulk: BulkWriter;
}

/**
 * Serialises the hub's numbering writes (order numbers, the version counter, mutation
 * ids). On SQLite the transaction's BEGIN IMMEDIATE already holds the one write lock. On
 * PostgreSQL the counter row is locked FOR UPDATE, so a second push waits here, before it
 * looks up its mutation ids, and then sees everything the first one committed (READ
 * COMMITTED takes a new snapshot per statement): no order twice, no number reused.
 */
export async function lockNumbering(tx: Transaction<HubTables>, backend: Backend): Promise<void> {
  if (backend === 'postgres') {
    await sql`SELECT value FROM counters WHERE name = 'version' FOR UPDATE`.execute(tx);
  }
}

/** Takes `count` versions from the global counter; answers the first of them. */
export async function takeVersions(tx: Transaction<HubTables>, count: number): Promise<number> {
  const row = await tx
    .updateTable('counters')
    .set({ value: sql`value + ${count}` })
    .where('name', '=', 'version')
    .returning('value')
    .executeTakeFirst();
  if (!row) throw new Error('the version counter is missing');
  return row.value - count + 1;
}

/** Takes `count` numbers of one day's order sequence; answers the first of them. */
export async function takeSequence(
  tx: Transaction<HubTables>,
  day: string,
  count: number,
): Promise<number> {
  const row = await tx
    .insertInto('order_sequences')
    .values({ day, last: count })
    .onConflict((oc) =>
      oc.column('day').doUpdateSet({ last: sql`order_sequences.last + excluded.last` }),
    )
    .returning('last')
    .executeTakeFirst();
  if (!row) throw new Error(`no order sequence for ${day}`);
  return row.last - count + 1;
}
