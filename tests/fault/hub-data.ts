import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * What the hub holds at the end of a fault run, read from its database directly (the
 * hub's API has no "every order of a seat" call): the orders pushed by seats, the
 * mutations it recorded as applied, and the change and conflict logs of those orders.
 * Plain SQL, the same on SQLite and PostgreSQL.
 */
export interface HubOrderRow {
  orderNo: string;
  clientOrderId: string | null;
  seatId: string | null;
  /** The agent who pushed it, and the one a lead assigned it to (null: none). */
  agentId: string | null;
  assignedTo: string | null;
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

/** One field move of an order's change log (order_revisions). */
export interface RevisionRow {
  orderNo: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  /** Account, or `seat:<id>`. */
  actor: string;
  seatId: string | null;
}

/** One row of order_conflicts; `resolution` null while open. */
export interface ConflictRow {
  conflictId: string;
  orderNo: string;
  field: string;
  seatValue: string;
  hubValue: string;
  seatId: string;
  resolution: string | null;
  resolvedBy: string | null;
}

export interface HubData {
  orders: HubOrderRow[];
  applied: AppliedRow[];
  revisions: RevisionRow[];
  conflicts: ConflictRow[];
}

const ORDERS_SQL = `SELECT order_no AS "orderNo", client_order_id AS "clientOrderId",
  seat_id AS "seatId", agent_id AS "agentId", assigned_to AS "assignedTo", type, category,
  territory, summary, citizen_name AS "citizenName", citizen_address AS "citizenAddress",
  caller_number AS "callerNumber", version
  FROM orders WHERE seat_id IS NOT NULL`;
const APPLIED_SQL = `SELECT order_no AS "orderNo", seat_id AS "seatId" FROM applied_mutations`;
const REVISIONS_SQL = `SELECT order_no AS "orderNo", field, old_value AS "oldValue",
  new_value AS "newValue", actor, seat_id AS "seatId" FROM order_revisions`;
const CONFLICTS_SQL = `SELECT conflict_id AS "conflictId", order_no AS "orderNo", field,
  seat_value AS "seatValue", hub_value AS "hubValue", seat_id AS "seatId", resolution,
  resolved_by AS "resolvedBy" FROM order_conflicts`;

/** What a lead picks an order from while the run goes on. */
export interface LeadCandidate {
  orderNo: string;
  clientOrderId: string | null;
  seatId: string;
  agentId: string | null;
  assignedTo: string | null;
}
const CANDIDATES_SQL = `SELECT order_no AS "orderNo", client_order_id AS "clientOrderId",
  seat_id AS "seatId", agent_id AS "agentId",
  assigned_to AS "assignedTo" FROM orders WHERE seat_id IS NOT NULL ORDER BY version`;

export type HubTarget = { sqlitePath: string } | { postgresUrl: string };

async function query<T>(target: HubTarget, sqls: string[]): Promise<T[][]> {
  if ('sqlitePath' in target) {
    const db = new Database(target.sqlitePath, { readonly: true, fileMustExist: true });
    try {
      return sqls.map((sql) => db.prepare(sql).all() as T[]);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: target.postgresUrl });
  await client.connect();
  try {
    const out: T[][] = [];
    for (const sql of sqls) out.push((await client.query(sql)).rows as T[]);
    return out;
  } finally {
    await client.end();
  }
}

export async function readHubData(target: HubTarget): Promise<HubData> {
  const [orders, applied, revisions, conflicts] = await query<unknown>(target, [
    ORDERS_SQL,
    APPLIED_SQL,
    REVISIONS_SQL,
    CONFLICTS_SQL,
  ]);
  return {
    orders: (orders as HubOrderRow[]).map((o) => ({ ...o, version: Number(o.version) })),
    applied: applied as AppliedRow[],
    revisions: revisions as RevisionRow[],
    conflicts: conflicts as ConflictRow[],
  };
}

/** The seats' orders at the hub, oldest change first (the lead's choice). */
export async function readLeadCandidates(target: HubTarget): Promise<LeadCandidate[]> {
  const [rows] = await query<LeadCandidate>(target, [CANDIDATES_SQL]);
  return rows ?? [];
}
