import type { Database } from 'better-sqlite3';

/**
 * The hub schema as a versioned list. Each step runs once, in its own transaction, and
 * is recorded in schema_migrations; a database newer than this list is refused rather
 * than guessed at. Steps are only ever appended.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'agents, sessions, orders, mutations, calls',
    up(db) {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        -- The global version counter: every order write takes the next value, and pulls
        -- page by it, so no ordering depends on a seat's clock.
        CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO counters (name, value) VALUES ('version', 0);

        CREATE TABLE agents (
          id TEXT PRIMARY KEY,
          account TEXT NOT NULL UNIQUE,
          name TEXT NOT NULL,
          role TEXT NOT NULL,
          home_extension TEXT NOT NULL,
          seat_extension TEXT,
          queues TEXT NOT NULL,
          password_hash TEXT NOT NULL,
          state TEXT NOT NULL DEFAULT 'logged-out',
          state_since INTEGER NOT NULL
        );

        CREATE TABLE sessions (
          token_hash TEXT PRIMARY KEY,
          agent_id TEXT NOT NULL REFERENCES agents (id),
          extension TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        );
        CREATE INDEX sessions_expires ON sessions (expires_at);

        CREATE TABLE orders (
          order_no TEXT PRIMARY KEY,
          client_order_id TEXT UNIQUE,
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
          created_at INTEGER NOT NULL,
          deadline TEXT,
          last_reply TEXT,
          version INTEGER NOT NULL UNIQUE
        );
        CREATE INDEX orders_caller ON orders (caller_key, created_at DESC, order_no DESC);
        CREATE INDEX orders_seat_version ON orders (seat_id, version);
        CREATE INDEX orders_agent_version ON orders (agent_id, version);

        -- Per-day sequence behind order numbers DG + yyyymmdd + 6 digits.
        CREATE TABLE order_sequences (day TEXT PRIMARY KEY, last INTEGER NOT NULL);

        -- Every mutation id the hub has applied, forever: a retried push is a duplicate.
        CREATE TABLE applied_mutations (
          mutation_id TEXT PRIMARY KEY,
          order_no TEXT NOT NULL REFERENCES orders (order_no),
          version INTEGER NOT NULL,
          seat_id TEXT NOT NULL,
          applied_at INTEGER NOT NULL
        );

        CREATE TABLE calls (
          call_id TEXT PRIMARY KEY,
          caller TEXT NOT NULL,
          caller_key TEXT,
          queue TEXT NOT NULL,
          queued_at INTEGER NOT NULL,
          routed_at INTEGER,
          answered_at INTEGER,
          ended_at INTEGER,
          agent TEXT,
          outcome TEXT,
          wait_ms INTEGER
        );
        CREATE INDEX calls_caller ON calls (caller_key, queued_at DESC);
      `);
    },
  },
  {
    version: 2,
    name: 'knowledge base and its full-text index',
    up(db) {
      db.exec(`
        CREATE TABLE kb_articles (
          rowid INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          title TEXT NOT NULL,
          category TEXT NOT NULL,
          keywords TEXT NOT NULL,
          synonyms TEXT NOT NULL,
          body TEXT NOT NULL
        );

        -- Columns hold pre-segmented text (the KB segmenter's tokens). title, keywords and
        -- body join their tokens with U+200B, a separator for unicode61 that is invisible
        -- in text, so snippet() gives the original text back once it is stripped.
        CREATE VIRTUAL TABLE kb_fts USING fts5 (
          title, keywords, body, extra,
          tokenize = 'unicode61'
        );
        INSERT INTO kb_fts (kb_fts, rank) VALUES ('rank', 'bm25(8.0, 5.0, 1.0, 0.5)');
      `);
    },
  },
];

/** Brings `db` up to the newest version in MIGRATIONS. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {
    v: number | null;
  };
  const current = row.v ?? 0;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(
      `hub database is at schema version ${current}, newer than this hub knows (${newest})`,
    );
  }
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  for (const step of migrations) {
    if (step.version <= current) continue;
    db.transaction(() => {
      step.up(db);
      record.run(step.version, step.name, new Date().toISOString());
    }).immediate();
  }
}
