import { beforeAll, describe, expect, it } from 'vitest';
import type { DeskParams, LocalOrder } from '../../../shared/desk-api';
import type { OrderInput } from '../../../shared/order';
import { setLogSink } from '../lib/log';
import { SESSION, fail, flush, localOrder, phoneCall, popFor, setup } from '../testing/fakes';
import {
  changedFields,
  fromStoredDraft,
  isFormDirty,
  toStoredDraft,
  type DraftField,
} from './order-draft';
import { DRAFT_SLOT_KEY } from './order-slice';

beforeAll(() => setLogSink(() => undefined));

const INPUT: OrderInput = {
  type: 'complaint',
  category: 'noise',
  territory: 'NC',
  summary: '夜间施工噪音扰民',
  citizenName: '陈先生',
  citizenAddress: '鸿福路 88 号',
  callerNumber: '13800138000',
};

/** A handler that holds its answers until the test lets them go. */
function held<T>(value: T) {
  const waiting: Array<() => void> = [];
  return {
    handler: () => new Promise<T>((resolve) => waiting.push(() => resolve(value))),
    releaseAll: () => waiting.splice(0).forEach((go) => go()),
    get count() {
      return waiting.length;
    },
  };
}

describe('draft of the order form', () => {
  it('saves on every change, one request in flight, and the last change always goes out', async () => {
    const gate = held({});
    const { state, desk } = setup({ 'draft.save': gate.handler });
    state().setField('summary', '夜');
    state().setField('summary', '夜间');
    state().setField('summary', '夜间施工');
    state().setField('citizenName', '陈');
    expect(desk.callsOf('draft.save')).toHaveLength(1);
    expect(state().draftState).toBe('saving');

    gate.releaseAll();
    await flush();
    const saves = desk.callsOf('draft.save') as DeskParams<'draft.save'>[];
    expect(saves).toHaveLength(2);
    expect(saves[0]).toMatchObject({ slot: 'new', draft: { summary: '夜' } });
    expect(saves[1]).toMatchObject({
      slot: 'new',
      draft: { summary: '夜间施工', citizenName: '陈' },
    });

    gate.releaseAll();
    await flush();
    expect(desk.callsOf('draft.save')).toHaveLength(2);
    expect(state().draftState).toBe('saved');
  });

  it('writes to the slot of the call the form is bound to', async () => {
    const { state, desk, storage } = setup();
    state().prefillForCall({ callId: 'call-42', caller: '13800138000' });
    state().setField('summary', '来电诉求');
    await flush();
    expect(desk.callsOf('draft.save')).toEqual([
      {
        slot: 'call-42',
        draft: expect.objectContaining({ callId: 'call-42', summary: '来电诉求' }),
      },
    ]);
    expect(storage.getItem(DRAFT_SLOT_KEY)).toBe('call-42');
  });

  it('says so when a draft cannot be written, and writes it again when asked', async () => {
    let down = true;
    const { state, desk } = setup({ 'draft.save': () => (down ? fail('internal') : {}) });
    state().setField('summary', '断线时输入');
    await flush();
    expect(state()).toMatchObject({ draftState: 'failed', draftError: { code: 'internal' } });

    down = false;
    state().resaveDraft();
    await flush();
    expect(state().draftState).toBe('saved');
    expect(desk.callsOf('draft.save')).toHaveLength(2);
  });

  it('clears the slot with the save, and no older draft write lands after it', async () => {
    const gate = held({});
    const { state, desk } = setup({
      'draft.save': gate.handler,
      'order.save': ({ order }) => localOrder(order as OrderInput),
    });
    state().setField('type', 'complaint');
    state().setField('category', 'noise');
    state().setField('territory', 'NC');
    state().setField('summary', '夜间施工');
    const saving = state().saveOrder();
    await flush();
    expect(desk.callsOf('order.save')).toHaveLength(0);

    gate.releaseAll();
    expect(await saving).toBe(true);
    const methods = desk.calls
      .map((c) => c.method)
      .filter((m) => m.startsWith('draft') || m === 'order.save');
    expect(methods).toEqual(['draft.save', 'order.save']);
    expect(desk.callsOf('order.save')[0]).toMatchObject({ draftSlot: 'new' });
  });

  it('drops a draft typed while the save was on its way, as the form resets', async () => {
    const gate = held(localOrder(INPUT));
    const { state, desk } = setup({ 'order.save': gate.handler });
    for (const [field, value] of Object.entries(INPUT)) {
      state().setField(field as DraftField, value);
    }
    const saving = state().saveOrder();
    await flush();
    state().setField('citizenAddress', '保存途中输入');
    await flush();
    gate.releaseAll();
    expect(await saving).toBe(true);
    await flush();

    const last = desk.calls.filter((c) => c.method.startsWith('draft.')).at(-1);
    expect(last).toEqual({ method: 'draft.discard', params: { slot: 'new' } });
    expect(state().draft.citizenAddress).toBe('');
  });

  it('brings back what was typed after a reload of the page', async () => {
    const { state, desk, storage } = setup({
      'session.get': () => SESSION,
      'draft.get': ({ slot }) =>
        slot === 'call-7'
          ? {
              draft: { summary: '重载前输入的内容', citizenName: '王女士', callId: 'call-7' },
              savedAt: '2026-12-04T02:00:00.000Z',
            }
          : null,
    });
    storage.setItem(DRAFT_SLOT_KEY, 'call-7');
    await state().boot();
    await flush();

    expect(desk.callsOf('draft.get')).toEqual([{ slot: 'call-7' }]);
    expect(state().draft).toMatchObject({
      summary: '重载前输入的内容',
      citizenName: '王女士',
      callId: 'call-7',
      type: '',
    });
    expect(state().draftRestored).toBe(true);
  });

  it('sets the form up again for a live inbound call after a reload, with its pop', async () => {
    const { state, phone, desk, storage } = setup({
      'session.get': () => SESSION,
      'pop.lookup': ({ callerNumber }) => popFor(callerNumber, { topic: 'noise' }),
      'draft.get': () => null,
    });
    storage.setItem(DRAFT_SLOT_KEY, 'new');
    phone.snap = {
      ...phone.snap,
      started: true,
      calls: [phoneCall({ callId: 'c9', phase: 'active', answeredAt: 1_002_000 })],
    };
    await state().boot();
    await flush();

    expect(desk.callsOf('draft.get')).toEqual([{ slot: 'c9' }, { slot: 'new' }]);
    expect(state().draft).toMatchObject({
      callId: 'c9',
      callerNumber: '13800138000',
      category: 'noise',
    });
    expect(state().draftRestored).toBe(false);
  });

  it('restores the live call’s own draft under the call’s slot after a reload', async () => {
    const { state, phone, desk, storage } = setup({
      'session.get': () => SESSION,
      'pop.lookup': ({ callerNumber }) => popFor(callerNumber),
      'draft.get': ({ slot }) =>
        slot === 'c9'
          ? { draft: { summary: '通话中输入的内容' }, savedAt: '2026-12-04T02:00:00.000Z' }
          : { draft: { summary: '别的草稿' }, savedAt: '2026-12-04T01:00:00.000Z' },
      'draft.save': () => ({}),
    });
    storage.setItem(DRAFT_SLOT_KEY, 'new');
    phone.snap = { ...phone.snap, started: true, calls: [phoneCall({ callId: 'c9' })] };
    await state().boot();
    await flush();

    expect(desk.callsOf('draft.get')).toEqual([{ slot: 'c9' }]);
    expect(state().draft).toMatchObject({ summary: '通话中输入的内容', callId: 'c9' });
    state().setField('citizenName', '刘女士');
    await flush();
    expect(desk.callsOf('draft.save')).toEqual([
      expect.objectContaining({ slot: 'c9', draft: expect.objectContaining({ callId: 'c9' }) }),
    ]);
    expect(storage.getItem(DRAFT_SLOT_KEY)).toBe('c9');
  });

  it('restores an edit in progress in edit mode', async () => {
    const saved = localOrder(INPUT, { localId: 'L-9', orderNo: 'DG20261204000601' });
    const { state } = setup({
      'session.get': () => SESSION,
      'draft.get': () => ({
        draft: { ...INPUT, summary: '改过的摘要', editing: 'L-9' },
        savedAt: '2026-12-04T02:00:00.000Z',
      }),
      'order.get': ({ localId }) => (localId === 'L-9' ? saved : null),
    });
    await state().boot();
    await flush();
    expect(state().editing).toMatchObject({ localId: 'L-9', orderNo: 'DG20261204000601' });
    expect(state().draft.summary).toBe('改过的摘要');
  });

  it('does not overwrite a form the agent typed into before the draft came back', async () => {
    const gate = held({ draft: { summary: '旧草稿' }, savedAt: '2026-12-04T02:00:00.000Z' });
    const { state } = setup({ 'session.get': () => SESSION, 'draft.get': gate.handler });
    await state().boot();
    state().setField('summary', '新输入');
    gate.releaseAll();
    await flush();
    expect(state().draft.summary).toBe('新输入');
    expect(state().draftRestored).toBe(false);
  });

  it('round-trips the form through the stored draft, unknown codes unchosen', () => {
    const form = { ...fromStoredDraft({}), summary: 's', callId: 'c1' };
    expect(fromStoredDraft(toStoredDraft(form, null))).toEqual(form);
    expect(fromStoredDraft({ type: 'gossip', category: 'nowhere' })).toMatchObject({
      type: '',
      category: '',
    });
  });
});

