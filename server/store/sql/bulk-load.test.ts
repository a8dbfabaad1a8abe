import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '../../testing/fixture.js';
import { SAMPLE_NOW, sampleImported } from '../../testing/store-samples.js';
import { SqlHubStore } from './sql-store.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

let n = 0;
const stores: SqlHubStore[] = [];
async function fresh(): Promise<{ store: SqlHubStore; path: string }> {
  const path = join(tmp.dir, `bulk-${++n}.sqlite`);
  const store = await SqlHubStore.openSqlite(path);
  stores.push(store);
  return { store, path };
}
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** Every index of the file with its definition, as SQLite keeps them. */
function indexes(path: string): Record<string, string> {
  const file = new Database(path, { readonly: true });
  try {
    const rows = file
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
      .all() as { name: string; sql: string }[];
    return Object.fromEntries(rows.map((r) => [r.name, r.sql]));
  } finally {
    file.close();
  }
}

function callerPlan(path: string): string {
  const file = new Database(path, { readonly: true });
  try {
    const rows = file
      .prepare('EXPLAIN QUERY PLAN SELECT order_no FROM orders WHERE caller_key = ?')
      .all('1') as { detail: string }[];
    return rows.map((r) => r.detail).join('; ');
  } finally {
    file.close();
  }
}

describe('SQLite bulk load', () => {
  it('loads with the caller indexes deferred and leaves the schema as migrated', async () => {
    const { store, path } = await fresh();
    const before = indexes(path);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['orders_caller', 'calls_caller']));
    let during: Record<string, string> = {};
    const report = await store.bulkLoad!(async () => {
      during = indexes(path);
      await store.orders.importOrders([
        sampleImported(SAMPLE_NOW - 2000, '13800138000'),
        sampleImported(SAMPLE_NOW - 1000, '13800138000'),
      ]);
    });
    expect(during).not.toHaveProperty('orders_caller');
    expect(during).not.toHaveProperty('calls_caller');
    expect(indexes(path)).toEqual(before);
    expect(report.indexMs).toBeGreaterThanOrEqual(0);
    expect(callerPlan(path)).toContain('orders_caller');
    const history = await store.orders.byCaller('13800138000', { limit: 10, offset: 0 });
    expect(history.total).toBe(2);
  });

  it('rebuilds the indexes when the load fails, and refuses a file that has orders', async () => {
    const { store, path } = await fresh();
    const before = indexes(path);
    await expect(
      store.bulkLoad!(async () => {
        await store.orders.importOrders([sampleImported(SAMPLE_NOW, '13800138000')]);
        throw new Error('generator broke');
      }),
    ).rejects.toThrow('generator broke');
    expect(indexes(path)).toEqual(before);
    await expect(store.bulkLoad!(async () => {})).rejects.toThrow(/without orders or calls/);
    expect(indexes(path)).toEqual(before);
  });
});
