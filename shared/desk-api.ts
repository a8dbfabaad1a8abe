import { z } from 'zod';
import {
  AGENT_STATES,
  AgentSchema,
  AgentStateAnswerSchema,
  CALLBACK_OUTCOMES,
  CallbackListSchema,
  CallbackSchema,
  CallerHistorySchema,
  CentreOrderListSchema,
  HandoverRequestSchema,
  HandoverSchema,
  KbSearchResponseSchema,
  LoginRequestSchema,
  OrderDaySchema,
  RecordingSchema,
  SEAT_NOT_READY_REASONS,
  SipConfigSchema,
} from './hub-api.js';
import {
  HubOrderSchema,
  ORDER_STATES,
  OrderChangesSchema,
  OrderConflictSchema,
  OrderDraftSchema,
  OrderInputSchema,
  OrderNoSchema,
} from './order.js';
import { REJECT_CODES } from './sync-protocol.js';

/** A draft's slot: 'new' for the order form, or the Call-ID of the call it belongs to. */
export const DraftSlotSchema = z.string().min(1).max(256);

/**
 * The desk API: everything the renderer may ask the seat core, and every event it gets.
 * Each method and event is named once, here, with its schema. The Electron preload, the
 * seat host's WebSocket and the renderer's client all derive from this table, and the
 * seat core validates every request against it before acting.
 *
 * The renderer never sees SQLite, file paths or stored credentials; the SIP credentials
 * it gets at login live only in memory.
 */

/** A conflict as the seat shows it: the hub's record, with the order it belongs to here. */
export const LocalConflictSchema = OrderConflictSchema.extend({ localId: z.string() });
export type LocalConflict = z.infer<typeof LocalConflictSchema>;

export const LocalOrderSchema = z.object({
  localId: z.string(),
  /**
   * pending: saved on the seat, not yet acknowledged by the hub (the create or an edit
   * waits in the outbox); synced: the hub holds what the seat shows; rejected: the hub
   * refused the order (rejectReason says why); it stays on the seat until dismissed.
   */
  status: z.enum(['pending', 'synced', 'rejected']),
  orderNo: z.string().nullable(),
  rejectReason: z.string().nullable(),
  /** seat: made on this seat; hub: assigned to the agent at the hub and pulled. */
  origin: z.enum(['seat', 'hub']),
  /** The seat's clock when saved, for display only: lists are ordered by the seat's save order. */
  createdAt: z.string(),
  input: OrderInputSchema,
  /** What the hub last told about the order (null until the first answer). */
  hub: z
    .object({
      version: z.number().int(),
      state: z.enum(ORDER_STATES),
      createdAt: z.string(),
      deadline: z.string().nullable(),
      lastReply: z.string().nullable(),
      assignedTo: z.string().nullable(),
    })
    .nullable(),
  /** Edits saved here the hub has not acknowledged yet. */
  pendingEdits: z.number().int(),
  /** Conflicts waiting for the agent's decision. */
  openConflicts: z.number().int(),
});
export type LocalOrder = z.infer<typeof LocalOrderSchema>;

/** A mutation the hub refused: shown to the agent until dismissed, never retried. */
export const RejectedMutationSchema = z.object({
  mutationId: z.string(),
  name: z.enum(['order.create', 'order.update', 'conflict.resolve']),
  localId: z.string().nullable(),
  orderNo: z.string().nullable(),
  code: z.enum(REJECT_CODES),
  reason: z.string(),
  /** The seat's clock when the answer came, for display only. */
  at: z.string(),
});
export type RejectedMutation = z.infer<typeof RejectedMutationSchema>;

