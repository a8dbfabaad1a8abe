import type { LocalOrder } from '../../../shared/desk-api';
import { CATEGORY_CODES } from '../../../shared/domain/categories';
import {
  ORDER_EDITABLE_FIELDS,
  SUMMARY_MAX_CHARS,
  type OrderChanges,
  type OrderInput,
} from '../../../shared/order';
import { toErrorInfo, type ErrorInfo } from '../bridge/errors';
import { createLogger, describeError } from '../lib/log';
import { createDraftWriter, type DraftWriterState } from './draft-writer';
import {
  changedFields,
  draftOf,
  draftSlot,
  emptyDraft,
  fromStoredDraft,
  isFormDirty,
  toStoredDraft,
  validateDraft,
  NEW_ORDER_SLOT,
  type DraftField,
  type EditTarget,
  type FieldErrors,
  type OrderDraft,
} from './order-draft';
import type { PopView } from './pop-slice';
import type { SliceCreator } from './types';

const log = createLogger('seat.ui.order');

/** The draft slot the form wrote to last, so a reload knows which slot to read back. */
export const DRAFT_SLOT_KEY = 'hotline.draftSlot';

/** How many of the seat's orders the desk keeps, in the order the seat core gave them. */
export const LOCAL_ORDERS_KEPT = 200;

