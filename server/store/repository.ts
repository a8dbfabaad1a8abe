import type { z } from 'zod';
import type { AgentState, PastCallSchema, Role } from '../../shared/hub-api.js';
import type { HubOrder, OrderInput, OrderState } from '../../shared/order.js';
import type { MutationResult } from '../../shared/sync-protocol.js';

/** A past call as the caller history shows it. */
export type PastCall = z.infer<typeof PastCallSchema>;

/**
 * The hub's storage, as the routes, the ACD and the seed see it. Every method returns a
 * promise so that a PostgreSQL backend can sit behind the same interface later; the
 * SQLite backend (store/sqlite) answers synchronously inside them.
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
  /** True when the store holds no agents yet (a fresh database, to be seeded). */
  isEmpty(): Promise<boolean>;
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
  stateSince: number;
}

export type NewAgent = Omit<AgentRecord, 'seatExtension' | 'state' | 'stateSince'>;

export interface AgentPresenceUpdate {
  state: AgentState;
  since: number;
  seatExtension: string | null;
}

export interface AgentRepository {
  findByAccount(account: string): Promise<AgentRecord | null>;
  get(id: string): Promise<AgentRecord | null>;
  list(): Promise<AgentRecord[]>;
  insert(agent: NewAgent): Promise<void>;
  setPresence(id: string, presence: AgentPresenceUpdate): Promise<void>;
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

/** A KB article as the centre writes it (resources/seed/kb.json). */
export interface KbArticle {
  id: string;
  title: string;
  category: string;
  keywords: string[];
  /** Groups of words that mean the same (社保卡, 社会保障卡); used to expand queries. */
  synonyms: string[][];
  body: string;
}

/** An article split into search tokens by the KB segmenter, ready for the index. */
export interface KbDocument {
  article: KbArticle;
  /** Accurate-mode tokens: joined they give the original text back. */
  title: string[];
  keywords: string[];
  body: string[];
  /** Finer sub-words of the text's compounds (社保 for 社保卡), for recall only. */
  extra: string[];
}

/** One query term: any of its alternatives (each a phrase of tokens) may match. */
export interface KbTermGroup {
  term: string;
  alternatives: string[][];
}

export interface KbRawHit {
  id: string;
  title: string;
  category: string;
  body: string;
  /** Body excerpt with matches between KB_SNIPPET_MARK.open and .close. */
  snippet: string;
  /** Higher is better. */
  score: number;
}

export interface KbRepository {
  listArticles(): Promise<KbArticle[]>;
  /** Replaces the whole KB and its index; `fingerprint` names the segmenter state used. */
  replaceAll(documents: KbDocument[], fingerprint: string): Promise<void>;
  /** The fingerprint the current index was built with, or null. */
  indexFingerprint(): Promise<string | null>;
  search(groups: KbTermGroup[], limit: number): Promise<KbRawHit[]>;
  /** For one article, which of the groups it matches (same order as `groups`). */
  matchedGroups(articleId: string, groups: KbTermGroup[]): Promise<boolean[]>;
}
