import { z } from 'zod';
import { queryInt } from './query-int.js';
import { CATEGORIES, CATEGORY_CODES } from './domain/categories.js';
import {
  HubOrderSchema,
  OrderChangesSchema,
  OrderConflictSchema,
  OrderDraftSchema,
  OrderNoSchema,
  OrderRevisionSchema,
} from './order.js';

/**
 * The hub's HTTP API as the seat core uses it. Paths are written once, here.
 * Verbs: POST login, agent state, sync push and order actions; PATCH an order; GET the rest.
 * Every request except login carries `Authorization: Bearer <token>`.
 * Errors are `{ error: { code, message, field? } }` with a 4xx/5xx status; `field` names
 * the first offending field of a refused body (for example `mutations.0.args.territory`).
 */
export const HUB_PATHS = {
  health: '/api/v1/health',
  login: '/api/v1/login',
  agentState: '/api/v1/agents/me/state',
  /** GET: open callbacks of the queues the agent serves (leads: all). */
  /** GET: the recording's metadata (leads, admins; audited). */
  recording: (callId: string) => `/api/v1/recordings/${encodeURIComponent(callId)}`,
  /** GET: the audio itself (audio/wav; leads, admins; audited). */
  recordingAudio: (callId: string) => `/api/v1/recordings/${encodeURIComponent(callId)}/audio`,
  /** POST HandoverRequest (call roles); GET ?callId= or ?caller=: the newest for me. */
  handovers: '/api/v1/handovers',
  callbacks: '/api/v1/callbacks',
  /** POST: claim the next open callback (200 with it, 404 no-callback when none). */
  callbackNext: '/api/v1/callbacks/next',
  /** POST { outcome }: how the call back went (only the agent holding it). */
  callbackResult: (id: string) => `/api/v1/callbacks/${encodeURIComponent(id)}/result`,
  callerHistory: (number: string) => `/api/v1/callers/${encodeURIComponent(number)}/history`,
  /** Renews a session with its refresh token (no password); see SessionTokensSchema. */
  sessionRefresh: '/api/v1/session/refresh',
  /** Signs out: revokes the bearer token and the session's refresh token. */
  logout: '/api/v1/session/logout',
  /**
   * GET: the centre's orders of one China-time day, newest first (?day&agent&queue&before
   * &limit; leads and admins; audited). See CentreOrderQuerySchema.
   */
  orders: '/api/v1/orders',
  /** One order by number (unit handlers, leads, agents); audited. PATCH: edit fields. */
  order: (orderNo: string) => `/api/v1/orders/${encodeURIComponent(orderNo)}`,
  /** POST: a unit's reply to the citizen's matter (unit handlers, leads). */
  orderReplies: (orderNo: string) => `/api/v1/orders/${encodeURIComponent(orderNo)}/replies`,
  /** POST: assign the order to an agent for follow-up (leads). */
  orderAssign: (orderNo: string) => `/api/v1/orders/${encodeURIComponent(orderNo)}/assign`,
  /** GET: the order's change log (OrderRevision[]). */
  orderRevisions: (orderNo: string) => `/api/v1/orders/${encodeURIComponent(orderNo)}/revisions`,
  /** GET: the order's conflicts, open and decided (OrderConflict[]). */
  orderConflicts: (orderNo: string) => `/api/v1/orders/${encodeURIComponent(orderNo)}/conflicts`,
  /** POST: a lead decides a conflict at the hub ({ choice: 'hub' | 'seat' }). */
  conflictResolve: (conflictId: string) =>
    `/api/v1/conflicts/${encodeURIComponent(conflictId)}/resolve`,
  /** Admin: who read or changed which citizen's data (?subject&actor&since&limit). */
  audit: '/api/v1/audit',
  /** The OpenAPI 3.1 description of this API; public. */
  openapi: '/api/v1/openapi.json',
  kbSearch: '/api/v1/kb/search',
  /** KB editing: POST a draft, GET articles by state (?state&limit&offset); leads and admins. */
  kbArticles: '/api/v1/kb/articles',
  kbVersions: (id: string) => `/api/v1/kb/articles/${encodeURIComponent(id)}/versions`,
  kbChanges: (id: string) => `/api/v1/kb/articles/${encodeURIComponent(id)}/changes`,
  /** POST: moves one version along the life cycle (see KB_ACTIONS). */
  kbTransition: (id: string, version: number, action: KbAction) =>
    `/api/v1/kb/articles/${encodeURIComponent(id)}/versions/${version}/${action}`,
  syncPush: '/api/v1/sync/push',
  syncPull: '/api/v1/sync/pull',
  /** WebSocket: hub events for one seat (`?token=`). */
  events: '/api/v1/events',
  /** WebSocket: queue figures, agents and calls for the wallboard (`?token=`; lead, admin). */
  wallboardEvents: '/api/v1/wallboard/events',
} as const;

