import type { Generated, Kysely } from 'kysely';

/**
 * The hub's tables as Kysely sees them, one interface per table. Column names are the
 * SQL names (snake_case); the repositories map rows to the records of repository.ts.
 * Times are epoch milliseconds: INTEGER in SQLite, BIGINT in PostgreSQL (read back as
 * numbers, see connect.ts). JSON lists (queues, keywords, synonyms) are TEXT on both.
 */
export interface CountersTable {
  name: string;
  value: number;
}

export interface AgentsTable {
  id: string;
  account: string;
  name: string;
  role: string;
  home_extension: string;
  seat_extension: string | null;
  queues: string;
  password_hash: string;
  state: string;
  state_reason: string | null;
  state_since: number;
  /** Migration 4. */
  wrap_up_ends_at: number | null;
}

export interface CallbacksTable {
  id: string;
  number: string;
  queue: string;
  abandoned_at: number;
  last_abandoned_at: number;
  wait_ms: number;
  abandons: number;
  attempts: number;
  status: string;
  taken_by: string | null;
  taken_at: number | null;
  last_outcome: string | null;
  done_at: number | null;
}

export interface SessionsTable {
  token_hash: string;
  agent_id: string;
  extension: string;
  created_at: number;
  expires_at: number;
}

export interface OrdersTable {
  order_no: string;
  client_order_id: string | null;
  seat_id: string | null;
  agent_id: string | null;
  type: string;
  category: string;
  territory: string;
  summary: string;
  citizen_name: string;
  citizen_address: string;
  caller_number: string;
  caller_key: string | null;
  call_id: string | null;
  state: string;
  created_at: number;
  deadline: string | null;
  last_reply: string | null;
  /** Migration 3; the bulk paths leave it out (NULL). */
  assigned_to: string | null;
  version: number;
}

export interface OrderRevisionsTable {
  id: Generated<number>;
  order_no: string;
  version: number;
  field: string;
  old_value: string | null;
  new_value: string | null;
  actor: string;
  seat_id: string | null;
  mutation_id: string | null;
  at: number;
  note: string | null;
}

export interface OrderConflictsTable {
  conflict_id: string;
  order_no: string;
  field: string;
  seat_value: string;
  hub_value: string;
  hub_changed_by: string;
  seat_id: string;
  agent_id: string;
  mutation_id: string;
  detected_at: number;
  resolution: string | null;
  resolved_by: string | null;
  resolved_at: number | null;
}

export interface SeatKeysTable {
  seat_id: string;
  data_key: string;
  created_at: number;
  created_by: string;
}

export interface OrderSequencesTable {
  day: string;
  last: number;
}

export interface AppliedMutationsTable {
  mutation_id: string;
  order_no: string;
  version: number;
  seat_id: string;
  applied_at: number;
}

export interface CallsTable {
  call_id: string;
  caller: string;
  caller_key: string | null;
  queue: string;
  queued_at: number;
  routed_at: number | null;
  answered_at: number | null;
  ended_at: number | null;
  agent: string | null;
  outcome: string | null;
  wait_ms: number | null;
}

/** One row per article: its id and the last version number handed out. */
export interface KbArticlesTable {
  id: string;
  latest_version: number;
}

export interface KbVersionsTable {
  article_id: string;
  version: number;
  state: string;
  title: string;
  category: string;
  keywords: string;
  synonyms: string;
  body: string;
  author: string;
  created_at: number;
  changed_by: string;
  changed_at: number;
}

export interface KbChangesTable {
  id: Generated<number>;
  article_id: string;
  version: number;
  from_state: string | null;
  to_state: string;
  changed_by: string;
  changed_at: number;
  note: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor_id: string;
  actor_role: string;
  action: string;
  subject: string;
  via: string;
  detail: string | null;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

/** Migration 5: one row per recorded call (server/recordings). */
export interface RecordingsTable {
  call_id: string;
  started_at: number;
  duration_ms: number;
  bytes: number;
  /** The WAV file on the hub. */
  path: string;
  expires_at: number;
}

export interface HubTables {
  counters: CountersTable;
  agents: AgentsTable;
  sessions: SessionsTable;
  orders: OrdersTable;
  order_sequences: OrderSequencesTable;
  applied_mutations: AppliedMutationsTable;
  order_revisions: OrderRevisionsTable;
  order_conflicts: OrderConflictsTable;
  seat_keys: SeatKeysTable;
  calls: CallsTable;
  callbacks: CallbacksTable;
  recordings: RecordingsTable;
  kb_articles: KbArticlesTable;
  kb_versions: KbVersionsTable;
  kb_changes: KbChangesTable;
  audit_log: AuditLogTable;
  schema_migrations: SchemaMigrationsTable;
}

export type HubDb = Kysely<HubTables>;

export type Backend = 'sqlite' | 'postgres';
