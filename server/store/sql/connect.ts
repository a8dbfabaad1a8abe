import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Dialect,
  type SqliteDatabase,
} from 'kysely';
import pg from 'pg';
import type { HubTables } from './schema.js';

/** PostgreSQL type OIDs the hub reads back as JavaScript numbers. */
const INT8_OID = 20;

/**
 * Epoch milliseconds and COUNT(*) are BIGINT in PostgreSQL, which pg hands back as strings
 * by default. Every value the hub keeps there is far below 2^53, so numbers are exact.
 */
const hubTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Kysely's SQLite driver with one change: a transaction starts with BEGIN IMMEDIATE, so
 * it takes the write lock up front and waits (busy timeout) instead of failing with
 * SQLITE_BUSY when it would later upgrade a read lock (CASES F07). Every transaction of
 * the hub writes, so none of them pays for this.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** Distinct SQL texts whose prepared statements are kept (IN lists vary in length). */
const STATEMENT_CACHE_SIZE = 256;

/**
 * The connection as Kysely sees it, with prepared statements kept by SQL text: Kysely
 * prepares every query anew, and preparing costs about as much as running a caller
 * lookup. Reuse is safe because Kysely runs one query at a time on this connection and
 * the hub never streams results.
 */
function withStatementCache(database: Database.Database): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement === undefined) {
        statement = database.prepare(text);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      } else {
        // Most recently used last, so the oldest unused one goes first.
        cache.delete(text);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

function sqliteDialect(file: Database.Database): Dialect {
  const database = withStatementCache(file);
  const base = new SqliteDialect({ database });
  return {
    createAdapter: () => base.createAdapter(),
    createDriver: () => new ImmediateSqliteDriver({ database }),
    createIntrospector: (db) => base.createIntrospector(db),
    createQueryCompiler: () => base.createQueryCompiler(),
  };
}

/**
 * Opens (or creates) the hub's SQLite file with the settings the hub relies on: WAL so
 * readers never wait for the writer, a busy timeout so a second process waits instead of
 * failing at once (CASES F07), foreign keys on.
 */
export function openSqliteFile(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // 128 MiB of page cache (the default is 2 MiB): the caller index of a 6M-order year
    // is written at random places, and lookups stay in memory.
    db.pragma('cache_size = -131072');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

export function sqliteKysely(database: Database.Database): Kysely<HubTables> {
  return new Kysely<HubTables>({ dialect: sqliteDialect(database) });
}

/** The pool size of one hub: enough for the ACD, pushes and lookups to overlap. */
const PG_POOL_SIZE = 10;

export function postgresKysely(url: string): Kysely<HubTables> {
  const pool = new pg.Pool({ connectionString: url, max: PG_POOL_SIZE, types: hubTypes });
  // An idle connection the server dropped (restart, admin) is removed from the pool and
  // reported here; unhandled, the event would end the process. The next query opens a
  // new connection, and fails loudly itself if the server is really gone.
  pool.on('error', () => undefined);
  return new Kysely<HubTables>({ dialect: new PostgresDialect({ pool }) });
}