/**
 * WebSocket close code the hub sends on a desk's event socket when that desk's session is
 * signed out (4000-4999 are for applications, RFC 6455 §7.4.2). The seat takes it as
 * final: reconnecting would only meet a 401.
 */
export const EVENTS_CLOSE_SIGNED_OUT = { code: 4001, reason: 'signed out' } as const;

export const ApiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export const ROLES = ['agent', 'specialist', 'lead', 'unit-handler', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const LoginRequestSchema = z.strictObject({
  account: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  extension: z.string().regex(/^\d{3,6}$/, 'extension must be 3 to 6 digits'),
  /**
   * A web seat asks for the key that encrypts its local store, made once per seat id and
   * kept by the hub; the answer carries it in `dataKey`. A desktop seat keeps its key in
   * the OS key store and does not ask.
   */
  dataKeyFor: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'dataKeyFor must be a seat id')
    .optional(),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

/** Where and as whom the seat's softphone registers. */
export const SipConfigSchema = z.object({
  wsUrl: z.string(),
  domain: z.string(),
  user: z.string(),
  password: z.string().optional(),
  displayName: z.string(),
});
export type SipConfig = z.infer<typeof SipConfigSchema>;

export const AgentSchema = z.object({
  id: z.string(),
  account: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  extension: z.string(),
  queues: z.array(z.string()),
});
export type Agent = z.infer<typeof AgentSchema>;

/**
 * The tokens of a session. `token` is the bearer token, short-lived (`expiresIn`
 * seconds, 15 minutes); before it ends the seat trades `refreshToken` for a new pair at
 * HUB_PATHS.sessionRefresh. Each refresh token works once (it is rotated on use) and no
 * renewal reaches past `shiftEndsAt`, 12 hours after sign-in.
 */
export const SessionTokensSchema = z.object({
  token: z.string(),
  expiresIn: z.number().int(),
  refreshToken: z.string(),
  shiftEndsAt: z.string(),
});
export type SessionTokens = z.infer<typeof SessionTokensSchema>;

const TokenSchema = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'refreshToken is not a token');

export const RefreshRequestSchema = z.strictObject({ refreshToken: TokenSchema });

/** Sign-out: with `refreshToken`, this session ends; without it, every session of the account. */
export const LogoutRequestSchema = z.strictObject({ refreshToken: TokenSchema.optional() });

export const LoginResponseSchema = SessionTokensSchema.extend({
  agent: AgentSchema,
  sip: SipConfigSchema,
  /** The seat's store key (32 bytes, base64url) when the request asked with dataKeyFor. */
  dataKey: z.string().optional(),
  /** The hub's clock at sign-in, so a seat can tell how far its own is off. */
  hubTime: z.string().optional(),
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

/**
 * Agent states, as the hub's ACD holds them (server/acd/agent-pool.ts draws the moves):
 * signed out, free for a call, not ready (with a reason), a routed call ringing, in a
 * call, and timed wrap-up after a call (back to ready by itself when the time is up).
 */
export const AGENT_STATES = [
  'logged-out',
  'not-ready',
  'ready',
  'ringing',
  'on-call',
  'wrap-up',
] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** Why an agent is not ready, as the agent picks it at the seat. */
export const SEAT_NOT_READY_REASONS = [
  'break',
  'meal',
  'training',
  'meeting',
  'paperwork',
  'other',
] as const;

/**
 * Reasons only the hub sets: a fresh sign-in starts not ready, and an agent whose seat did
 * not take a routed call (busy, rang out, not registered) is made not ready.
 */
export const HUB_NOT_READY_REASONS = ['signed-in', 'missed-call'] as const;

export const NOT_READY_REASONS = [...SEAT_NOT_READY_REASONS, ...HUB_NOT_READY_REASONS] as const;
export type NotReadyReason = (typeof NOT_READY_REASONS)[number];

/**
 * A seat asks for a state. `reason` goes with `not-ready`, and `not-ready` needs one: the
 * centre's figures tell breaks from meals and training.
 */
export const AgentStateRequestSchema = z
  .strictObject({
    state: z.enum(AGENT_STATES),
    reason: z.enum(SEAT_NOT_READY_REASONS).optional(),
  })
  .refine((r) => r.reason === undefined || r.state === 'not-ready', {
    path: ['reason'],
    message: 'reason goes with state not-ready only',
  })
  .refine((r) => r.state !== 'not-ready' || r.reason !== undefined, {
    path: ['reason'],
    message: `not-ready needs a reason: one of ${SEAT_NOT_READY_REASONS.join(', ')}`,
  });
export type AgentStateRequest = z.infer<typeof AgentStateRequestSchema>;

/**
 * The state the ACD holds after a request (going ready may route a call: ringing), with
 * the not-ready reason when there is one. Times are the hub's clock (ISO 8601): `since`
 * when the agent entered the state, `wrapUpEndsAt` when a timed wrap-up turns back to
 * ready (or to the not-ready the agent chose during the call). A seat shows the countdown
 * from these and its measured offset to the hub's clock, never from its own start time.
 */
export const AgentStateAnswerSchema = z.object({
  state: z.enum(AGENT_STATES),
  reason: z.enum(NOT_READY_REASONS).optional(),
  since: z.string().optional(),
  wrapUpEndsAt: z.string().optional(),
});
export type AgentStateAnswer = z.infer<typeof AgentStateAnswerSchema>;
export type AgentStatus = AgentStateAnswer;

/**
 * A caller who hung up while queued: the centre calls them back. The hub makes one entry
 * per number while it is open (a second abandon of the same number raises `abandons` and
 * keeps the first entry's place). An agent claims the next one (oldest first, of the
 * queues the agent serves); the seat dials it and reports how it went.
 *
 *   open --next--> taken --result reached / wrong-number--> done
 *                    \--result no-answer--> open again (attempts + 1; done after 3)
 *                    \--not reported within 10 min--> open again
 */
export const CALLBACK_OUTCOMES = ['reached', 'no-answer', 'wrong-number'] as const;
export const CALLBACK_MAX_ATTEMPTS = 3;
export const CallbackSchema = z.object({
  id: z.string(),
  number: z.string(),
  queue: z.string(),
  /** Hub time of the (first) abandon. */
  abandonedAt: z.string(),
  waitMs: z.number().int(),
  abandons: z.number().int(),
  attempts: z.number().int(),
  status: z.enum(['open', 'taken', 'done']),
  /** Agent id holding it while taken. */
  takenBy: z.string().nullable(),
  lastOutcome: z.enum(CALLBACK_OUTCOMES).nullable(),
});
export type Callback = z.infer<typeof CallbackSchema>;
export const CallbackListSchema = z.object({
  open: z.number().int(),
  items: z.array(CallbackSchema),
});
export const CallbackResultRequestSchema = z.strictObject({ outcome: z.enum(CALLBACK_OUTCOMES) });

/**
 * A call's recording, made on the media path (rtpengine) and kept at the hub until the
 * retention (HUB_RECORDING_RETENTION_DAYS) runs out. An order links to it by its callId.
 */
export const RecordingSchema = z.object({
  callId: z.string(),
  /** Hub time the recording started (the call was answered). */
  startedAt: z.string(),
  durationMs: z.number().int(),
  bytes: z.number().int(),
  /** 'audio/wav' */
  contentType: z.string(),
  /** Hub time after which it is deleted. */
  expiresAt: z.string(),
});
export type Recording = z.infer<typeof RecordingSchema>;

/**
 * A handover: what an agent passes on with a call to a specialist (transfer, consult or
 * three-way): the order draft as typed so far and notes. The hub keeps it for 30 minutes.
 * The specialist's seat finds it by the citizen's Call-ID (a consult call names it in
 * X-Hotline-Context) or by the caller's number (a blind transfer is a new call from the
 * citizen), and only if it is addressed to the specialist's extension or one of their
 * queues.
 */
export const HandoverRequestSchema = z.strictObject({
  callId: z.string().min(1).max(256),
  callerNumber: z.string().min(1).max(64),
  /** The number the call goes to: an extension or a queue line. */
  target: z.string().regex(/^\+?[0-9]{2,20}$/, 'target: digits only, 2 to 20'),
  draft: OrderDraftSchema.optional(),
  notes: z.string().max(2000).default(''),
});
export type HandoverRequest = z.input<typeof HandoverRequestSchema>;
export const HandoverSchema = z.object({
  id: z.string(),
  callId: z.string(),
  callerNumber: z.string(),
  target: z.string(),
  fromAgent: z.object({ id: z.string(), name: z.string(), extension: z.string() }),
  draft: OrderDraftSchema.nullable(),
  notes: z.string(),
  at: z.string(),
});
export type Handover = z.infer<typeof HandoverSchema>;

export const PastCallSchema = z.object({
  callId: z.string(),
  at: z.string(),
  queue: z.string(),
  waitMs: z.number().int(),
  outcome: z.enum(['answered', 'abandoned', 'failed', 'ringing']),
  agentExtension: z.string().nullable(),
});

export const CallerHistorySchema = z.object({
  number: z.string(),
  orders: z.array(HubOrderSchema),
  calls: z.array(PastCallSchema),
  total: z.number().int(),
});
export type CallerHistory = z.infer<typeof CallerHistorySchema>;

/** A China-time day as order numbers write it (yyyymmdd), a real calendar date. */
export const OrderDaySchema = z
  .string()
  .regex(/^\d{8}$/, 'must be a day as yyyymmdd')
  .refine((day) => {
    const at = new Date(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10).replaceAll('-', '') === day;
  }, 'must be a calendar date');

/**
 * The centre's orders of one day, for shift leads: newest first (by number, which the hub
 * hands out in the order it takes orders), a page at a time. `before` is the previous
 * page's `next`: paging by number stays put while new orders arrive, where an offset
 * would shift.
 */
export const CentreOrderQuerySchema = z.strictObject({
  /** Default: today, China time, by the hub's clock. */
  day: OrderDaySchema.optional(),
  /** Only orders taken by this account (agent01). */
  agent: z.string().trim().min(1).max(64).optional(),
  /** Only orders taken on a call of this queue. */
  queue: z.string().trim().min(1).max(64).optional(),
  before: OrderNoSchema.optional(),
  limit: queryInt(1, 100, 50),
});
export type CentreOrderQuery = z.input<typeof CentreOrderQuerySchema>;

/** An order in the centre's list: the hub's order, who took it and from which queue. */
export const CentreOrderSchema = HubOrderSchema.extend({
  /** Account that pushed the order; null for an imported one. */
  agentAccount: z.string().nullable(),
  /** Queue of the call it was taken on; null without a call the hub knows. */
  queue: z.string().nullable(),
});
export type CentreOrder = z.infer<typeof CentreOrderSchema>;

export const CentreOrderListSchema = z.object({
  day: z.string(),
  orders: z.array(CentreOrderSchema),
  /** Pass as `before` for the next page; null on the last page. */
  next: z.string().nullable(),
});
export type CentreOrderList = z.infer<typeof CentreOrderListSchema>;

/**
 * The first page of a caller's history, as the history route answers without ?limit: the
 * pop shows it (and `total`); the hub puts the same page in an offer's pop.
 */
export const CALLER_HISTORY_PAGE = 20;
/** KB answers in a pop for the caller's topic. */
export const POP_KB_HITS = 5;

/**
 * What a pop searches the KB for, for a caller whose newest order has `category`: the
 * category's Chinese label, or the order's own words if the code is not a known one.
 * Empty: nothing to search. The hub (offer) and the seat (its own lookup) ask alike.
 */
export function popKbQuery(category: string, summary: string): string {
  const label = CATEGORIES.find((c) => c.code === category)?.zh;
  return (label ?? summary).trim().slice(0, 200);
}

export const KbSearchRequestSchema = z.strictObject({
  q: z.string().trim().min(1).max(200),
  limit: queryInt(1, 20, 5),
});

/**
 * Marks around the matched words in `KbHit.snippet`. The snippet is plain text (not HTML):
 * split it on these marks and render the parts as text.
 */
export const KB_SNIPPET_MARK = { open: '<mark>', close: '</mark>' } as const;

export const KbHitSchema = z.object({
  id: z.string(),
  title: z.string(),
  category: z.string(),
  snippet: z.string(),
  answer: z.string(),
  score: z.number(),
});
export type KbHit = z.infer<typeof KbHitSchema>;

export const KbSearchResponseSchema = z.object({
  query: z.string(),
  hits: z.array(KbHitSchema),
  /** False when nothing in the KB really answers the query. */
  confident: z.boolean(),
});
export type KbSearchResponse = z.infer<typeof KbSearchResponseSchema>;

/** PATCH of an order at the hub: the version the editor saw, and the changed fields. */
export const OrderEditRequestSchema = z.strictObject({
  baseVersion: z.number().int().nonnegative(),
  changes: OrderChangesSchema,
  note: z.string().trim().min(1).max(500).optional(),
});
export type OrderEditRequest = z.infer<typeof OrderEditRequestSchema>;

export const OrderReplyRequestSchema = z.strictObject({
  text: z.string().trim().min(1).max(2000),
});

export const OrderAssignRequestSchema = z.strictObject({
  /** Agent id; null takes the assignment away. */
  agentId: z.string().min(1).max(64).nullable(),
  note: z.string().trim().min(1).max(500).optional(),
});

export const ConflictResolveRequestSchema = z.strictObject({
  choice: z.enum(['hub', 'seat']),
});

export const OrderRevisionListSchema = z.object({ revisions: z.array(OrderRevisionSchema) });
export const OrderConflictListSchema = z.object({ conflicts: z.array(OrderConflictSchema) });

/** An article as an editor writes it (a draft) and as the KB stores each version. */
export const KbArticleInputSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]{2,63}$/, 'id: 3 to 64 of a-z, 0-9, dot, dash'),
  title: z.string().trim().min(2).max(100),
  category: z.enum(CATEGORY_CODES),
  keywords: z.array(z.string().trim().min(1).max(30)).min(1).max(30),
  synonyms: z
    .array(z.array(z.string().trim().min(1).max(30)).min(2).max(20))
    .max(30)
    .default([]),
  body: z.string().trim().min(20).max(4000),
});
export type KbArticleInput = z.infer<typeof KbArticleInputSchema>;

