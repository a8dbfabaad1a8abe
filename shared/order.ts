import { z } from 'zod';
import { CATEGORY_CODES } from './domain/categories.js';
import { ORDER_TYPES } from './domain/order-types.js';
import { TERRITORY_CODES } from './domain/territories.js';

/** Longest summary an agent may type; the hub refuses longer ones by name. */
export const SUMMARY_MAX_CHARS = 4000;

/**
 * The fields of an order an agent types, each with its rule, without defaults: an edit
 * (OrderChangesSchema) names only the fields it changes, a new order (OrderInputSchema)
 * fills the optional ones with ''.
 */
const ORDER_FIELD_SCHEMAS = {
  type: z.enum(ORDER_TYPES),
  category: z.enum(CATEGORY_CODES),
  territory: z.enum(TERRITORY_CODES),
  summary: z.string().trim().min(1).max(SUMMARY_MAX_CHARS),
  citizenName: z.string().trim().max(100),
  citizenAddress: z.string().trim().max(300),
  callerNumber: z.string().trim().max(32),
};

/** Fields a seat may change after the order was saved (not the call it was taken on). */
export const ORDER_EDITABLE_FIELDS = [
  'type',
  'category',
  'territory',
  'summary',
  'citizenName',
  'citizenAddress',
  'callerNumber',
] as const satisfies readonly (keyof typeof ORDER_FIELD_SCHEMAS)[];
export type OrderEditableField = (typeof ORDER_EDITABLE_FIELDS)[number];

/**
 * What the agent records for a call. The seat validates it before the local save and the
 * hub validates it again on push: the same schema on both sides of the sync.
 */
export const OrderInputSchema = z.strictObject({
  ...ORDER_FIELD_SCHEMAS,
  citizenName: ORDER_FIELD_SCHEMAS.citizenName.default(''),
  citizenAddress: ORDER_FIELD_SCHEMAS.citizenAddress.default(''),
  callerNumber: ORDER_FIELD_SCHEMAS.callerNumber.default(''),
  /** SIP Call-ID of the call the order was taken on, when there was one. */
  callId: z.string().max(256).optional(),
});
export type OrderInput = z.infer<typeof OrderInputSchema>;
export type OrderInputDraft = z.input<typeof OrderInputSchema>;

/** An edit of a saved order: the changed fields only, at least one. */
export const OrderChangesSchema = z
  .strictObject(ORDER_FIELD_SCHEMAS)
  .partial()
  .refine((changes) => Object.keys(changes).length > 0, 'an edit must change at least one field');
export type OrderChanges = z.infer<typeof OrderChangesSchema>;

/**
 * What the order form holds while the agent types: any field may be missing or not yet
 * valid (a draft is saved on every change, long before it would pass OrderInputSchema).
 * Only lengths are bounded, so a runaway input cannot fill the seat's disk.
 */
export const OrderDraftSchema = z.strictObject({
  type: z.string().max(32).optional(),
  category: z.string().max(32).optional(),
  territory: z.string().max(32).optional(),
  summary: z
    .string()
    .max(SUMMARY_MAX_CHARS + 1000)
    .optional(),
  citizenName: z.string().max(200).optional(),
  citizenAddress: z.string().max(600).optional(),
  callerNumber: z.string().max(64).optional(),
  callId: z.string().max(256).optional(),
  /** Local id of the saved order this draft edits; absent for a new order. */
  editing: z.string().max(64).optional(),
});
export type OrderDraft = z.infer<typeof OrderDraftSchema>;

export const ORDER_STATES = ['created', 'answered', 'dispatched', 'replied', 'closed'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** Hub order numbers: DG + the hub's date (yyyymmdd) + a 6-digit sequence of that day. */
export const OrderNoSchema = z.string().regex(/^DG\d{14}$/, 'not an order number');

/** An order as the hub holds it. */
export const HubOrderSchema = z.object({
  orderNo: z.string(),
  clientOrderId: z.string().nullable(),
  type: z.enum(ORDER_TYPES),
  category: z.string(),
  territory: z.string(),
  summary: z.string(),
  citizenName: z.string(),
  citizenAddress: z.string(),
  callerNumber: z.string(),
  state: z.enum(ORDER_STATES),
  createdAt: z.string(),
  deadline: z.string().nullable(),
  lastReply: z.string().nullable(),
  /** Agent id the order is assigned to for follow-up (a call back), if any. */
  assignedTo: z.string().nullable(),
  version: z.number().int(),
  /**
   * SIP Call-ID of the call the order was taken on (the key of its recording); null for an
   * order taken without a call or imported. Absent from a hub older than this field.
   */
  callId: z.string().nullable().optional(),
});
export type HubOrder = z.infer<typeof HubOrderSchema>;

/**
 * A field changed on a seat while the hub changed it too (sync conflict rule, see
 * shared/sync-protocol.ts). The hub kept its value; the seat's is kept here until a person
 * decides. Nothing is dropped: both values stay on record after the decision.
 */
export const OrderConflictSchema = z.object({
  conflictId: z.string(),
  orderNo: z.string(),
  field: z.enum(ORDER_EDITABLE_FIELDS),
  /** The value the seat sent, and the hub's value when the seat's arrived. */
  seatValue: z.string(),
  hubValue: z.string(),
  /** Who made the hub's change (account), and the seat the other value came from. */
  hubChangedBy: z.string(),
  seatId: z.string(),
  mutationId: z.string(),
  /** Hub time the conflict was found. */
  detectedAt: z.string(),
  /** Null while open. `superseded`: a later edit of the same field replaced both values. */
  resolution: z
    .object({
      choice: z.enum(['hub', 'seat', 'superseded']),
      by: z.string(),
      at: z.string(),
    })
    .nullable(),
});
export type OrderConflict = z.infer<typeof OrderConflictSchema>;

/** One entry of an order's change log at the hub: who changed which field, when, why. */
export const OrderRevisionSchema = z.object({
  version: z.number().int(),
  field: z.string(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
  /** Account of the person (or `seat:<id>` for a seat's mutation). */
  by: z.string(),
  /** The seat the change came from, null for a change made at the hub. */
  seatId: z.string().nullable(),
  mutationId: z.string().nullable(),
  at: z.string(),
  note: z.string().nullable(),
});
export type OrderRevision = z.infer<typeof OrderRevisionSchema>;
