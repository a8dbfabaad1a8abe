import { CATEGORY_CODES } from '../../../shared/domain/categories';
import { ORDER_TYPES, type OrderType } from '../../../shared/domain/order-types';
import {
  ORDER_EDITABLE_FIELDS,
  OrderInputSchema,
  type OrderChanges,
  type OrderInput,
  type OrderDraft as StoredDraft,
} from '../../../shared/order';

/** The order being typed, as the form holds it (selects may still be unchosen: ''). */
export interface OrderDraft {
  type: OrderType | '';
  category: string;
  territory: string;
  summary: string;
  citizenName: string;
  citizenAddress: string;
  callerNumber: string;
  /** The call the order is taken on; null for an order typed without a call. */
  callId: string | null;
}

export type DraftField = Exclude<keyof OrderDraft, 'callId'>;
export type FieldProblem = 'required' | 'choose' | 'too-long' | 'invalid';
export type FieldErrors = Partial<Record<DraftField, FieldProblem>>;

/** A saved order loaded into the form to be changed: what it held when loaded. */
export interface EditTarget {
  localId: string;
  orderNo: string | null;
  base: OrderInput;
}

export const NEW_ORDER_SLOT = 'new';

export function emptyDraft(call: { callId: string; caller: string } | null = null): OrderDraft {
  return {
    type: 'consultation',
    category: '',
    territory: '',
    summary: '',
    citizenName: '',
    citizenAddress: '',
    callerNumber: call?.caller ?? '',
    callId: call?.callId ?? null,
  };
}

/** The form filled with a saved order's fields, bound to the call given (or none). */
export function draftOf(input: OrderInput, callId: string | null): OrderDraft {
  return {
    type: input.type,
    category: input.category,
    territory: input.territory,
    summary: input.summary,
    citizenName: input.citizenName,
    citizenAddress: input.citizenAddress,
    callerNumber: input.callerNumber,
    callId,
  };
}

/** True when the agent typed something that a reset would throw away. */
export function isDraftDirty(draft: OrderDraft): boolean {
  return [draft.summary, draft.citizenName, draft.citizenAddress].some((v) => v.trim() !== '');
}

/** Like isDraftDirty, but for an order being edited: whether any field differs from it. */
export function isFormDirty(draft: OrderDraft, editing: EditTarget | null): boolean {
  if (!editing) return isDraftDirty(draft);
  return ORDER_EDITABLE_FIELDS.some((field) => draft[field].trim() !== editing.base[field].trim());
}

/** The draft slot of the seat core the form writes to: its call, or 'new'. */
export function draftSlot(draft: OrderDraft): string {
  return draft.callId ?? NEW_ORDER_SLOT;
}

/** Checks the draft against the order schema the hub applies too. */
export function validateDraft(
  draft: OrderDraft,
): { ok: true; order: OrderInput } | { ok: false; errors: FieldErrors } {
  const { callId, ...fields } = draft;
  const parsed = OrderInputSchema.safeParse(callId ? { ...fields, callId } : fields);
  if (parsed.success) return { ok: true, order: parsed.data };

  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as DraftField;
    if (errors[field]) continue;
    if (field === 'type' || field === 'category' || field === 'territory') errors[field] = 'choose';
    else if (issue.code === 'too_small') errors[field] = 'required';
    else if (issue.code === 'too_big') errors[field] = 'too-long';
    else errors[field] = 'invalid';
  }
  return { ok: false, errors };
}

/** The fields of a checked order that differ from the order as it was loaded. */
export function changedFields(order: OrderInput, base: OrderInput): Partial<OrderChanges> {
  const changes: Record<string, string> = {};
  for (const field of ORDER_EDITABLE_FIELDS) {
    if (order[field] !== base[field]) changes[field] = order[field];
  }
  return changes as Partial<OrderChanges>;
}

/** The form as the seat core keeps it (draft.save): plain strings, no nulls. */
export function toStoredDraft(draft: OrderDraft, editing: EditTarget | null): StoredDraft {
  const { callId, ...fields } = draft;
  return {
    ...fields,
    ...(callId ? { callId } : {}),
    ...(editing ? { editing: editing.localId } : {}),
  };
}

/**
 * A stored draft back in the form. Values the form cannot show (an order type or category
 * this build does not know) fall back to unchosen, so the agent picks again.
 */
export function fromStoredDraft(stored: StoredDraft): OrderDraft {
  const type = (ORDER_TYPES as readonly string[]).includes(stored.type ?? '')
    ? (stored.type as OrderType)
    : '';
  const category = CATEGORY_CODES.includes(stored.category ?? '') ? (stored.category ?? '') : '';
  return {
    type,
    category,
    territory: stored.territory ?? '',
    summary: stored.summary ?? '',
    citizenName: stored.citizenName ?? '',
    citizenAddress: stored.citizenAddress ?? '',
    callerNumber: stored.callerNumber ?? '',
    callId: stored.callId ?? null,
  };
}
