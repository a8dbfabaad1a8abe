import type { SessionRecord, SessionRepository } from '../repository.js';
import type { HubDb } from './schema.js';

/** Login sessions by token hash; they outlive a hub restart until expiry. */
export class SqlSessionRepository implements SessionRepository {
  constructor(private readonly db: HubDb) {}

  async create(tokenHash: string, s: SessionRecord): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: tokenHash,
        agent_id: s.agentId,
        extension: s.extension,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
      })
      .execute();
  }

  async find(tokenHash: string, now: number): Promise<SessionRecord | null> {
    const row = await this.db
      .selectFrom('sessions')
      .select(['agent_id', 'extension', 'created_at', 'expires_at'])
      .where('token_hash', '=', tokenHash)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (!row) return null;
    return {
      agentId: row.agent_id,
      extension: row.extension,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  async purgeExpired(now: number): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async revoke(tokenHash: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async revokeAgent(agentId: string): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
