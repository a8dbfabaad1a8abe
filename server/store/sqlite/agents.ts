import type { Database, Statement } from 'better-sqlite3';
import type { AgentState, Role } from '../../../shared/hub-api.js';
import type { AgentPresenceUpdate, AgentRecord, AgentRepository, NewAgent } from '../repository.js';

interface AgentRow {
  id: string;
  account: string;
  name: string;
  role: string;
  home_extension: string;
  seat_extension: string | null;
  queues: string;
  password_hash: string;
  state: string;
  state_since: number;
}

function toRecord(row: AgentRow): AgentRecord {
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
    stateSince: row.state_since,
  };
}

/** Agents and their last known presence, in SQLite. */
export class SqliteAgentRepository implements AgentRepository {
  private readonly byAccount: Statement<[string], AgentRow>;
  private readonly byId: Statement<[string], AgentRow>;
  private readonly all: Statement<[], AgentRow>;
  private readonly add: Statement;
  private readonly presence: Statement;

  constructor(db: Database) {
    this.byAccount = db.prepare('SELECT * FROM agents WHERE account = ?');
    this.byId = db.prepare('SELECT * FROM agents WHERE id = ?');
    this.all = db.prepare('SELECT * FROM agents ORDER BY id');
    this.add = db.prepare(`INSERT INTO agents
      (id, account, name, role, home_extension, queues, password_hash, state, state_since)
      VALUES (@id, @account, @name, @role, @homeExtension, @queues, @passwordHash,
              'logged-out', 0)`);
    this.presence = db.prepare(`UPDATE agents
      SET state = @state, state_since = @since, seat_extension = @seatExtension
      WHERE id = @id`);
  }

  async findByAccount(account: string): Promise<AgentRecord | null> {
    const row = this.byAccount.get(account);
    return row ? toRecord(row) : null;
  }

  async get(id: string): Promise<AgentRecord | null> {
    const row = this.byId.get(id);
    return row ? toRecord(row) : null;
  }

  async list(): Promise<AgentRecord[]> {
    return this.all.all().map(toRecord);
  }

  async insert(agent: NewAgent): Promise<void> {
    this.add.run({ ...agent, queues: JSON.stringify(agent.queues) });
  }

  async setPresence(id: string, presence: AgentPresenceUpdate): Promise<void> {
    this.presence.run({ id, ...presence });
  }
}
