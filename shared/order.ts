import { z } from 'zod';
import { CATEGORY_CODES } from './domain/categories.js';
import { ORDER_TYPES } from './domain/order-types.js';
import { TERRITORY_CODES } from './domain/territories.js';

/** Longest summary an agent may type; the hub refuses longer ones by name. */
export const SUMMARY_MAX_CHARS = 4000;

/**
 * What the agent records for a call. The seat validates it before the local save and the
 * hub validates it again on push: the same schema on both sides of the sync.
 */
export const OrderInputSchema = z.strictObject({
  type: z.enum(ORDER_TYPES),
  category: z.enum(CATEGORY_CODES),
  territory: z.enum(TERRITORY_CODES),
  summary: z.string().trim().min(1).max(SUMMARY_MAX_CHARS),
  citizenName: z.string().trim().max(100).default(''),
  citizenAddress: z.string().trim().max(300).default(''),
  callerNumber: z.string().trim().max(32).default(''),
  /** SIP Call-ID of the call the order was taken on, when there was one. */
  callId: z.string().max(256).optional(),
});
export type OrderInput = z.infer<typeof OrderInputSchema>;
export type OrderInputDraft = z.input<typeof OrderInputSchema>;

export const ORDER_STATES = ['created', 'answered', 'dispatched', 'replied', 'closed'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

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
  version: z.number().int(),
});
export type HubOrder = z.infer<typeof HubOrderSchema>;