describe('editing a saved order', () => {
  const saved = localOrder(INPUT, {
    localId: 'L-5',
    orderNo: 'DG20261204000601',
    status: 'synced',
  });

  it('loads the order and sends only the changed fields', async () => {
    const updates: DeskParams<'order.update'>[] = [];
    const { state } = setup({
      'order.update': (params) => {
        updates.push(params);
        return { ...saved, pendingEdits: 1, status: 'pending' } satisfies LocalOrder;
      },
    });
    expect(state().editOrder(saved)).toBe(true);
    expect(state().draft).toMatchObject({ summary: INPUT.summary, territory: 'NC' });

    state().setField('summary', '  夜间施工噪音扰民，已持续一周  ');
    state().setField('territory', 'DC');
    expect(await state().saveOrder()).toBe(true);

    expect(updates).toEqual([
      {
        localId: 'L-5',
        changes: { summary: '夜间施工噪音扰民，已持续一周', territory: 'DC' },
        draftSlot: 'new',
      },
    ]);
    expect(state().editing).toBeNull();
    expect(state().lastSaved?.pendingEdits).toBe(1);
  });

  it('sends nothing when nothing changed, and says so', async () => {
    const { state, desk } = setup({ 'order.update': () => saved });
    state().editOrder(saved);
    expect(await state().saveOrder()).toBe(false);
    expect(state().noChanges).toBe(true);
    expect(desk.callsOf('order.update')).toEqual([]);
  });

  it('never swaps out a form holding unsaved text', () => {
    const { state } = setup();
    state().setField('summary', '还没保存');
    expect(state().editOrder(saved)).toBe(false);
    expect(state()).toMatchObject({ editing: null, draft: { summary: '还没保存' } });
  });

  it('takes the hub’s new values for the fields the agent has not touched', () => {
    const { state } = setup();
    state().editOrder(saved);
    state().setField('summary', '坐席改的摘要');
    state().orderUpdated({
      ...saved,
      input: { ...INPUT, summary: '中心改的摘要', citizenAddress: '中心改的地址' },
    });
    expect(state().draft).toMatchObject({
      summary: '坐席改的摘要',
      citizenAddress: '中心改的地址',
    });
    const editing = state().editing;
    if (!editing) throw new Error('left edit mode');
    expect(isFormDirty(state().draft, editing)).toBe(true);
    const checked = { ...INPUT, summary: '坐席改的摘要', citizenAddress: '中心改的地址' };
    expect(changedFields(checked, editing.base)).toEqual({ summary: '坐席改的摘要' });
  });

  it('maps a refused field of an edit to the form field', async () => {
    const { state } = setup({ 'order.update': () => fail('bad-request', 'changes.territory') });
    state().editOrder(saved);
    state().setField('territory', 'DC');
    await state().saveOrder();
    expect(state().fieldErrors.territory).toBe('invalid');
    expect(state().editing?.localId).toBe('L-5');
  });

  it('copies a refused order into the form as a new order', async () => {
    const refused = localOrder(INPUT, { localId: 'L-R', status: 'rejected', rejectReason: 'no' });
    const { state } = setup({ 'order.get': ({ localId }) => (localId === 'L-R' ? refused : null) });
    expect(await state().copyToForm('L-R')).toBe(true);
    expect(state().editing).toBeNull();
    expect(state().draft).toMatchObject({ summary: INPUT.summary, citizenName: '陈先生' });

    state().newDraft(null);
    expect(await state().copyToForm('L-missing')).toBe(false);
    expect(state().saveError?.code).toBe('not-found');
    expect(state().draft.summary).toBe('');
  });
});
