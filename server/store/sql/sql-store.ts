import type Database from 'better-sqlite3';
import type { HubStore } from '../repository.js';
import { SqlAgentRepository } from './agents.js';
import { SqlAuditRepository } from './audit.js';
import { sqliteBulkLoad } from './bulk-load.js';
import { postgresBulkWriter, sqliteBulkWriter, type BulkWriter } from './bulk.js';
import { SqlCallbackRepository } from './callbacks.js';
import { SqlCallRepository } from './calls.js';
import { openSqliteFile, postgresKysely, sqliteKysely } from './connect.js';
import type { SqlContext } from './context.js';
import { SqlKbRepository } from './kb.js';
import { SqlRecordingRepository } from './recordings.js';
import { migrate } from './migrations.js';
import type { Backend, HubDb } from './schema.js';
import { SqlSessionRepository } from './sessions.js';
import { SqlOrderRepository } from './orders.js';
import { SqlSeatKeyRepository } from './seat-keys.js';

/** The hub store on Kysely: the same queries on SQLite (better-sqlite3) and PostgreSQL. */
export class SqlHubStore implements HubStore {
  readonly agents: SqlAgentRepository;
  readonly sessions: SqlSessionRepository;
  readonly orders: SqlOrderRepository;
  readonly calls: SqlCallRepository;
  readonly kb: SqlKbRepository;
  readonly audit: SqlAuditRepository;
  readonly seatKeys: SqlSeatKeyRepository;
  readonly callbacks: SqlCallbackRepository;
  readonly recordings: SqlRecordingRepository;
  readonly backend: Backend;
  private closed = false;

  private constructor(
    private readonly ctx: SqlContext,
    /** The better-sqlite3 connection under Kysely, for the bulk load; none on PostgreSQL. */
    private readonly sqliteFile: Database.Database | null,
  ) {
    this.backend = ctx.backend;
    this.agents = new SqlAgentRepository(ctx.db);
    this.sessions = new SqlSessionRepository(ctx.db);
    this.orders = new SqlOrderRepository(ctx);
    this.calls = new SqlCallRepository(ctx);
    this.kb = new SqlKbRepository(ctx);
    this.audit = new SqlAuditRepository(ctx);
    this.seatKeys = new SqlSeatKeyRepository(ctx.db);
    this.callbacks = new SqlCallbackRepository(ctx);
    this.recordings = new SqlRecordingRepository(ctx);
  }

  /** The SQLite file at `path` (created and migrated when new); ':memory:' for scratch. */
  static async openSqlite(path: string): Promise<SqlHubStore> {
    const database: Database.Database = openSqliteFile(path);
    // The bulk writer prepares its statements on the tables, so it is made after migrating.
    return SqlHubStore.migrated(sqliteKysely(database), database, () => sqliteBulkWriter(database));
  }

  /** The PostgreSQL database at `url` (postgres://user@host:port/db), migrated. */
  static async openPostgres(url: string): Promise<SqlHubStore> {
    return SqlHubStore.migrated(postgresKysely(url), null, () => postgresBulkWriter);
  }

  private static async migrated(
    db: HubDb,
    sqliteFile: Database.Database | null,
    bulk: () => BulkWriter,
  ): Promise<SqlHubStore> {
    const backend: Backend = sqliteFile ? 'sqlite' : 'postgres';
    try {
      await migrate(db, backend);
      return new SqlHubStore({ db, backend, bulk: bulk() }, sqliteFile);
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

  /** SQLite only (see sqliteBulkLoad); a PostgreSQL year seed has not been measured yet. */
  get bulkLoad(): HubStore['bulkLoad'] {
    const file = this.sqliteFile;
    if (!file) return undefined;
    return async (work) => (await sqliteBulkLoad(file, work)).report;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ctx.db.destroy();
  }
}
