import type { Database } from 'better-sqlite3';

/**
 * Versioned schema migrations. The applied version is SQLite's `user_version`; each
 * migration runs in its own immediate transaction together with the version bump, so a
 * crash leaves the file at one version or the next, never between. Reopening a file that
 * is up to date runs nothing.
 *
 * Append new migrations at the end; never edit one that has shipped.
 */
/** The file was written by a newer build: it is kept aside, never migrated down. */
export class StoreTooNewError extends Error {
  override readonly name = 'StoreTooNewError';
}

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'orders, outbox and key-value settings',
    sql: `
      CREATE TABLE orders (
        local_id      TEXT PRIMARY KEY,
        -- OrderInput as JSON, sealed when the seat has a data key
        fields        TEXT NOT NULL,
        -- lookup key of the caller number: normalised number or its keyed hash
        caller_key    TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('pending', 'synced', 'rejected')),
        order_no      TEXT,
        reject_reason TEXT,
        created_at    TEXT NOT NULL,
        hub_version   INTEGER
      ) STRICT;
      CREATE INDEX orders_by_caller ON orders (caller_key, created_at);
      CREATE INDEX orders_by_status ON orders (status);

      -- Append-only log of mutations not yet acknowledged by the hub.
      CREATE TABLE outbox (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        mutation_id TEXT NOT NULL UNIQUE,
        name        TEXT NOT NULL,
        order_id    TEXT NOT NULL REFERENCES orders (local_id),
        args        TEXT NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;

      CREATE TABLE kv (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: 'offline-first: hub values, save order, drafts, conflicts, refusals, KB cache',
    sql: `
      -- origin: made on this seat, or pulled from the hub (assigned to the agent).
      ALTER TABLE orders ADD COLUMN origin TEXT NOT NULL DEFAULT 'seat'
        CHECK (origin IN ('seat', 'hub'));
      -- The hub's last known field values (sealed JSON OrderInput); null until it answered.
      -- fields = hub_fields overlaid with the edits still in the outbox.
      ALTER TABLE orders ADD COLUMN hub_fields TEXT;
      -- The hub's state, dates, last reply and assignee (sealed JSON: a reply may quote).
      ALTER TABLE orders ADD COLUMN hub_meta TEXT;
      -- The seat's own save order: lists never depend on the seat's clock.
      ALTER TABLE orders ADD COLUMN save_seq INTEGER;
      UPDATE orders SET save_seq = rowid;
      CREATE UNIQUE INDEX orders_by_save_seq ON orders (save_seq);
      CREATE INDEX orders_by_caller_seq ON orders (caller_key, save_seq);
      CREATE INDEX orders_by_order_no ON orders (order_no);
      CREATE INDEX outbox_by_order ON outbox (order_id, seq);

      -- The order form while it is typed, one per slot ('new' or a call id); body sealed.
      CREATE TABLE drafts (
        slot     TEXT PRIMARY KEY,
        body     TEXT NOT NULL,
        saved_at TEXT NOT NULL
      ) STRICT;

      -- Open conflicts as the hub reported them (sealed OrderConflict JSON).
      CREATE TABLE conflicts (
        conflict_id TEXT PRIMARY KEY,
        local_id    TEXT NOT NULL REFERENCES orders (local_id),
        body        TEXT NOT NULL
      ) STRICT;
      CREATE INDEX conflicts_by_order ON conflicts (local_id);

      -- Mutations the hub refused, until the agent dismisses them; args sealed.
      CREATE TABLE rejected (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        mutation_id TEXT NOT NULL UNIQUE,
        name        TEXT NOT NULL,
        local_id    TEXT,
        order_no    TEXT,
        code        TEXT NOT NULL,
        reason      TEXT NOT NULL,
        args        TEXT NOT NULL,
        at          TEXT NOT NULL
      ) STRICT;

      -- KB articles this seat has shown, for search while the hub is away.
      CREATE TABLE kb_cache (
        id       TEXT PRIMARY KEY,
        version  INTEGER NOT NULL,
        title    TEXT NOT NULL,
        category TEXT NOT NULL,
        answer   TEXT NOT NULL
      ) STRICT;

      -- What the agent must be told about the seat itself (a store kept aside).
      CREATE TABLE notices (
        id      TEXT PRIMARY KEY,
        kind    TEXT NOT NULL,
        message TEXT NOT NULL,
        file    TEXT,
        at      TEXT NOT NULL
      ) STRICT;

      -- Last known credentials per account, for signing in while the hub is down (sealed).
      CREATE TABLE credentials (
        account TEXT PRIMARY KEY,
        record  TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 3,
    description: 'the agent of each order made on the seat, outbox entry and refusal',
    sql: `
      -- The agent whose session made the row (a desk PC is shared between shifts). NULL:
      -- made before this migration, the agent is unknown; such rows are pushed with
      -- whoever signs in next and shown to every agent.
      ALTER TABLE orders ADD COLUMN agent_id TEXT;
      ALTER TABLE outbox ADD COLUMN agent_id TEXT;
      ALTER TABLE rejected ADD COLUMN agent_id TEXT;
      CREATE INDEX outbox_by_agent ON outbox (agent_id, seq);
    `,
  },
];

/** Applies the migrations the file lacks; returns the versions applied now. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const applied: number[] = [];
  const current = () => Number(db.pragma('user_version', { simple: true }));

  for (const migration of migrations) {
    const step = db.transaction(() => {
      // Read the version inside the lock: another process may have migrated meanwhile.
      if (current() >= migration.version) return false;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
      return true;
    });
    if (step.immediate()) applied.push(migration.version);
  }

  const latest = migrations.at(-1)?.version ?? 0;
  if (current() > latest) {
    throw new StoreTooNewError(
      `The seat database is at schema version ${current()}, newer than this build knows ` +
        `(${latest}); refusing to use it.`,
    );
  }
  return applied;
}