export const SyncStatusSchema = z.object({
  hubReachable: z.boolean(),
  /** Outbox entries (creates, edits, decisions) not yet acknowledged. */
  pending: z.number().int(),
  /** Refused mutations not yet dismissed by the agent. */
  rejected: z.number().int(),
  /** Conflicts waiting for a decision. */
  conflicts: z.number().int(),
  syncing: z.boolean(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** When the next attempt is due after a failure (seat clock; display only). */
  nextRetryAt: z.string().nullable(),
  /**
   * While a backlog goes out (more than one batch): how many entries this catch-up
   * started with and how many have been acknowledged, for a progress bar; else null.
   */
  catchUp: z.object({ total: z.number().int(), done: z.number().int() }).nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

/** Something the agent must be told about the seat itself (not about one call). */
export const SeatNoticeSchema = z.object({
  id: z.string(),
  kind: z.enum(['store-damaged', 'store-unreadable', 'store-unencrypted']),
  /** English; the UI shows its own text for the kind, with `file` where there is one. */
  message: z.string(),
  /** Where the damaged or unreadable file was kept aside. */
  file: z.string().nullable(),
  at: z.string(),
});
export type SeatNotice = z.infer<typeof SeatNoticeSchema>;

export const SeatStatusSchema = z.object({
  seatId: z.string(),
  /** Where the store key comes from: the OS key store, the hub at sign-in, or none. */
  keySource: z.enum(['os', 'hub', 'none']),
  /** False while the key is not known yet (a web seat before sign-in). */
  unlocked: z.boolean(),
  /** Whether this seat can sign in while the hub is down. */
  offlineSignIn: z.boolean(),
  notices: z.array(SeatNoticeSchema),
});
export type SeatStatus = z.infer<typeof SeatStatusSchema>;

export const SessionSchema = z.object({
  agent: AgentSchema,
  sip: SipConfigSchema,
  /**
   * Signed in with the last known credentials, checked on the seat, because the hub could
   * not be reached (desktop seat only). The core signs in at the hub as soon as it answers.
   */
  offline: z.boolean(),
  /**
   * The hub's clock minus this seat's, in ms, as measured at the last answer from the hub
   * (0 when never measured). The desk adds it to Date.now() to count down to hub times
   * such as AgentStatus.wrapUpEndsAt.
   */
  hubOffsetMs: z.number().int().optional(),
});
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
  /** What the agent who passed this call on wrote (draft, notes); null when none. */
  handover: HandoverSchema.nullable().optional(),
});
export type Pop = z.infer<typeof PopSchema>;

/**
 * What the phone engine reports of a call. Inbound: ringing, then answered and ended, or
 * missed (rang out, caller gave up, declined) or failed (answering did not work).
 * Outbound (a call back, a call to a department): dialing, then answered and ended, or
 * failed (busy, not found, no answer ...).
 */
export const CALL_EVENTS = ['ringing', 'dialing', 'answered', 'ended', 'missed', 'failed'] as const;
export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;

const empty = z.strictObject({});

export const DESK_METHODS = {
  'session.login': { params: LoginRequestSchema, result: SessionSchema },
  'session.logout': { params: empty, result: empty },
  /** The current session, so a reloaded renderer can carry on. */
  'session.get': { params: empty, result: SessionSchema.nullable() },
  /** `reason` goes with not-ready (break, meal ...); the hub answers what it holds. */
  'agent.setState': {
    params: z.strictObject({
      state: z.enum(AGENT_STATES),
      reason: z.enum(SEAT_NOT_READY_REASONS).optional(),
    }),
    result: AgentStateAnswerSchema,
  },
  /** The agent's state as the hub holds it now (a reloaded desk asks). */
  'agent.get': { params: empty, result: AgentStateAnswerSchema.nullable() },
  /**
   * The phone engine reports each call event; the core logs it (masked number) and tells
   * the hub. `caller` is the far end's number for both directions.
   */
  'call.event': {
    params: z.strictObject({
      event: z.enum(CALL_EVENTS),
      callId: z.string().min(1).max(256),
      caller: z.string().max(64),
      direction: z.enum(CALL_DIRECTIONS).optional(),
      queue: z.string().max(64).optional(),
      waitMs: z.number().int().min(0).optional(),
      /** SIP status of a failure (486, 404, 480, 408, 488 ...). */
      status: z.number().int().min(100).max(699).optional(),
      /**
       * Other live lines of the engine when this event happened (a consult call): the
       * engine is the authority on its lines, so the core never keeps its own count,
       * which a reload of the engine page would leave stale.
       */
      otherLines: z.number().int().min(0).max(8).optional(),
    }),
    result: empty,
  },
  /** Open callbacks the agent may take. */
  'callback.list': { params: empty, result: CallbackListSchema },
  /** Claims the next callback; null when there is none. The desk then dials its number. */
  'callback.next': { params: empty, result: CallbackSchema.nullable() },
  'callback.result': {
    params: z.strictObject({
      id: z.string().min(1).max(64),
      outcome: z.enum(CALLBACK_OUTCOMES),
    }),
    result: empty,
  },
  'pop.lookup': {
    params: z.strictObject({
      callerNumber: z.string().min(1).max(64),
      /** The citizen's Call-ID this call serves (consult call, X-Hotline-Context). */
      contextCallId: z.string().min(1).max(256).optional(),
      /**
       * The call the pop is for: the core then shows what it fetched when the hub offered
       * this call (call.offered), and never what it fetched for another call.
       */
      callId: z.string().min(1).max(256).optional(),
      /**
       * The queue the call came from (X-Hotline-Queue): the hub offers such a call with its
       * pop, so a lookup that beats the offer is held for it briefly, not asked twice.
       */
      queue: z.string().min(1).max(64).optional(),
    }),
    result: PopSchema,
  },
  /**
   * A call's recording for playback in the desk (shift leads): its metadata and the audio
   * as base64 (at most 32 MB of audio; longer ones are refused with a clear error).
   */
  'recording.get': {
    params: z.strictObject({ callId: z.string().min(1).max(256) }),
    result: z.object({ recording: RecordingSchema, audioBase64: z.string() }),
  },
  /**
   * Shift leads and admins: the centre's orders of a day at the hub (default today),
   * newest first, a page at a time (`before`: the last page's `next`), optionally of one
   * account or one queue. Others are refused with `forbidden`.
   */
  'centreOrder.list': {
    params: z.strictObject({
      day: OrderDaySchema.optional(),
      agent: z.string().trim().min(1).max(64).optional(),
      queue: z.string().trim().min(1).max(64).optional(),
      before: OrderNoSchema.optional(),
      limit: z.number().int().min(1).max(100).optional(),
    }),
    result: CentreOrderListSchema,
  },
  /**
   * Shift leads and admins: one order of the centre by its official number (any agent's,
   * any day), as the hub holds it; null when the hub has no such order.
   */
  'centreOrder.find': {
    params: z.strictObject({ orderNo: z.string().trim().toUpperCase().pipe(OrderNoSchema) }),
    result: HubOrderSchema.nullable(),
  },
  /** Passes the draft and notes on with a call, before a transfer or consult call. */
  'call.handover': { params: HandoverRequestSchema, result: z.object({ id: z.string() }) },
  /**
   * KB search at the hub; while the hub cannot be reached, among the articles this seat
   * has shown before (`offline: true`), kept current by the sync's KB feed.
   */
  'kb.search': {
    params: z.strictObject({ q: z.string().trim().min(1).max(200) }),
    result: KbSearchResponseSchema.extend({ offline: z.boolean() }),
  },
  /** A new order; clears the draft of `draftSlot` in the same transaction when given. */
  'order.save': {
    params: z.strictObject({ order: OrderInputSchema, draftSlot: DraftSlotSchema.optional() }),
    result: LocalOrderSchema,
  },
  /** Edits a saved order (the seat's own, or one assigned to the agent). */
  'order.update': {
    params: z.strictObject({
      localId: z.string().min(1).max(64),
      changes: OrderChangesSchema,
      draftSlot: DraftSlotSchema.optional(),
    }),
    result: LocalOrderSchema,
  },
  'order.get': {
    params: z.strictObject({ localId: z.string().min(1).max(64) }),
    result: LocalOrderSchema.nullable(),
  },
  'order.list': {
    params: z.strictObject({ callerNumber: z.string().max(64).optional() }),
    result: z.array(LocalOrderSchema),
  },
  /**
   * The order form's draft, saved on every change: it outlives a reload of the desk and a
   * crash of the seat. One draft per slot ('new', or a call id).
   */
  'draft.save': {
    params: z.strictObject({ slot: DraftSlotSchema, draft: OrderDraftSchema }),
    result: empty,
  },
  'draft.get': {
    params: z.strictObject({ slot: DraftSlotSchema }),
    result: z.object({ draft: OrderDraftSchema, savedAt: z.string() }).nullable(),
  },
  'draft.discard': { params: z.strictObject({ slot: DraftSlotSchema }), result: empty },
  'conflict.list': { params: empty, result: z.array(LocalConflictSchema) },
  /** The agent's decision; it goes to the hub as a conflict.resolve mutation. */
  'conflict.resolve': {
    params: z.strictObject({
      conflictId: z.string().min(1).max(64),
      choice: z.enum(['hub', 'seat']),
    }),
    result: empty,
  },
  'sync.status': { params: empty, result: SyncStatusSchema },
  'sync.now': { params: empty, result: SyncStatusSchema },
  'sync.rejected': { params: empty, result: z.array(RejectedMutationSchema) },
  /** The agent has seen a refusal; it leaves the list (and its rejected order, if any). */
  'sync.dismiss': {
    params: z.strictObject({ mutationId: z.string().min(1).max(64) }),
    result: empty,
  },
  'seat.status': { params: empty, result: SeatStatusSchema },
  'seat.dismissNotice': {
    params: z.strictObject({ id: z.string().min(1).max(64) }),
    result: empty,
  },
} as const;

export type DeskMethod = keyof typeof DESK_METHODS;
export type DeskParams<M extends DeskMethod> = z.input<(typeof DESK_METHODS)[M]['params']>;
export type DeskResult<M extends DeskMethod> = z.infer<(typeof DESK_METHODS)[M]['result']>;

export const DESK_EVENTS = {
  'sync.status': SyncStatusSchema,
  'order.updated': LocalOrderSchema,
  /** A conflict appeared or was decided; the renderer asks conflict.list again. */
  'conflicts.changed': z.object({ open: z.number().int() }),
  /** A mutation was refused; the renderer asks sync.rejected again. */
  'sync.rejected': RejectedMutationSchema,
  'seat.status': SeatStatusSchema,
  /**
   * The hub routed a call to this seat; the INVITE follows. `pop` is the call's complete
   * pop when the hub sent it with the offer: the desk shows it without a pop.lookup
   * (absent: the desk looks the caller up).
   */
  'call.offered': z.object({
    callId: z.string(),
    caller: z.string(),
    queue: z.string(),
    waitMs: z.number().int(),
    pop: PopSchema.optional(),
  }),
  /** The hub changed this agent's state (routing, a missed call, a lead's action). */
  'agent.state': AgentStateAnswerSchema,
  /** The callback list changed; the desk asks callback.list again. */
  'callbacks.changed': z.object({ open: z.number().int() }),
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
  /** The hub cannot be reached and this seat cannot sign in without it (a web seat). */
  'offline-sign-in-unavailable',
  /** An offline sign-in for an account that never signed in on this seat, or expired. */
  'offline-credentials-unknown',
  /** The order or conflict named is not on this seat. */
  'not-found',
  /** The signed-in account's role may not do this (a lead's view asked by an agent). */
  'forbidden',
  /** The store cannot serve the call yet (its key arrives with the sign-in). */
  'store-locked',
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
