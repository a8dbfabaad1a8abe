import type { Database } from 'better-sqlite3';

/**
 * Versioned schema migrations. The applied version is SQLite's `user_version`; each
 * migration runs in its own immediate transaction together with the version bump, so a
 * crash leaves the file at one version or the next, never between. Reopening a file that
 * is up to date runs nothing.
 *
 * Append new migrations at the end; never edit one that has shipped.
 */
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
    throw new Error(
      `The seat database is at schema version ${current()}, newer than this build knows ` +
        `(${latest}); refusing to use it.`,
    );
  }
  return applied;
}
