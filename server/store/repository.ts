import type { z } from 'zod';
import type {
  AgentState,
  CALLBACK_OUTCOMES,
  Callback,
  CentreOrder,
  KB_STATES,
  PastCallSchema,
  Role,
} from '../../shared/hub-api.js';
import type {
  HubOrder,
  OrderChanges,
  OrderConflict,
  OrderInput,
  OrderRevision,
  OrderState,
} from '../../shared/order.js';
import type {
  KbChangeFeedItem,
  MutationResult,
  OrderRef,
  RejectCode,
} from '../../shared/sync-protocol.js';

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
  readonly seatKeys: SeatKeyRepository;
  readonly callbacks: CallbackRepository;
  readonly recordings: RecordingRepository;
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
  /** When the agent's wrap-up ends; null in every other state. */
  wrapUpEndsAt: number | null;
}

export type NewAgent = Omit<
  AgentRecord,
  'seatExtension' | 'state' | 'stateReason' | 'stateSince' | 'wrapUpEndsAt'
>;

export interface AgentPresenceUpdate {
  state: AgentState;
  reason?: string | null;
  since: number;
  seatExtension: string | null;
  /** With wrap-up: when it ends (kept over a hub restart). */
  wrapUpEndsAt?: number | null;
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
  kind: 'create';
  mutationId: string;
  clientOrderId: string;
  input: OrderInput;
  deadline: string | null;
}

/** One `order.update` mutation: changed fields, on the hub version the seat last saw. */
export interface OrderUpdateItem {
  kind: 'update';
  mutationId: string;
  order: OrderRef;
  baseVersion: number | null;
  changes: OrderChanges;
}

/** One `conflict.resolve` mutation: the agent's decision on a conflict. */
export interface ConflictResolveItem {
  kind: 'resolve';
  mutationId: string;
  conflictId: string;
  choice: 'hub' | 'seat';
}

export type PushItem = OrderCreateItem | OrderUpdateItem | ConflictResolveItem;

export interface PushBatch {
  seatId: string;
  agentId: string;
  now: number;
  items: PushItem[];
}

/** Who does a change at the hub, and when. */
export interface HubActor {
  /** Account id of the person. */
  by: string;
  at: number;
  note?: string | null;
}

/** What a change at the hub did: the order after it, and whose seats should pull. */
export interface OrderChangeOutcome {
  order: HubOrder;
  /** The order's owner and assignee (both, old and new, for a reassignment). */
  notify: string[];
}

/** A refused change at the hub, for the route to answer (404, 409, 400...). */
export class OrderChangeError extends Error {
  constructor(
    message: string,
    readonly code: 'unknown-order' | 'stale' | 'ahead' | 'unknown-conflict' | 'unknown-agent',
    /** The fields a stale edit collided on (code `stale`). */
    readonly fields: readonly string[] = [],
  ) {
    super(message);
    this.name = 'OrderChangeError';
  }
}

/** A mutation the hub refuses, with its code (the route answers it as `rejected`). */
export interface Rejection {
  code: RejectCode;
  reason: string;
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
  /** Orders the agent pushed from this seat only; when absent, from any seat. */
  seatId?: string;
  /** Orders pushed by this agent or assigned to it. */
  agentId: string;
  afterVersion: number;
  limit: number;
}

export interface PullPage {
  orders: HubOrder[];
  /** The open conflicts of the orders in the page. */
  conflicts: OrderConflict[];
  /** Version of the last order returned, or `afterVersion` when none. */
  lastVersion: number;
  hasMore: boolean;
}

/** One page of the centre's orders of a day (see CentreOrderQuerySchema). */
export interface DayQuery {
  /** yyyymmdd, China time: the day in the order numbers. */
  day: string;
  /** Account that pushed the order. */
  agentAccount?: string;
  /** Queue of the call the order was taken on. */
  queue?: string;
  /** Only orders numbered before this one. */
  before?: string;
  limit: number;
}

