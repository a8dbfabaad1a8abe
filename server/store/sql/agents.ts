import type { Selectable } from 'kysely';
import type { AgentState, Role } from '../../../shared/hub-api.js';
import type { AgentPresenceUpdate, AgentRecord, AgentRepository, NewAgent } from '../repository.js';
import type { AgentsTable, HubDb } from './schema.js';

function toRecord(row: Selectable<AgentsTable>): AgentRecord {
  return {
    id: row.id,
    account: row.account,
    name: row.name,
    role: row.role as Role,
    homeExtension: row.home_extension,
    seatExtension: row.seat_extension,
    queues: JSON.parse(row.queues) as string[],
    passwordHash: row.password_hash,
    state: row.state as AgentState,
    stateReason: row.state_reason,
    stateSince: row.state_since,
    wrapUpEndsAt: row.wrap_up_ends_at,
  };
}

/** Agents and their last known presence. */
export class SqlAgentRepository implements AgentRepository {
  constructor(private readonly db: HubDb) {}

  async findByAccount(account: string): Promise<AgentRecord | null> {
    const row = await this.db
      .selectFrom('agents')
      .selectAll()
      .where('account', '=', account)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async get(id: string): Promise<AgentRecord | null> {
    const row = await this.db
      .selectFrom('agents')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(): Promise<AgentRecord[]> {
    const rows = await this.db.selectFrom('agents').selectAll().orderBy('id').execute();
    return rows.map(toRecord);
  }

  async insert(agent: NewAgent): Promise<void> {
    await this.db
      .insertInto('agents')
      .values({
        id: agent.id,
        account: agent.account,
        name: agent.name,
        role: agent.role,
        home_extension: agent.homeExtension,
        queues: JSON.stringify(agent.queues),
        password_hash: agent.passwordHash,
        state: 'logged-out',
        state_reason: null,
        state_since: 0,
        wrap_up_ends_at: null,
      })
      .execute();
  }

  async setPresence(id: string, presence: AgentPresenceUpdate): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({
        state: presence.state,
        // A reason belongs to not-ready only; any other state clears it.
        state_reason: presence.state === 'not-ready' ? (presence.reason ?? null) : null,
        state_since: presence.since,
        seat_extension: presence.seatExtension,
        wrap_up_ends_at: presence.state === 'wrap-up' ? (presence.wrapUpEndsAt ?? null) : null,
      })
      .where('id', '=', id)
      .execute();
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({ password_hash: passwordHash })
      .where('id', '=', id)
      .execute();
  }
}
