import type Database from 'better-sqlite3';
import type { HubStore } from '../repository.js';
import { SqlAgentRepository } from './agents.js';
import { SqlAuditRepository } from './audit.js';
import { multiRowBulkWriter, sqliteBulkWriter, type BulkWriter } from './bulk.js';
import { SqlCallRepository } from './calls.js';
import { openSqliteFile, postgresKysely, sqliteKysely } from './connect.js';
import type { SqlContext } from './context.js';
import { SqlKbRepository } from './kb.js';
import { migrate } from './migrations.js';
import type { Backend, HubDb } from './schema.js';
import { SqlSessionRepository } from './sessions.js';
import { SqlOrderRepository } from './orders.js';

/** The hub store on Kysely: the same queries on SQLite (better-sqlite3) and PostgreSQL. */
export class SqlHubStore implements HubStore {
  readonly agents: SqlAgentRepository;
  readonly sessions: SqlSessionRepository;
  readonly orders: SqlOrderRepository;
  readonly calls: SqlCallRepository;
  readonly kb: SqlKbRepository;
  readonly audit: SqlAuditRepository;
  readonly backend: Backend;
  private closed = false;

  private constructor(private readonly ctx: SqlContext) {
    this.backend = ctx.backend;
    this.agents = new SqlAgentRepository(ctx.db);
    this.sessions = new SqlSessionRepository(ctx.db);
    this.orders = new SqlOrderRepository(ctx);
    this.calls = new SqlCallRepository(ctx);
    this.kb = new SqlKbRepository(ctx);
    this.audit = new SqlAuditRepository(ctx);
  }

  /** The SQLite file at `path` (created and migrated when new); ':memory:' for scratch. */
  static async openSqlite(path: string): Promise<SqlHubStore> {
    const database: Database.Database = openSqliteFile(path);
    // The bulk writer prepares its statements on the tables, so it is made after migrating.
    return SqlHubStore.migrated(sqliteKysely(database), 'sqlite', () => sqliteBulkWriter(database));
  }

  /** The PostgreSQL database at `url` (postgres://user@host:port/db), migrated. */
  static async openPostgres(url: string): Promise<SqlHubStore> {
    return SqlHubStore.migrated(postgresKysely(url), 'postgres', () => multiRowBulkWriter);
  }

  private static async migrated(
    db: HubDb,
    backend: Backend,
    bulk: () => BulkWriter,
  ): Promise<SqlHubStore> {
    try {
      await migrate(db, backend);
      return new SqlHubStore({ db, backend, bulk: bulk() });
    } catch (error) {
      await db.destroy();
      throw error;
    }
  }

  /** The Kysely instance, for tools (backup, benchmarks) that need a query of their own. */
  get db(): HubDb {
    return this.ctx.db;
  }

  async isEmpty(): Promise<boolean> {
    const row = await this.ctx.db.selectFrom('agents').select('id').limit(1).executeTakeFirst();
    return row === undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ctx.db.destroy();
  }
}
