import type { z } from 'zod';
import type { AgentState, KB_STATES, PastCallSchema, Role } from '../../shared/hub-api.js';
import type { HubOrder, OrderInput, OrderState } from '../../shared/order.js';
import type { MutationResult } from '../../shared/sync-protocol.js';

/** A past call as the caller history shows it. */
export type PastCall = z.infer<typeof PastCallSchema>;

/**
 * The hub's storage, as the routes, the ACD and the seed see it. Every method returns a
 * promise: one implementation on Kysely (store/sql) serves SQLite and PostgreSQL.
 *
 * Times are milliseconds since the epoch from the hub's clock; ISO strings appear only
 * at the API edge (HubOrder, PastCall).
 */
export interface HubStore {
  readonly agents: AgentRepository;
  readonly sessions: SessionRepository;
  readonly orders: OrderRepository;
  readonly calls: CallRepository;
  readonly kb: KbRepository;
  readonly audit: AuditRepository;
  /** Which backend this is, for logs and health. */
  readonly backend: 'sqlite' | 'postgres';
  /** True when the store holds no agents yet (a fresh database, to be seeded). */
  isEmpty(): Promise<boolean>;
  /**
   * Runs `work`, a bulk import (importOrders, importCalls) into a store without orders or
   * calls, in the backend's fast mode for a fresh load; absent when the backend has none.
   * Answers the time spent building indexes after the rows.
   */
  bulkLoad?(work: () => Promise<void>): Promise<{ indexMs: number }>;
  close(): Promise<void>;
}

export interface AgentRecord {
  id: string;
  account: string;
  name: string;
  role: Role;
  /** The extension the agent normally sits at. */
  homeExtension: string;
  /** The extension of the agent's latest login (hot-desking); null when logged out. */
  seatExtension: string | null;
  queues: string[];
  passwordHash: string;
  state: AgentState;
  /** Why the agent is not ready (break, training, ...); null in every other state. */
  stateReason: string | null;
  stateSince: number;
}

export type NewAgent = Omit<AgentRecord, 'seatExtension' | 'state' | 'stateReason' | 'stateSince'>;

export interface AgentPresenceUpdate {
  state: AgentState;
  reason?: string | null;
  since: number;
  seatExtension: string | null;
}

export interface AgentRepository {
  findByAccount(account: string): Promise<AgentRecord | null>;
  get(id: string): Promise<AgentRecord | null>;
  list(): Promise<AgentRecord[]>;
  insert(agent: NewAgent): Promise<void>;
  setPresence(id: string, presence: AgentPresenceUpdate): Promise<void>;
  /** Replaces the stored hash (a login upgrading an old scrypt hash to argon2id). */
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
}

export interface SessionRecord {
  agentId: string;
  extension: string;
  createdAt: number;
  expiresAt: number;
}

/** Sessions are keyed by a hash of the bearer token: a stolen database holds no tokens. */
export interface SessionRepository {
  create(tokenHash: string, session: SessionRecord): Promise<void>;
  /** The live session for the hash, or null when unknown or expired at `now`. */
  find(tokenHash: string, now: number): Promise<SessionRecord | null>;
  purgeExpired(now: number): Promise<number>;
  /** Deletes one session; true when it existed. Atomic: of two callers, one gets true. */
  revoke(tokenHash: string): Promise<boolean>;
  /** Deletes every session of an agent (sign out everywhere); answers how many. */
  revokeAgent(agentId: string): Promise<number>;
}

/** One `order.create` mutation, already validated, with what the hub decided for it. */
export interface OrderCreateItem {
  mutationId: string;
  clientOrderId: string;
  input: OrderInput;
  deadline: string | null;
}

export interface PushBatch {
  seatId: string;
  agentId: string;
  now: number;
  items: OrderCreateItem[];
}

/** A past order written by the seed (or a later import), numbered by the store. */
export interface ImportedOrder {
  clientOrderId: string | null;
  seatId: string | null;
  agentId: string | null;
  input: OrderInput;
  state: OrderState;
  createdAt: number;
  deadline: string | null;
  lastReply: string | null;
}

export interface Page {
  limit: number;
  offset: number;
}

export interface PullQuery {
  /** Orders pushed from this seat; when absent, orders pushed by `agentId`. */
  seatId?: string;
  agentId: string;
  afterVersion: number;
  limit: number;
}

export interface PullPage {
  orders: HubOrder[];
  /** Version of the last order returned, or `afterVersion` when none. */
  lastVersion: number;
  hasMore: boolean;
}

export interface OrderRepository {
  /**
   * Applies a push batch in one transaction: each mutation id at most once, ever.
   * Answers per mutation, in the batch's order.
   */
  applyPush(batch: PushBatch): Promise<MutationResult[]>;
  importOrders(orders: ImportedOrder[]): Promise<void>;
  /** Orders of one normalised caller number, newest first. */
  byCaller(callerKey: string, page: Page): Promise<{ orders: HubOrder[]; total: number }>;
  pull(query: PullQuery): Promise<PullPage>;
  get(orderNo: string): Promise<HubOrder | null>;
  count(): Promise<number>;
}