export interface OrderSlice {
  draft: OrderDraft;
  /** The saved order the form is changing; null while it holds a new order. */
  editing: EditTarget | null;
  fieldErrors: FieldErrors;
  saving: boolean;
  saveError: ErrorInfo | null;
  /** An edit was saved with nothing changed; the form says so instead of sending it. */
  noChanges: boolean;
  /** The order saved last from this form; its status follows `order.updated`. */
  lastSaved: LocalOrder | null;
  /** Writing the draft to the seat core as the agent types. */
  draftState: DraftWriterState;
  draftError: ErrorInfo | null;
  /** The form holds a draft read back from the seat core (after a reload or a crash). */
  draftRestored: boolean;
  localOrders: LocalOrder[];
  localOrdersError: ErrorInfo | null;
  setField(field: DraftField, value: string): void;
  /** Adds text (a KB answer) to the summary, on a line of its own. */
  appendToSummary(text: string): void;
  /** A fresh form, for the call given or for none; leaves edit mode. */
  newDraft(call: { callId: string; caller: string } | null): void;
  /** Validates and saves (order.save, or order.update in edit mode); true when taken. */
  saveOrder(): Promise<boolean>;
  /** Loads a saved order into the form to change it; false when the form holds unsaved text. */
  editOrder(order: LocalOrder): boolean;
  /** Puts a refused order's fields in the form as a new order, to fix and save again. */
  copyToForm(localId: string): Promise<boolean>;
  /**
   * Reads back the draft the seat core kept (on sign-in and after a reload). With a live
   * inbound call (a desk reloaded during it): that call's slot first, then the slot the
   * form wrote last; with neither, the form is set up for the call as on its arrival.
   */
  restoreDraft(call?: { callId: string; caller: string } | null): Promise<void>;
  /** Writes the draft again (the link came back after a failed write). */
  resaveDraft(): void;
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
  /**
   * Puts the draft the transferring agent handed over (the pop's handover) in the form,
   * for the pop's call; false when there is none or the form holds unsaved text.
   */
  takeHandoverDraft(): boolean;
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

/**
 * An order changed or arrived: it replaces its old entry where that stood, or goes first
 * when new (the latest save). The seat core decides the order of the list, never the
 * seat's clock.
 */
export function upsertOrder(orders: LocalOrder[], order: LocalOrder): LocalOrder[] {
  const at = orders.findIndex((o) => o.localId === order.localId);
  if (at < 0) return [order, ...orders].slice(0, LOCAL_ORDERS_KEPT);
  return orders.map((o, i) => (i === at ? order : o));
}

/**
 * The order being edited changed under the form (a pull, a decided conflict). Fields the
 * agent has not touched take the new values, so the edit does not send old values back
 * as changes; fields the agent changed keep what the agent typed.
 */
function rebase(draft: OrderDraft, before: OrderInput, after: OrderInput): OrderDraft {
  const next = { ...draft };
  for (const field of ORDER_EDITABLE_FIELDS) {
    if (draft[field] === before[field]) (next as Record<DraftField, string>)[field] = after[field];
  }
  return next;
}

export const initialOrderState = {
  draft: emptyDraft(),
  editing: null,
  fieldErrors: {},
  saving: false,
  saveError: null,
  noChanges: false,
  lastSaved: null,
  draftState: 'idle' as DraftWriterState,
  draftError: null,
  draftRestored: false,
  localOrders: [],
  localOrdersError: null,
};

export const createOrderSlice: SliceCreator<OrderSlice> = (set, get, { desk, storage }) => {
  const writer = createDraftWriter(
    async (slot, write) => {
      if (write.kind === 'save') await desk.call('draft.save', { slot, draft: write.draft });
      else await desk.call('draft.discard', { slot });
    },
    (draftState, error) => {
      if (draftState !== 'failed') return set({ draftState, draftError: null });
      log.warn(`The order draft was not written: ${describeError(error)}.`);
      set({ draftState, draftError: toErrorInfo(error) });
    },
  );

  /** Counts draft writes, to tell whether the agent typed while a save was on its way. */
  let draftWrites = 0;

  /** The form changed: its draft goes to the seat core (coalesced by the writer). */
  const saveDraft = () => {
    draftWrites += 1;
    const { draft, editing } = get();
    const slot = draftSlot(draft);
    storage.setItem(DRAFT_SLOT_KEY, slot);
    writer.write(slot, { kind: 'save', draft: toStoredDraft(draft, editing) });
  };

  /** Replaces the form; the slot it leaves is dropped in the seat core, if it is another. */
  const replaceForm = (draft: OrderDraft, editing: EditTarget | null) => {
    const left = draftSlot(get().draft);
    if (left !== draftSlot(draft)) writer.write(left, { kind: 'discard' });
    set({
      draft,
      editing,
      fieldErrors: {},
      saveError: null,
      noChanges: false,
      draftRestored: false,
    });
  };

  /**
   * Puts the draft the seat core kept in a slot into the form, unless the agent typed
   * into the form meanwhile; true when there was one (restored or, typed over, kept out).
   * The draft keeps its call, so it is written back to the slot it came from.
   */
  const restoreSlot = async (slot: string): Promise<boolean> => {
    try {
      const kept = await desk.call('draft.get', { slot });
      if (!kept) return false;
      if (isFormDirty(get().draft, get().editing)) return true;
      const { editing: editingId } = kept.draft;
      const order = editingId ? await desk.call('order.get', { localId: editingId }) : null;
      if (isFormDirty(get().draft, get().editing)) return true;
      const editing = order
        ? { localId: order.localId, orderNo: order.orderNo, base: order.input }
        : null;
      const draft = fromStoredDraft(kept.draft);
      // A call's slot holds that call's draft, even one stored without its call id.
      if (slot !== NEW_ORDER_SLOT && !draft.callId) draft.callId = slot;
      set({ draft, editing, fieldErrors: {}, draftRestored: true, draftState: 'saved' });
      log.info(`The draft of slot ${slot} (saved ${kept.savedAt}) is back in the form.`);
      return true;
    } catch (error) {
      log.warn(`The draft of slot ${slot} was not read back: ${describeError(error)}.`);
      return false;
    }
  };

  /** Sends the checked form: a new order, or the changed fields of the one being edited. */
  const send = async (
    order: OrderInput,
    editing: EditTarget | null,
    slot: string,
  ): Promise<LocalOrder | null> => {
    if (!editing) return desk.call('order.save', { order, draftSlot: slot });
    const changes = changedFields(order, editing.base);
    if (Object.keys(changes).length === 0) return null;
    return desk.call('order.update', {
      localId: editing.localId,
      changes: changes as OrderChanges,
      draftSlot: slot,
    });
  };

  return {
    ...initialOrderState,

    setField(field, value) {
      const { draft, fieldErrors } = get();
      const { [field]: _dropped, ...rest } = fieldErrors;
      set({
        draft: { ...draft, [field]: value },
        fieldErrors: rest,
        saveError: null,
        noChanges: false,
      });
      saveDraft();
    },

    appendToSummary(text) {
      const { summary } = get().draft;
      const joined = summary.trim() ? `${summary.trimEnd()}\n${text}` : text;
      get().setField('summary', joined.slice(0, SUMMARY_MAX_CHARS));
    },

    newDraft(call) {
      replaceForm(withTopic(emptyDraft(call), get().pop), null);
      set({ lastSaved: null });
    },

    async saveOrder() {
      const { draft, editing, saving } = get();
      if (saving) return false;
      const checked = validateDraft(draft);
      if (!checked.ok) {
        set({ fieldErrors: checked.errors });
        return false;
      }

      set({ saving: true, saveError: null, noChanges: false });
      // The save clears the slot's draft in the seat core: no older write may land after it.
      const slot = draftSlot(draft);
      writer.forget(slot);
      const writesBefore = draftWrites;
      try {
        await writer.idle();
        const saved = await send(checked.order, editing, slot);
        if (!saved) {
          set({ noChanges: true });
          return false;
        }
        // Typing during the save rewrote the slot after the save cleared it; the form is
        // reset below, so that draft goes too.
        if (draftWrites !== writesBefore) writer.write(slot, { kind: 'discard' });
        const what = editing ? 'changed' : 'saved';
        log.info(`Order ${saved.localId} ${what} for call ${draft.callId ?? '-'}.`);
        const next = { ...emptyDraft(), callerNumber: draft.callerNumber, callId: draft.callId };
        set({
          draft: withTopic(next, get().pop),
          editing: null,
          fieldErrors: {},
          lastSaved: saved,
          draftState: 'idle',
          draftRestored: false,
          localOrders: upsertOrder(get().localOrders, saved),
        });
        get().popOrderSaved(saved);
        return true;
      } catch (error) {
        const info = toErrorInfo(error);
        const path = info.field?.replace(/^(order|changes)\./, '') ?? '';
        const field = path.split('.')[0] as DraftField;
        const fieldErrors: FieldErrors = { ...get().fieldErrors };
        if (field && field in draft) fieldErrors[field] = 'invalid';
        set({ saveError: info, fieldErrors });
        // The draft may be gone with a save the core took before the link dropped; write it.
        saveDraft();
        return false;
      } finally {
        set({ saving: false });
      }
    },

    editOrder(order) {
      const { draft, editing } = get();
      if (editing?.localId === order.localId) return true;
      if (isFormDirty(draft, editing)) return false;
      const target = { localId: order.localId, orderNo: order.orderNo, base: order.input };
      replaceForm(draftOf(order.input, draft.callId), target);
      set({ lastSaved: null });
      return true;
    },

    async copyToForm(localId) {
      const { draft, editing } = get();
      if (isFormDirty(draft, editing)) return false;
      try {
        const order = await desk.call('order.get', { localId });
        if (!order) {
          set({
            saveError: { code: 'not-found', message: `order ${localId} is not on this seat` },
          });
          return false;
        }
        replaceForm(draftOf(order.input, order.input.callId ?? null), null);
        set({ lastSaved: null });
        saveDraft();
        return true;
      } catch (error) {
        set({ saveError: toErrorInfo(error) });
        return false;
      }
    },

    async restoreDraft(call) {
      const last = storage.getItem(DRAFT_SLOT_KEY) ?? NEW_ORDER_SLOT;
      const slots = call && call.callId !== last ? [call.callId, last] : [last];
      for (const slot of slots) {
        if (await restoreSlot(slot)) return;
      }
      if (call) get().prefillForCall(call);
    },

    resaveDraft() {
      if (get().draftState === 'failed') saveDraft();
    },

    orderUpdated(order) {
      const { lastSaved, localOrders, editing, draft } = get();
      set({
        lastSaved: lastSaved?.localId === order.localId ? order : lastSaved,
        localOrders: upsertOrder(localOrders, order),
      });
      if (editing?.localId === order.localId) {
        set({
          editing: { ...editing, orderNo: order.orderNo, base: order.input },
          draft: rebase(draft, editing.base, order.input),
        });
      }
      get().popOrderSaved(order);
    },

    async loadLocalOrders() {
      try {
        const orders = await desk.call('order.list', {});
        set({ localOrders: orders.slice(0, LOCAL_ORDERS_KEPT), localOrdersError: null });
      } catch (error) {
        const info = toErrorInfo(error);
        log.warn(`Local orders not loaded: ${info.message}.`);
        set({ localOrdersError: info });
      }
    },

    prefillForCall(call) {
      const { draft, editing } = get();
      if (draft.callId === call.callId || isFormDirty(draft, editing)) return;
      get().newDraft(call);
    },

    takeHandoverDraft() {
      const { pop, draft, editing } = get();
      const handover = pop?.data?.handover;
      if (!pop || !handover?.draft || isFormDirty(draft, editing)) return false;
      const { editing: _left, ...handed } = handover.draft;
      const taken = fromStoredDraft({
        ...handed,
        callerNumber: handed.callerNumber || handover.callerNumber,
        callId: pop.callId,
      });
      replaceForm(taken, null);
      set({ lastSaved: null });
      saveDraft();
      log.info(
        `The draft handed over by ${handover.fromAgent.id} is in the form for ${pop.callId}.`,
      );
      return true;
    },

    prefillTopic(callId, topic) {
      const { draft } = get();
      if (draft.callId !== callId || draft.category) return;
      const category = topicCategory(topic);
      if (category) set({ draft: { ...draft, category } });
    },
  };
};
