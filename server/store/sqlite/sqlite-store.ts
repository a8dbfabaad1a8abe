import type { Database } from 'better-sqlite3';
import type { HubStore } from '../repository.js';
import { SqliteAgentRepository } from './agents.js';
import { SqliteCallRepository } from './calls.js';
import { openDatabase } from './database.js';
import { SqliteKbRepository } from './kb.js';
import { SqliteOrderRepository } from './orders.js';
import { SqliteSessionRepository } from './sessions.js';

/** The hub store on one SQLite file (better-sqlite3, WAL, prepared statements). */
export class SqliteHubStore implements HubStore {
  readonly agents: SqliteAgentRepository;
  readonly sessions: SqliteSessionRepository;
  readonly orders: SqliteOrderRepository;
  readonly calls: SqliteCallRepository;
  readonly kb: SqliteKbRepository;
  private readonly hasAgent;

  private constructor(private readonly db: Database) {
    this.agents = new SqliteAgentRepository(db);
    this.sessions = new SqliteSessionRepository(db);
    this.orders = new SqliteOrderRepository(db);
    this.calls = new SqliteCallRepository(db);
    this.kb = new SqliteKbRepository(db);
    this.hasAgent = db.prepare('SELECT 1 FROM agents LIMIT 1');
  }

  /** Opens the file at `path` (created and migrated when new); ':memory:' for scratch. */
  static open(path: string): SqliteHubStore {
    return new SqliteHubStore(openDatabase(path));
  }

  async isEmpty(): Promise<boolean> {
    return this.hasAgent.get() === undefined;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
