import { z } from 'zod';
import { HubOrderSchema } from './order.js';

/**
 * The hub's HTTP API as the seat core uses it. Paths are written once, here.
 * Verbs: POST login, agent state and sync push; GET everything else.
 * Every request except login carries `Authorization: Bearer <token>`.
 * Errors are `{ error: { code, message, field? } }` with a 4xx/5xx status; `field` names
 * the first offending field of a refused body (for example `mutations.0.args.territory`).
 */
export const HUB_PATHS = {
  health: '/api/v1/health',
  login: '/api/v1/login',
  agentState: '/api/v1/agents/me/state',
  callerHistory: (number: string) => `/api/v1/callers/${encodeURIComponent(number)}/history`,
  kbSearch: '/api/v1/kb/search',
  syncPush: '/api/v1/sync/push',
  syncPull: '/api/v1/sync/pull',
  /** WebSocket: hub events for one seat (`?token=`). */
  events: '/api/v1/events',
} as const;

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

export const LoginResponseSchema = z.object({
  token: z.string(),
  agent: AgentSchema,
  sip: SipConfigSchema,
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

/** Agent states the skeleton knows; not-ready reasons and wrap-up timers come later. */
export const AGENT_STATES = [
  'logged-out',
  'not-ready',
  'ready',
  'ringing',
  'on-call',
  'wrap-up',
] as const;
export type AgentState = (typeof AGENT_STATES)[number];

export const AgentStateRequestSchema = z.strictObject({ state: z.enum(AGENT_STATES) });

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

export const KbSearchRequestSchema = z.strictObject({
  q: z.string().trim().min(1).max(200),
  limit: z.coerce.number().int().min(1).max(20).default(5),
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

/**
 * Events the hub pushes to a seat over the events WebSocket, one JSON object per frame.
 * `call.offered` is sent when the ACD routes a call to this seat, before the INVITE
 * reaches it, so the seat can prefetch the pop.
 */
export const HubEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call.offered'),
    callId: z.string(),
    caller: z.string(),
    queue: z.string(),
    waitMs: z.number().int(),
  }),
  z.object({ type: z.literal('agent.state'), state: z.enum(AGENT_STATES) }),
  z.object({ type: z.literal('orders.changed') }),
]);
export type HubEvent = z.infer<typeof HubEventSchema>;