export interface OrderRepository {
  /**
   * Applies a push batch in one transaction, in the batch's order: each mutation id at
   * most once, ever. Answers per mutation, in the batch's order.
   */
  applyPush(batch: PushBatch): Promise<MutationResult[]>;
  /** The owners and assignees of these orders: whose seats to tell that they changed. */
  concernedAgents(orderNos: readonly string[]): Promise<string[]>;
  importOrders(orders: ImportedOrder[]): Promise<void>;
  /** Orders of one normalised caller number, newest first. */
  byCaller(callerKey: string, page: Page): Promise<{ orders: HubOrder[]; total: number }>;
  pull(query: PullQuery): Promise<PullPage>;
  get(orderNo: string): Promise<HubOrder | null>;
  /** The day's orders, newest number first; `hasMore` when a further page exists. */
  ofDay(query: DayQuery): Promise<{ orders: CentreOrder[]; hasMore: boolean }>;
  count(): Promise<number>;
  /** The newest order version handed out: no pull cursor or base version can be past it. */
  latestVersion(): Promise<number>;
  /**
   * A person edits an order at the hub, on the version they saw: a named field changed
   * after `baseVersion` refuses the whole edit (OrderChangeError `stale`, naming them).
   */
  edit(
    orderNo: string,
    baseVersion: number,
    changes: OrderChanges,
    actor: HubActor,
  ): Promise<OrderChangeOutcome>;
  /** A unit's reply: sets the last reply and the state `replied`. */
  reply(orderNo: string, text: string, actor: HubActor): Promise<OrderChangeOutcome>;
  /** Assigns the order to an agent for follow-up (null: to no one). */
  assign(orderNo: string, agentId: string | null, actor: HubActor): Promise<OrderChangeOutcome>;
  /** A person at the hub decides an open conflict. */
  resolveConflict(
    conflictId: string,
    choice: 'hub' | 'seat',
    actor: HubActor,
  ): Promise<OrderChangeOutcome & { conflict: OrderConflict }>;
  /** The order's change log, oldest first; null when there is no such order. */
  revisions(orderNo: string): Promise<OrderRevision[] | null>;
  /** The order's conflicts, open and decided, oldest first; null when no such order. */
  conflicts(orderNo: string): Promise<OrderConflict[] | null>;
  /** The order a conflict belongs to, or null when the conflict is unknown. */
  conflictOrder(conflictId: string): Promise<string | null>;
}

/** The web seats' store keys: one per seat id, made on the first ask, then the same. */
export interface SeatKeyRepository {
  /** The seat's key; made (with `make`) and stored when it has none. */
  keyFor(
    seatId: string,
    make: () => string,
    by: string,
    at: number,
  ): Promise<{ dataKey: string; created: boolean }>;
}

export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

/** A call's recording at the hub (server/recordings); times are epoch ms. */
export interface RecordingRecord {
  callId: string;
  startedAt: number;
  durationMs: number;
  bytes: number;
  /** The WAV file on the hub's disk. */
  path: string;
  expiresAt: number;
}

/** Recordings' metadata, one per call; the sweeper removes them once expired. */
export interface RecordingRepository {
  /** Stores (or replaces) the recording of a call; answers the one it replaced. */
  put(recording: RecordingRecord): Promise<RecordingRecord | null>;
  get(callId: string): Promise<RecordingRecord | null>;
  /** Up to `limit` recordings whose expiry is at or before `now`, oldest first. */
  expired(now: number, limit: number): Promise<RecordingRecord[]>;
  remove(callId: string): Promise<boolean>;
}

/** A caller who gave up while queued, as the ACD records it (see CallbackRepository). */
export interface AbandonedCall {
  /** The caller's number, normalised (the number an agent dials back). */
  number: string;
  queue: string;
  at: number;
  waitMs: number;
}

/** Where a callback report went: the entry after it, or why it was refused. */
export type CallbackReport =
  | { kind: 'reported'; callback: Callback }
  | { kind: 'unknown' }
  | { kind: 'not-held'; callback: Callback };

/**
 * The callback list (CallbackSchema of shared/hub-api draws its moves). Times are hub
 * milliseconds; the Callback records answered carry ISO times, as the API does.
 */
export interface CallbackRepository {
  /**
   * A queued caller gave up: a new open entry, or, when the number has one not done, that
   * entry with one more abandon (its place in the list kept). Answers the entry.
   */
  recordAbandon(call: AbandonedCall): Promise<Callback>;
  /** Entries not done (open and taken) of these queues (null: all), oldest first. */
  list(queues: readonly string[] | null, limit: number): Promise<Callback[]>;
  /** How many entries of these queues (null: all) are open. */
  countOpen(queues: readonly string[] | null): Promise<number>;
  /**
   * Claims the oldest open entry of these queues (null: any) for `agentId`, atomically:
   * of two agents asking at once, each gets a different one. An agent who holds a taken
   * entry already gets that one again. Null when there is none.
   */
  claimNext(
    agentId: string,
    queues: readonly string[] | null,
    now: number,
  ): Promise<Callback | null>;
  /** The holder reports the call back: done, or open again (no-answer, under maxAttempts). */
  report(
    id: string,
    agentId: string,
    outcome: CallbackOutcome,
    now: number,
    maxAttempts: number,
  ): Promise<CallbackReport>;
  /** Taken entries claimed before `cutoff` go back to open; answers their queues. */
  releaseStale(cutoff: number): Promise<string[]>;
  get(id: string): Promise<Callback | null>;
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
  /**
   * The seats' KB feed: publishes and retires after change id `afterId`, oldest first, at
   * most `limit`; `cursor` is the id of the last one answered (or `afterId`). With
   * `afterId` 0 it answers no items and the id of the latest change, the feed's end.
   */
  feed(
    afterId: number,
    limit: number,
  ): Promise<{ items: KbChangeFeedItem[]; cursor: number; hasMore: boolean }>;
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
