import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/store-backends.js';
import { openHubStore, storeTarget } from '../open-store.js';
import { MIGRATIONS, migrate, SchemaError } from './migrations.js';
import type { SqlHubStore } from './sql-store.js';

async function open(location: string): Promise<SqlHubStore> {
  return (await openHubStore(storeTarget(location))) as SqlHubStore;
}

describe.each(testBackends())('schema migrations on $name', (backend) => {
  afterAll(() => backend.cleanup());

  it('records every step once; reopening applies nothing', async () => {
    const location = await backend.scratch();
    const store = await open(location);
    const rows = await store.db
      .selectFrom('schema_migrations')
      .select(['version', 'name'])
      .orderBy('version')
      .execute();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(await migrate(store.db, store.backend)).toEqual([]);
    await store.close();
    const again = await open(location);
    expect(await again.orders.count()).toBe(0);
    await again.close();
  });

  it('refuses a database newer than this hub', async () => {
    const location = await backend.scratch();
    const store = await open(location);
    const newest = MIGRATIONS.at(-1)!.version;
    await sql`INSERT INTO schema_migrations (version, name, applied_at)
      VALUES (${newest + 1}, 'from the future', 'x')`.execute(store.db);
    await store.close();
    const attempt = open(location);
    await expect(attempt).rejects.toThrow(SchemaError);
    await expect(attempt).rejects.toThrow(
      `at schema version ${newest + 1}, newer than this hub knows (${newest})`,
    );
  });

  it('refuses a database whose recorded step this hub does not know', async () => {
    const location = await backend.scratch();
    const store = await open(location);
    await sql`UPDATE schema_migrations SET name = 'something else' WHERE version = 2`.execute(
      store.db,
    );
    await store.close();
    await expect(open(location)).rejects.toThrow(/step 2 "something else", which this hub/);
  });
});

describe('the walking skeleton SQLite file', () => {
  const [sqlite] = testBackends();
  afterAll(() => sqlite!.cleanup());

  it('is refused with a message saying how to re-seed, and left untouched', async () => {
    const path = await sqlite!.scratch();
    const old = new Database(path);
    old.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
        applied_at TEXT NOT NULL);
      INSERT INTO schema_migrations VALUES
        (1, 'agents, sessions, orders, mutations, calls', '2026-11-01T00:00:00Z'),
        (2, 'knowledge base and its full-text index', '2026-11-01T00:00:00Z');
      CREATE TABLE agents (id TEXT PRIMARY KEY);
      CREATE VIRTUAL TABLE kb_fts USING fts5 (title, body);`);
    old.close();
    await expect(open(path)).rejects.toThrow(/walking-skeleton hub.*npm run seed -- --force/);
    const after = new Database(path, { readonly: true });
    const tables = after
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'orders'")
      .all();
    after.close();
    expect(tables).toEqual([]);
  });
});
