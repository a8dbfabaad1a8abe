import type { Database, Statement } from 'better-sqlite3';
import type { SessionRecord, SessionRepository } from '../repository.js';

interface SessionRow {
  agent_id: string;
  extension: string;
  created_at: number;
  expires_at: number;
}

/** Login sessions by token hash, in SQLite; they outlive a hub restart until expiry. */
export class SqliteSessionRepository implements SessionRepository {
  private readonly add: Statement;
  private readonly byHash: Statement<[string, number], SessionRow>;
  private readonly purge: Statement<[number]>;

  constructor(db: Database) {
    this.add = db.prepare(`INSERT INTO sessions
      (token_hash, agent_id, extension, created_at, expires_at)
      VALUES (?, ?, ?, ?, ?)`);
    this.byHash = db.prepare(`SELECT agent_id, extension, created_at, expires_at
      FROM sessions WHERE token_hash = ? AND expires_at > ?`);
    this.purge = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  }

  async create(tokenHash: string, s: SessionRecord): Promise<void> {
    this.add.run(tokenHash, s.agentId, s.extension, s.createdAt, s.expiresAt);
  }

  async find(tokenHash: string, now: number): Promise<SessionRecord | null> {
    const row = this.byHash.get(tokenHash, now);
    if (!row) return null;
    return {
      agentId: row.agent_id,
      extension: row.extension,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  async purgeExpired(now: number): Promise<number> {
    return this.purge.run(now).changes;
  }
}
