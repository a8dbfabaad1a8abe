import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * What the hub holds at the end of a fault run, read from its database directly (the
 * hub's API has no "every order of a seat" call): the orders pushed by seats and the
 * mutations it recorded as applied. Plain SQL, the same on SQLite and PostgreSQL.
 */
export interface HubOrderRow {
  orderNo: string;
  clientOrderId: string | null;
  seatId: string | null;
  type: string;
  category: string;
  territory: string;
  summary: string;
  citizenName: string;
  citizenAddress: string;
  callerNumber: string;
  version: number;
}

export interface AppliedRow {
  orderNo: string;
  seatId: string;
}

export interface HubData {
  orders: HubOrderRow[];
  applied: AppliedRow[];
}

const ORDERS_SQL = `SELECT order_no AS "orderNo", client_order_id AS "clientOrderId",
  seat_id AS "seatId", type, category, territory, summary, citizen_name AS "citizenName",
  citizen_address AS "citizenAddress", caller_number AS "callerNumber", version
  FROM orders WHERE seat_id IS NOT NULL`;
const APPLIED_SQL = `SELECT order_no AS "orderNo", seat_id AS "seatId" FROM applied_mutations`;

export type HubTarget = { sqlitePath: string } | { postgresUrl: string };

export async function readHubData(target: HubTarget): Promise<HubData> {
  if ('sqlitePath' in target) {
    const db = new Database(target.sqlitePath, { readonly: true, fileMustExist: true });
    try {
      return {
        orders: db.prepare(ORDERS_SQL).all() as HubOrderRow[],
        applied: db.prepare(APPLIED_SQL).all() as AppliedRow[],
      };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: target.postgresUrl });
  await client.connect();
  try {
    const orders = (await client.query<HubOrderRow>(ORDERS_SQL)).rows;
    const applied = (await client.query<AppliedRow>(APPLIED_SQL)).rows;
    return { orders: orders.map((o) => ({ ...o, version: Number(o.version) })), applied };
  } finally {
    await client.end();
  }
}