/**
 * The life cycle of an article version; only `published` ones are served to seats, at
 * most one per article (publishing a newer version retires the older one).
 *
 *   draft --submit--> in-review --publish--> published --retire--> retired
 *   in-review --send-back--> draft
 */
export const KB_STATES = ['draft', 'in-review', 'published', 'retired'] as const;
export const KB_ACTIONS = ['submit', 'send-back', 'publish', 'retire'] as const;
export type KbAction = (typeof KB_ACTIONS)[number];
/** The state each action moves a version to. */
export const KB_ACTION_TARGET = {
  submit: 'in-review',
  'send-back': 'draft',
  publish: 'published',
  retire: 'retired',
} as const satisfies Record<KbAction, (typeof KB_STATES)[number]>;

export const KbVersionSchema = z.object({
  article: KbArticleInputSchema,
  version: z.number().int(),
  state: z.enum(KB_STATES),
  author: z.string(),
  createdAt: z.string(),
  changedBy: z.string(),
  changedAt: z.string(),
});
export type KbVersionView = z.infer<typeof KbVersionSchema>;

export const KbChangeSchema = z.object({
  version: z.number().int(),
  from: z.enum(KB_STATES).nullable(),
  to: z.enum(KB_STATES),
  by: z.string(),
  at: z.string(),
  note: z.string().nullable(),
});

