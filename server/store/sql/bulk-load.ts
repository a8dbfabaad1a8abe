import type Database from 'better-sqlite3';

/**
 * Indexes whose keys arrive in random order during a year seed: one entry per order and
 * per call, keyed by the caller. Written row by row they cost a random B-tree page each,
 * and the write rate falls as the file outgrows the cache (37k rows/s at first, 7.8k at
 * 6M orders); built once after the load, they are one sort. Every other index of orders
 * and calls receives its keys in time order (order numbers, Call-IDs, versions) or is
 * partial over columns a seed leaves NULL.
 */
const DEFERRED_INDEXES = ['orders_caller', 'calls_caller'] as const;

/** Page cache during a load (1 GiB): CREATE INDEX sorts in it instead of temp files. */
const LOAD_CACHE_KIB = 1024 * 1024;

/** What a bulk load saw, for the seed's report. */
export interface BulkLoadReport {
  /** Time spent building the deferred indexes after the rows were written. */
  indexMs: number;
}

/**
 * Runs `work`, a bulk import into an empty SQLite file, in the fast mode of a fresh load:
 * the caller indexes dropped and rebuilt after the rows are in, a large page cache, and
 * synchronous=OFF (no fsync per commit; WAL still keeps every commit atomic, so a crash
 * can lose the last batches but never corrupts the file). On the way out, failed or not,
 * the indexes are rebuilt from their own stored definitions, the settings of
 * openSqliteFile are restored and the WAL is checkpointed into the file, which is then
 * exactly what the migrations would have made.
 *
 * Refuses a file that already has orders or calls: dropping the caller index under a
 * live hub would turn every screen-pop into a table scan.
 */
export async function sqliteBulkLoad<T>(
  database: Database.Database,
  work: () => Promise<T>,
): Promise<{ result: T; report: BulkLoadReport }> {
  const filled = database
    .prepare('SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM calls) AS n')
    .get() as { n: number };
  if (filled.n > 0) throw new Error('a bulk load needs a file without orders or calls');

  const definitions = DEFERRED_INDEXES.map((name) => {
    const row = database
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?")
      .get(name) as { sql: string } | undefined;
    if (!row) throw new Error(`index ${name} is missing; was the file migrated?`);
    return row.sql;
  });
  const cacheSize = database.pragma('cache_size', { simple: true }) as number;
  const synchronous = database.pragma('synchronous', { simple: true }) as number;

  for (const name of DEFERRED_INDEXES) database.exec(`DROP INDEX ${name}`);
  database.pragma(`cache_size = -${LOAD_CACHE_KIB}`);
  database.pragma('synchronous = OFF');
  const report: BulkLoadReport = { indexMs: 0 };
  try {
    return { result: await work(), report };
  } finally {
    const started = performance.now();
    for (const definition of definitions) database.exec(definition);
    report.indexMs = performance.now() - started;
    database.pragma(`synchronous = ${synchronous}`);
    database.pragma(`cache_size = ${cacheSize}`);
    database.pragma('wal_checkpoint(TRUNCATE)');
  }
}
