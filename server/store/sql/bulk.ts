import type Database from 'better-sqlite3';
import type { Insertable, Transaction } from 'kysely';
import type { CallsTable, HubTables, OrdersTable } from './schema.js';

export type OrderRow = Insertable<OrdersTable>;
export type CallRow = Insertable<CallsTable>;

/**
 * Writes many rows inside a transaction the caller holds. The seed's 6M-order year goes
 * through here, so each backend gets its fastest honest path: on SQLite one prepared
 * statement run per row (Kysely would compile and prepare each query anew, several times
 * slower); on PostgreSQL multi-row INSERTs that stay under its 65535-parameter limit.
 */
export interface BulkWriter {
  orders(tx: Transaction<HubTables>, rows: readonly OrderRow[]): Promise<void>;
  calls(tx: Transaction<HubTables>, rows: readonly CallRow[]): Promise<void>;
}

const ORDER_COLUMNS = [
  'order_no',
  'client_order_id',
  'seat_id',
  'agent_id',
  'type',
  'category',
  'territory',
  'summary',
  'citizen_name',
  'citizen_address',
  'caller_number',
  'caller_key',
  'call_id',
  'state',
  'created_at',
  'deadline',
  'last_reply',
  'version',
] as const satisfies readonly (keyof OrderRow)[];

const CALL_COLUMNS = [
  'call_id',
  'caller',
  'caller_key',
  'queue',
  'queued_at',
  'routed_at',
  'answered_at',
  'ended_at',
  'agent',
  'outcome',
  'wait_ms',
] as const satisfies readonly (keyof CallRow)[];

function insertSql(table: string, columns: readonly string[]): string {
  const params = columns.map(() => '?').join(', ');
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${params})`;
}

function valuesOf<R extends object>(row: R, columns: readonly (keyof R)[]): unknown[] {
  const values = new Array<unknown>(columns.length);
  for (let i = 0; i < columns.length; i++) values[i] = row[columns[i] as keyof R] ?? null;
  return values;
}

/**
 * The SQLite fast path. The statements run on the same better-sqlite3 connection Kysely
 * uses, synchronously, so they belong to the caller's BEGIN IMMEDIATE transaction.
 */
export function sqliteBulkWriter(database: Database.Database): BulkWriter {
  // Positional parameters: binding an array is cheaper than looking up named ones.
  const addOrder = database.prepare(insertSql('orders', ORDER_COLUMNS));
  const addCall = database.prepare(insertSql('calls', CALL_COLUMNS));
  return {
    async orders(_tx, rows) {
      for (const row of rows) addOrder.run(valuesOf(row, ORDER_COLUMNS));
    },
    async calls(_tx, rows) {
      for (const row of rows) addCall.run(valuesOf(row, CALL_COLUMNS));
    },
  };
}

/** Parameters per statement: PostgreSQL allows 65535; a margin keeps statements small. */
const MAX_PARAMETERS = 30_000;

function chunks<T>(rows: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Multi-row INSERTs through Kysely, for PostgreSQL. */
export const multiRowBulkWriter: BulkWriter = {
  async orders(tx, rows) {
    for (const part of chunks(rows, ORDER_COLUMNS.length)) {
      await tx.insertInto('orders').values(part).execute();
    }
  },
  async calls(tx, rows) {
    for (const part of chunks(rows, CALL_COLUMNS.length)) {
      await tx.insertInto('calls').values(part).execute();
    }
  },
};
