import { sql, type Transaction } from 'kysely';
import type { Backend, HubDb, HubTables } from './schema.js';

/**
 * The hub schema as one versioned list for both backends. Each step is plain SQL that
 * SQLite and PostgreSQL both accept; the differences, keys, are the AUTO_ID and ROWID_KEY
 * placeholders. Steps run in one transaction and are recorded in
 * schema_migrations; steps are only ever appended, never edited.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

const AUTO_ID: Record<Backend, string> = {
  sqlite: 'INTEGER PRIMARY KEY',
  postgres: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
};

/**
 * A BIGINT key we assign ourselves. In SQLite exactly "INTEGER PRIMARY KEY" makes it the
 * rowid: the table is stored in that order and needs no index of its own.
 */
const ROWID_KEY: Record<Backend, string> = {
  sqlite: 'INTEGER PRIMARY KEY',
  postgres: 'BIGINT PRIMARY KEY',
};

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'hub schema: agents, sessions, orders, mutations, calls',
    statements: [
      // The global version counter: every order write takes the next value, and pulls
      // page by it, so no ordering depends on a seat's clock.
      `CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)`,
      `INSERT INTO counters (name, value) VALUES ('version', 0)`,
      `CREATE TABLE agents (
        id TEXT PRIMARY KEY,
        account TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        home_extension TEXT NOT NULL,
        seat_extension TEXT,
        queues TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'logged-out',
        state_reason TEXT,
        state_since BIGINT NOT NULL
      )`,
      `CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL REFERENCES agents (id),
        extension TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      )`,
      `CREATE INDEX sessions_expires ON sessions (expires_at)`,
      // Stored in version order (the rowid on SQLite), so imports and pushes append. The
      // indexes of columns that imported history leaves NULL (client order id, seat,
      // agent) are partial: a 6M-order import does not write them at all.
      `CREATE TABLE orders (
        order_no TEXT NOT NULL UNIQUE,
        client_order_id TEXT,
        seat_id TEXT,
        agent_id TEXT,
        type TEXT NOT NULL,
        category TEXT NOT NULL,
        territory TEXT NOT NULL,
        summary TEXT NOT NULL,
        citizen_name TEXT NOT NULL,
        citizen_address TEXT NOT NULL,
        caller_number TEXT NOT NULL,
        caller_key TEXT,
        call_id TEXT,
        state TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        deadline TEXT,
        last_reply TEXT,
        version ROWID_KEY
      )`,
      `CREATE UNIQUE INDEX orders_client_order ON orders (client_order_id)
        WHERE client_order_id IS NOT NULL`,
      `CREATE INDEX orders_caller ON orders (caller_key, created_at DESC, order_no DESC)`,
      `CREATE INDEX orders_seat_version ON orders (seat_id, version) WHERE seat_id IS NOT NULL`,
      `CREATE INDEX orders_agent_version ON orders (agent_id, version)
        WHERE agent_id IS NOT NULL`,
      // Per-day sequence behind order numbers DG + yyyymmdd + 6 digits.
      `CREATE TABLE order_sequences (day TEXT PRIMARY KEY, last BIGINT NOT NULL)`,
      // Every mutation id the hub has applied, forever: a retried push is a duplicate.
      `CREATE TABLE applied_mutations (
        mutation_id TEXT PRIMARY KEY,
        order_no TEXT NOT NULL REFERENCES orders (order_no),
        version BIGINT NOT NULL,
        seat_id TEXT NOT NULL,
        applied_at BIGINT NOT NULL
      )`,
      `CREATE TABLE calls (
        call_id TEXT PRIMARY KEY,
        caller TEXT NOT NULL,
        caller_key TEXT,
        queue TEXT NOT NULL,
        queued_at BIGINT NOT NULL,
        routed_at BIGINT,
        answered_at BIGINT,
        ended_at BIGINT,
        agent TEXT,
        outcome TEXT,
        wait_ms BIGINT
      )`,
      `CREATE INDEX calls_caller ON calls (caller_key, queued_at DESC, call_id DESC)`,
    ],
  },
  {
    version: 2,
    name: 'knowledge base versions and life cycle, audit log',
    statements: [
      `CREATE TABLE kb_articles (id TEXT PRIMARY KEY, latest_version INTEGER NOT NULL)`,
      `CREATE TABLE kb_versions (
        article_id TEXT NOT NULL REFERENCES kb_articles (id),
        version INTEGER NOT NULL,
        state TEXT NOT NULL,
        title TEXT NOT NULL,
        category TEXT NOT NULL,
        keywords TEXT NOT NULL,
        synonyms TEXT NOT NULL,
        body TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        changed_by TEXT NOT NULL,
        changed_at BIGINT NOT NULL,
        PRIMARY KEY (article_id, version)
      )`,
      // At most one published version per article, whatever a caller does.
      `CREATE UNIQUE INDEX kb_versions_published ON kb_versions (article_id)
        WHERE state = 'published'`,
      `CREATE TABLE kb_changes (
        id AUTO_ID,
        article_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        changed_at BIGINT NOT NULL,
        note TEXT,
        FOREIGN KEY (article_id, version) REFERENCES kb_versions (article_id, version)
      )`,
      `CREATE INDEX kb_changes_article ON kb_changes (article_id, id)`,
      `CREATE TABLE audit_log (
        id AUTO_ID,
        at BIGINT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        via TEXT NOT NULL,
        detail TEXT
      )`,
      `CREATE INDEX audit_log_subject ON audit_log (subject, at)`,
      `CREATE INDEX audit_log_actor ON audit_log (actor_id, at)`,
    ],
  },
  {
    version: 3,
    name: 'order changes: assignment, revisions, conflicts, seat keys',
    statements: [
      // The agent an order is assigned to for follow-up; most orders have none.
      `ALTER TABLE orders ADD COLUMN assigned_to TEXT`,
      `CREATE INDEX orders_assigned_version ON orders (assigned_to, version)
        WHERE assigned_to IS NOT NULL`,
      // Every change of an order after its creation, field by field: seats' edits, hub
      // edits, replies, assignments, conflict decisions. `version` is the order's version
      // the change gave it; `seat_id` is null for a change made at the hub.
      `CREATE TABLE order_revisions (
        id AUTO_ID,
        order_no TEXT NOT NULL REFERENCES orders (order_no),
        version BIGINT NOT NULL,
        field TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT,
        actor TEXT NOT NULL,
        seat_id TEXT,
        mutation_id TEXT,
        at BIGINT NOT NULL,
        note TEXT
      )`,
      `CREATE INDEX order_revisions_field ON order_revisions (order_no, field, version)`,
      // A field a seat changed while the hub changed it too: both values, until decided.
      `CREATE TABLE order_conflicts (
        conflict_id TEXT PRIMARY KEY,
        order_no TEXT NOT NULL REFERENCES orders (order_no),
        field TEXT NOT NULL,
        seat_value TEXT NOT NULL,
        hub_value TEXT NOT NULL,
        hub_changed_by TEXT NOT NULL,
        seat_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        mutation_id TEXT NOT NULL,
        detected_at BIGINT NOT NULL,
        resolution TEXT,
        resolved_by TEXT,
        resolved_at BIGINT
      )`,
      `CREATE INDEX order_conflicts_order ON order_conflicts (order_no, detected_at)`,
      `CREATE INDEX order_conflicts_open ON order_conflicts (order_no, field)
        WHERE resolution IS NULL`,
      // The key a web seat's local store is encrypted with, one per seat id, made once.
      `CREATE TABLE seat_keys (
        seat_id TEXT PRIMARY KEY,
        data_key TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        created_by TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 4,
    name: 'callbacks of abandoned calls, wrap-up end',
    statements: [
      // When an agent's timed wrap-up ends (its length depends on the call's queue).
      `ALTER TABLE agents ADD COLUMN wrap_up_ends_at BIGINT`,
      // Callers who hung up while queued. `number` is the normalised caller number (the
      // one dialled back); one entry per number until it is done.
      `CREATE TABLE callbacks (
        id TEXT PRIMARY KEY,
        number TEXT NOT NULL,
        queue TEXT NOT NULL,
        abandoned_at BIGINT NOT NULL,
        last_abandoned_at BIGINT NOT NULL,
        wait_ms BIGINT NOT NULL,
        abandons INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        status TEXT NOT NULL,
        taken_by TEXT,
        taken_at BIGINT,
        last_outcome TEXT,
        done_at BIGINT
      )`,
      `CREATE UNIQUE INDEX callbacks_number_live ON callbacks (number) WHERE status <> 'done'`,
      `CREATE INDEX callbacks_open ON callbacks (queue, abandoned_at, id) WHERE status = 'open'`,
      `CREATE INDEX callbacks_taken ON callbacks (taken_by, taken_at) WHERE status = 'taken'`,
    ],
  },
  {
    version: 5,
    name: 'call recordings',
    statements: [
      // One recording per call (rtpengine records on the media path; the hub converts it
      // to WAV). `path` is the WAV file on the hub; the sweeper deletes file and row once
      // `expires_at` (HUB_RECORDING_RETENTION_DAYS after the start) has passed.
      `CREATE TABLE recordings (
        call_id TEXT PRIMARY KEY,
        started_at BIGINT NOT NULL,
        duration_ms BIGINT NOT NULL,
        bytes BIGINT NOT NULL,
        path TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      )`,
      `CREATE INDEX recordings_expires ON recordings (expires_at)`,
    ],
  },
];

/** The walking skeleton's schema (FTS5 KB, no versions): there is no path from it. */
const SKELETON_NAMES = new Map([
  [1, 'agents, sessions, orders, mutations, calls'],
  [2, 'knowledge base and its full-text index'],
]);

/** A database this hub will not open: newer than the code, or of another lineage. */
export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

async function ensureLedger(tx: Transaction<HubTables>): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`.execute(tx);
}

function check(
  applied: readonly { version: number; name: string }[],
  migrations: readonly Migration[],
): void {
  const newest = migrations.at(-1)?.version ?? 0;
  const skeleton =
    applied.length > 0 && applied.every((row) => SKELETON_NAMES.get(row.version) === row.name);
  if (skeleton) {
    throw new SchemaError(
      'the hub database was made by the walking-skeleton hub (schema 1-2, FTS5 knowledge ' +
        'base) and cannot be migrated: re-seed it with `npm run seed -- --force` ' +
        '(or delete the file and its -wal/-shm files; the hub seeds a new one)',
    );
  }
  for (const row of applied) {
    if (row.version > newest) {
      throw new SchemaError(
        `the hub database is at schema version ${row.version}, newer than this hub ` +
          `knows (${newest}): run a newer hub or restore a backup made by this one`,
      );
    }
    const known = migrations.find((m) => m.version === row.version);
    if (known?.name !== row.name) {
      throw new SchemaError(
        `the hub database records schema step ${row.version} "${row.name}", which this ` +
          `hub does not know: it was made by another build; re-seed or restore a backup`,
      );
    }
  }
}

/**
 * Brings the database up to the newest step in `migrations`, in one transaction (on
 * PostgreSQL under an advisory lock, so two hubs starting together migrate once).
 * Refuses a database newer than the list, or one from the skeleton, with a SchemaError.
 * Answers the versions it applied.
 */
export async function migrate(
  db: HubDb,
  backend: Backend,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return db.transaction().execute(async (tx) => {
    if (backend === 'postgres') {
      await sql`SELECT pg_advisory_xact_lock(hashtext('hub.schema_migrations'))`.execute(tx);
    }
    await ensureLedger(tx);
    const applied = await tx
      .selectFrom('schema_migrations')
      .select(['version', 'name'])
      .orderBy('version')
      .execute();
    check(applied, migrations);
    const done = new Set(applied.map((row) => row.version));
    const ran: number[] = [];
    for (const step of migrations) {
      if (done.has(step.version)) continue;
      for (const statement of step.statements) {
        const text = statement
          .replaceAll('AUTO_ID', AUTO_ID[backend])
          .replaceAll('ROWID_KEY', ROWID_KEY[backend]);
        await sql.raw(text).execute(tx);
      }
      await tx
        .insertInto('schema_migrations')
        .values({ version: step.version, name: step.name, applied_at: new Date().toISOString() })
        .execute();
      ran.push(step.version);
    }
    return ran;
  });
}