/** A note with a move; send-back requires one (what the author must fix). */
export const KbTransitionRequestSchema = z.strictObject({
  note: z.string().trim().min(1).max(500).optional(),
});

export const KbListQuerySchema = z.strictObject({
  state: z.enum(KB_STATES),
  limit: queryInt(1, 200, 50),
  offset: queryInt(0, 1_000_000, 0),
});

export const KbVersionListSchema = z.object({ versions: z.array(KbVersionSchema) });
export const KbChangeListSchema = z.object({ changes: z.array(KbChangeSchema) });

/**
 * Events the hub pushes to a seat over the events WebSocket, one JSON object per frame.
 * `call.offered` is sent when the ACD routes a call to this seat, before the INVITE
 * reaches it, so the seat can prefetch the pop.
 */
/**
 * What the hub read for an offered call's pop, right after it routed the call (the same
 * reads as the history and KB routes, audited once per offer as a history read by the
 * agent). Each part that failed carries its error instead; the seat then asks for that
 * part itself. `history` is the first page (CALLER_HISTORY_PAGE orders and calls, with
 * the total), so the event stays a few kB for a caller with hundreds of orders.
 */
export const OfferedPopSchema = z.object({
  history: CallerHistorySchema.nullable(),
  /** Why `history` is null: the read or its audit failed. */
  historyError: z.string().nullable(),
  /** Category of the caller's newest order; null when none. */
  topic: z.string().nullable(),
  /** KB answers for the topic; null when there is no topic or the search failed. */
  kb: KbSearchResponseSchema.nullable(),
  /** Why the KB search for the topic failed (e.g. the KB is still being indexed). */
  kbError: z.string().nullable(),
  /**
   * The newest handover for the caller's number addressed to the agent's extension or one
   * of their queues (a blind transfer reaches the specialist as a new call from the
   * citizen), audited as the handover route's read; null when there is none. Absent when
   * the hub did not look (an older hub, or the history part failed): the seat then asks.
   */
  handover: HandoverSchema.nullable().optional(),
});
export type OfferedPop = z.infer<typeof OfferedPopSchema>;

export const HubEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call.offered'),
    callId: z.string(),
    caller: z.string(),
    queue: z.string(),
    waitMs: z.number().int(),
    /** The call's pop as the hub read it; absent from an older hub or a withheld number. */
    pop: OfferedPopSchema.optional(),
  }),
  /** The agent's state changed at the hub (routing, a missed call, wrap-up over, a lead). */
  AgentStateAnswerSchema.extend({ type: z.literal('agent.state') }),
  z.object({ type: z.literal('orders.changed') }),
  /** The callback list changed (a caller gave up in the queue, an agent took one). */
  z.object({ type: z.literal('callbacks.changed'), open: z.number().int() }),
]);
export type HubEvent = z.infer<typeof HubEventSchema>;
