import type { LocalOrder } from '../../../shared/desk-api';
import { CATEGORY_CODES } from '../../../shared/domain/categories';
import type { OrderType } from '../../../shared/domain/order-types';
import { OrderInputSchema, SUMMARY_MAX_CHARS, type OrderInput } from '../../../shared/order';
import { toErrorInfo, type ErrorInfo } from '../bridge/errors';
import { createLogger } from '../lib/log';
import type { PopView } from './pop-slice';
import type { SliceCreator } from './types';

const log = createLogger('seat.ui.order');

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

/** This seat's own orders kept for the desk (newest first). */
export const LOCAL_ORDERS_KEPT = 50;

export interface OrderSlice {
  draft: OrderDraft;
  fieldErrors: FieldErrors;
  saving: boolean;
  saveError: ErrorInfo | null;
  /** The order saved last from this form; its status follows `order.updated`. */
  lastSaved: LocalOrder | null;
  localOrders: LocalOrder[];
  setField(field: DraftField, value: string): void;
  /** Adds text (a KB answer) to the summary, on a line of its own. */
  appendToSummary(text: string): void;
  /** A fresh form, for the call given or for none. */
  newDraft(call: { callId: string; caller: string } | null): void;
  /** Validates and saves; true when the seat core took the order. */
  saveOrder(): Promise<boolean>;
  orderUpdated(order: LocalOrder): void;
  loadLocalOrders(): Promise<void>;
  /**
   * A call arrived. A form with nothing typed in it is set up for the call; one the agent
   * has typed into is kept as it is: an order being typed is never lost (DESIGN §4), and the
   * form offers to start one for the new call instead.
   */
  prefillForCall(call: { callId: string; caller: string }): void;
  /** The pop found the likely topic; it becomes the category if none is chosen yet. */
  prefillTopic(callId: string, topic: string | null): void;
}

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

/** True when the agent typed something that a reset would throw away. */
export function isDraftDirty(draft: OrderDraft): boolean {
  return [draft.summary, draft.citizenName, draft.citizenAddress].some((v) => v.trim() !== '');
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

/** The pop's likely topic when it is a category code the form offers, else null. */
function topicCategory(topic: string | null | undefined): string | null {
  return topic && CATEGORY_CODES.includes(topic) ? topic : null;
}

/**
 * A form (re)started for a call takes the category from that call's pop, if the pop has
 * answered already; otherwise prefillTopic() fills it when the pop answers.
 */
function withTopic(draft: OrderDraft, pop: PopView | null): OrderDraft {
  if (!draft.callId || draft.category || pop?.callId !== draft.callId) return draft;
  const category = topicCategory(pop.data?.topic);
  return category ? { ...draft, category } : draft;
}

function upsert(orders: LocalOrder[], order: LocalOrder): LocalOrder[] {
  const rest = orders.filter((o) => o.localId !== order.localId);
  return [order, ...rest]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, LOCAL_ORDERS_KEPT);
}

export const initialOrderState = {
  draft: emptyDraft(),
  fieldErrors: {},
  saving: false,
  saveError: null,
  lastSaved: null,
  localOrders: [],
};

export const createOrderSlice: SliceCreator<OrderSlice> = (set, get, { desk }) => ({
  ...initialOrderState,

  setField(field, value) {
    const { draft, fieldErrors } = get();
    const { [field]: _dropped, ...rest } = fieldErrors;
    set({ draft: { ...draft, [field]: value }, fieldErrors: rest, saveError: null });
  },

  appendToSummary(text) {
    const { summary } = get().draft;
    const joined = summary.trim() ? `${summary.trimEnd()}\n${text}` : text;
    get().setField('summary', joined.slice(0, SUMMARY_MAX_CHARS));
  },

  newDraft(call) {
    const draft = withTopic(emptyDraft(call), get().pop);
    set({ draft, fieldErrors: {}, saveError: null, lastSaved: null });
  },

  async saveOrder() {
    const { draft, saving } = get();
    if (saving) return false;
    const checked = validateDraft(draft);
    if (!checked.ok) {
      set({ fieldErrors: checked.errors });
      return false;
    }

    set({ saving: true, saveError: null });
    try {
      const saved = await desk.call('order.save', { order: checked.order });
      log.info(`Order ${saved.localId} saved for call ${draft.callId ?? '-'}.`);
      const next = { ...emptyDraft(), callerNumber: draft.callerNumber, callId: draft.callId };
      set({
        draft: withTopic(next, get().pop),
        fieldErrors: {},
        lastSaved: saved,
        localOrders: upsert(get().localOrders, saved),
      });
      get().popOrderSaved(saved);
      return true;
    } catch (error) {
      const info = toErrorInfo(error);
      const field = info.field?.replace(/^order\./, '').split('.')[0] as DraftField | undefined;
      const fieldErrors: FieldErrors = { ...get().fieldErrors };
      if (field && field in draft) fieldErrors[field] = 'invalid';
      set({ saveError: info, fieldErrors });
      return false;
    } finally {
      set({ saving: false });
    }
  },

  orderUpdated(order) {
    const { lastSaved, localOrders } = get();
    set({
      lastSaved: lastSaved?.localId === order.localId ? order : lastSaved,
      localOrders: upsert(localOrders, order),
    });
    get().popOrderSaved(order);
  },

  async loadLocalOrders() {
    try {
      const orders = await desk.call('order.list', {});
      set({ localOrders: orders.reduce(upsert, [] as LocalOrder[]) });
    } catch (error) {
      log.warn(`Local orders not loaded: ${toErrorInfo(error).message}.`);
    }
  },

  prefillForCall(call) {
    const { draft } = get();
    if (draft.callId === call.callId || isDraftDirty(draft)) return;
    get().newDraft(call);
  },

  prefillTopic(callId, topic) {
    const { draft } = get();
    if (draft.callId !== callId || draft.category) return;
    const category = topicCategory(topic);
    if (category) set({ draft: { ...draft, category } });
  },
});
