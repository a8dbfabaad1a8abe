import { z } from 'zod';
import {
  AGENT_STATES,
  AgentSchema,
  CallerHistorySchema,
  KbSearchResponseSchema,
  LoginRequestSchema,
  SipConfigSchema,
} from './hub-api.js';
import { OrderInputSchema } from './order.js';

/**
 * The desk API: everything the renderer may ask the seat core, and every event it gets.
 * Each method and event is named once, here, with its schema. The Electron preload, the
 * seat host's WebSocket and the renderer's client all derive from this table, and the
 * seat core validates every request against it before acting.
 *
 * The renderer never sees SQLite, file paths or stored credentials; the SIP credentials
 * it gets at login live only in memory.
 */

export const LocalOrderSchema = z.object({
  localId: z.string(),
  /** pending: saved on the seat, not yet acknowledged by the hub. */
  status: z.enum(['pending', 'synced', 'rejected']),
  orderNo: z.string().nullable(),
  rejectReason: z.string().nullable(),
  createdAt: z.string(),
  input: OrderInputSchema,
});
export type LocalOrder = z.infer<typeof LocalOrderSchema>;

export const SyncStatusSchema = z.object({
  hubReachable: z.boolean(),
  pending: z.number().int(),
  rejected: z.number().int(),
  syncing: z.boolean(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

export const SessionSchema = z.object({ agent: AgentSchema, sip: SipConfigSchema });
export type Session = z.infer<typeof SessionSchema>;

export const PopSchema = z.object({
  number: z.string(),
  /** Null when the hub could not be asked (offline); `historyError` says why. */
  history: CallerHistorySchema.nullable(),
  historyError: z.string().nullable(),
  /** Category of the caller's last order, the likely topic of this call. */
  topic: z.string().nullable(),
  kb: KbSearchResponseSchema.nullable(),
  /** Orders saved on this seat for the number, synced or not. */
  localOrders: z.array(LocalOrderSchema),
});
export type Pop = z.infer<typeof PopSchema>;

export const CALL_EVENTS = ['ringing', 'answered', 'ended', 'missed', 'failed'] as const;

const empty = z.strictObject({});

export const DESK_METHODS = {
  'session.login': { params: LoginRequestSchema, result: SessionSchema },
  'session.logout': { params: empty, result: empty },
  /** The current session, so a reloaded renderer can carry on. */
  'session.get': { params: empty, result: SessionSchema.nullable() },
  'agent.setState': {
    params: z.strictObject({ state: z.enum(AGENT_STATES) }),
    result: z.object({ state: z.enum(AGENT_STATES) }),
  },
  /** The renderer reports each call event; the core logs it and tells the hub. */
  'call.event': {
    params: z.strictObject({
      event: z.enum(CALL_EVENTS),
      callId: z.string().min(1).max(256),
      caller: z.string().max(64),
      queue: z.string().max(64).optional(),
      waitMs: z.number().int().min(0).optional(),
    }),
    result: empty,
  },
  'pop.lookup': {
    params: z.strictObject({ callerNumber: z.string().min(1).max(64) }),
    result: PopSchema,
  },
  'kb.search': {
    params: z.strictObject({ q: z.string().trim().min(1).max(200) }),
    result: KbSearchResponseSchema,
  },
  'order.save': { params: z.strictObject({ order: OrderInputSchema }), result: LocalOrderSchema },
  'order.list': {
    params: z.strictObject({ callerNumber: z.string().max(64).optional() }),
    result: z.array(LocalOrderSchema),
  },
  'sync.status': { params: empty, result: SyncStatusSchema },
  'sync.now': { params: empty, result: SyncStatusSchema },
} as const;

export type DeskMethod = keyof typeof DESK_METHODS;
export type DeskParams<M extends DeskMethod> = z.input<(typeof DESK_METHODS)[M]['params']>;
export type DeskResult<M extends DeskMethod> = z.infer<(typeof DESK_METHODS)[M]['result']>;

export const DESK_EVENTS = {
  'sync.status': SyncStatusSchema,
  'order.updated': LocalOrderSchema,
  /** The hub routed a call to this seat; the INVITE follows. */
  'call.offered': z.object({
    callId: z.string(),
    caller: z.string(),
    queue: z.string(),
    waitMs: z.number().int(),
  }),
  /** The hub changed this agent's state (routing, a missed call, a lead's action). */
  'agent.state': z.object({ state: z.enum(AGENT_STATES) }),
  'session.ended': z.object({ reason: z.string() }),
} as const;

export type DeskEvent = keyof typeof DESK_EVENTS;
export type DeskEventPayload<E extends DeskEvent> = z.infer<(typeof DESK_EVENTS)[E]>;

export function isDeskMethod(name: unknown): name is DeskMethod {
  return typeof name === 'string' && Object.hasOwn(DESK_METHODS, name);
}

/** Error codes a desk call may fail with; `message` is English, the UI translates codes. */
export const DESK_ERROR_CODES = [
  'bad-request',
  'unknown-method',
  'not-logged-in',
  'bad-credentials',
  'hub-unreachable',
  'internal',
] as const;
export type DeskErrorCode = (typeof DESK_ERROR_CODES)[number];

export interface DeskErrorBody {
  code: DeskErrorCode;
  message: string;
  /** Dotted path of the first offending parameter, for bad-request. */
  field?: string;
}

/**
 * The API the renderer sees, whatever carries it (Electron IPC or the seat host's
 * WebSocket). Listeners return a function that removes them.
 */
export interface DeskBridge {
  call<M extends DeskMethod>(method: M, params: DeskParams<M>): Promise<DeskResult<M>>;
  on<E extends DeskEvent>(event: E, listener: (payload: DeskEventPayload<E>) => void): () => void;
}

/**
 * What carries desk frames: Electron IPC (the preload's `window.deskTransport`) or the seat
 * host's WebSocket. The renderer builds its one DeskBridge over either. The preload hands
 * out frames rather than a bridge because errors crossing contextBridge keep only their
 * message, and the renderer needs the error code.
 */
export interface DeskTransport {
  request(method: DeskMethod, params: unknown): Promise<DeskResponseFrame>;
  subscribe(listener: (frame: DeskEventFrame) => void): () => void;
}

/** Channel names for Electron IPC, written once. */
export const DESK_IPC = { call: 'desk:call', event: 'desk:event' } as const;

/** Frames on the seat host's WebSocket. */
export const DeskRequestFrameSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  method: z.string().max(64),
  params: z.unknown(),
});
export type DeskRequestFrame = z.infer<typeof DeskRequestFrameSchema>;

export type DeskResponseFrame =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: DeskErrorBody };

/**
 * The id of the error frame that answers a frame the host could not read (not JSON, no
 * numeric id, too big to read): request ids are never negative, so no call matches it.
 */
export const UNREADABLE_FRAME_ID = -1;

export interface DeskEventFrame {
  event: DeskEvent;
  payload: unknown;
}

/** Thrown on the renderer side when a desk call fails. */
export class DeskCallError extends Error {
  constructor(
    readonly code: DeskErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DeskCallError';
  }
}

/** Turns a zod error into the first offending field and a sentence naming it. */
export function describeZodError(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  const field = issue ? issue.path.map(String).join('.') : '';
  const message = issue ? `${field || 'request'}: ${issue.message}` : 'invalid request';
  return { field, message };
}