/** How a call ended; null while it is still queued, ringing or talking. */
export type CallOutcome = 'answered' | 'abandoned' | 'failed' | 'timeout';

export interface CallRecord {
  callId: string;
  caller: string;
  callerKey: string | null;
  queue: string;
  queuedAt: number;
  routedAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  /** Extension the call was routed to. */
  agent: string | null;
  outcome: CallOutcome | null;
  /** Time in the queue: from queued to routed, or to abandon/timeout when never routed. */
  waitMs: number | null;
}

export type CallUpdate = Partial<Omit<CallRecord, 'callId' | 'caller' | 'callerKey' | 'queue'>>;

export interface CallRepository {
  /** Records a newly queued call; a reused Call-ID replaces the old finished row. */
  queued(
    call: Pick<CallRecord, 'callId' | 'caller' | 'callerKey' | 'queue' | 'queuedAt'>,
  ): Promise<void>;
  update(callId: string, patch: CallUpdate): Promise<void>;
  get(callId: string): Promise<CallRecord | null>;
  byCaller(callerKey: string, page: Page): Promise<PastCall[]>;
  /** Marks calls left open by a previous run as failed; answers how many. */
  failOpen(now: number): Promise<number>;
  importCalls(calls: CallRecord[]): Promise<void>;
}

/** A KB article's content as the centre writes it (resources/seed/kb.json). */
export interface KbArticle {
  id: string;
  title: string;
  category: string;
  /** Tags and key phrases an agent would search by. */
  keywords: string[];
  /** Groups of words that mean the same (社保卡, 社会保障卡); used to expand queries. */
  synonyms: string[][];
  body: string;
}

/**
 * The life cycle of one version of an article (KB_STATES of shared/hub-api; the moves
 * are in kb-life-cycle.ts). Only `published` versions are served to seats, and an
 * article has at most one published version at a time: publishing a newer version
 * retires the one before it.
 */
export type KbState = (typeof KB_STATES)[number];

/** One version of an article, with who last moved it and when. */
export interface KbVersion {
  article: KbArticle;
  /** 1, 2, 3... per article. */
  version: number;
  state: KbState;
  /** Account id of whoever wrote this version. */
  author: string;
  createdAt: number;
  /** Who made the latest state change, and when. */
  changedBy: string;
  changedAt: number;
}

/** One entry of a version's history: a state change, who made it, when, why. */
export interface KbChange {
  articleId: string;
  version: number;
  from: KbState | null;
  to: KbState;
  by: string;
  at: number;
  note: string | null;
}

export interface KbRepository {
  /** The published version of every article that has one (what seats may see). */
  listPublished(): Promise<KbArticle[]>;
  /** How many articles have a published version. */
  countPublished(): Promise<number>;
  /**
   * Writes a new version of `article` (a new article when its id is unknown) in `draft`;
   * answers it. Earlier versions keep their state.
   */
  saveDraft(article: KbArticle, by: string, at: number): Promise<KbVersion>;
  /**
   * Moves one version along the life cycle (see KB_STATES); throws KbTransitionError on a
   * move the life cycle does not allow or an unknown article/version. Publishing retires
   * the article's previously published version in the same transaction.
   */
  transition(
    articleId: string,
    version: number,
    to: KbState,
    by: string,
    at: number,
    note?: string,
  ): Promise<KbVersion>;
  /** Every version of one article, newest first; empty when unknown. */
  versions(articleId: string): Promise<KbVersion[]>;
  /** Versions in `state` (the editors' lists: drafts, in review...), latest change first. */
  listByState(state: KbState, page: Page): Promise<KbVersion[]>;
  /** The change log of one article, oldest first. */
  changes(articleId: string): Promise<KbChange[]>;
  /**
   * Seeding and bulk import: writes each article as a new published version (retiring an
   * older published one), in batches inside transactions.
   */
  importPublished(articles: readonly KbArticle[], by: string, at: number): Promise<void>;
}

/** A life-cycle move the KB does not allow (or of an unknown article or version). */
export class KbTransitionError extends Error {
  constructor(
    message: string,
    readonly code: 'unknown-article' | 'unknown-version' | 'not-allowed',
  ) {
    super(message);
    this.name = 'KbTransitionError';
  }
}

/** What an audit entry records someone did to a citizen's data. */
export const AUDIT_ACTIONS = ['read', 'create', 'update', 'export'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One audit entry: who (account id and role) did what to which citizen's data.
 * `subject` names the data: `caller:<normalised number>`, `order:<order no>`.
 */
export interface AuditEntry {
  at: number;
  actorId: string;
  actorRole: Role;
  action: AuditAction;
  subject: string;
  /** Route or operation, e.g. `GET /api/v1/callers/:number/history`. */
  via: string;
  /** A short detail, never the citizen's data itself (e.g. `orders=6`). */
  detail: string | null;
}

export interface AuditQuery {
  subject?: string;
  actorId?: string;
  /** Entries at or after this time. */
  since?: number;
  limit: number;
}

export interface AuditRepository {
  append(entries: readonly AuditEntry[]): Promise<void>;
  /** Matching entries, newest first. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
}
