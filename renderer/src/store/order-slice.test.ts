import { beforeAll, describe, expect, it } from 'vitest';
import { SUMMARY_MAX_CHARS, type OrderInput } from '../../../shared/order';
import { setLogSink } from '../lib/log';
import { fail, localOrder, setup } from '../testing/fakes';
import { emptyDraft, isDraftDirty, validateDraft } from './order-draft';

beforeAll(() => setLogSink(() => undefined));

const call = { callId: 'c1', caller: '13800138000' };

function fill(state: ReturnType<typeof setup>['state']) {
  state().setField('type', 'complaint');
  state().setField('category', 'noise');
  state().setField('territory', 'NC');
  state().setField('summary', '  夜间施工噪音扰民  ');
  state().setField('citizenName', '陈先生');
}

describe('order slice', () => {
  it('names each missing or wrong field', () => {
    const result = validateDraft({ ...emptyDraft(), type: '', summary: ' ' });
    expect(result).toEqual({
      ok: false,
      errors: { type: 'choose', category: 'choose', territory: 'choose', summary: 'required' },
    });
    const long = validateDraft({
      ...emptyDraft(),
      category: 'noise',
      territory: 'NC',
      summary: 'x'.repeat(SUMMARY_MAX_CHARS + 1),
    });
    expect(long).toEqual({ ok: false, errors: { summary: 'too-long' } });
  });

  it('does not save an incomplete form, and says why per field', async () => {
    const { state, desk } = setup();
    expect(await state().saveOrder()).toBe(false);
    expect(state().fieldErrors).toMatchObject({ category: 'choose', summary: 'required' });
    expect(desk.callsOf('order.save')).toEqual([]);

    state().setField('category', 'noise');
    expect(state().fieldErrors.category).toBeUndefined();
  });

  it('saves the checked order with the call id, shows it pending, keeps the caller', async () => {
    const saved: OrderInput[] = [];
    const { state } = setup({
      'order.save': ({ order }) => {
        saved.push(order as OrderInput);
        return localOrder(order as OrderInput);
      },
    });
    state().prefillForCall(call);
    fill(state);
    expect(await state().saveOrder()).toBe(true);

    expect(saved).toEqual([
      {
        type: 'complaint',
        category: 'noise',
        territory: 'NC',
        summary: '夜间施工噪音扰民',
        citizenName: '陈先生',
        citizenAddress: '',
        callerNumber: '13800138000',
        callId: 'c1',
      },
    ]);
    expect(state().lastSaved?.status).toBe('pending');
    expect(state().localOrders).toHaveLength(1);
    expect(state().draft).toMatchObject({ summary: '', callerNumber: '13800138000', callId: 'c1' });
  });

  it('shows the hub order number once order.updated says synced', async () => {
    const { state } = setup({ 'order.save': ({ order }) => localOrder(order as OrderInput) });
    fill(state);
    await state().saveOrder();
    const pending = state().lastSaved;
    if (!pending) throw new Error('not saved');

    state().orderUpdated({ ...pending, status: 'synced', orderNo: 'DG20261204000601' });
    expect(state().lastSaved).toMatchObject({ status: 'synced', orderNo: 'DG20261204000601' });
    expect(state().localOrders[0]?.orderNo).toBe('DG20261204000601');
  });

  it('marks the field the seat core refused, and keeps what was typed', async () => {
    const { state } = setup({ 'order.save': () => fail('bad-request', 'order.territory') });
    fill(state);
    await state().saveOrder();

    expect(state().saveError?.code).toBe('bad-request');
    expect(state().fieldErrors.territory).toBe('invalid');
    expect(state().draft.summary).toContain('夜间施工');
    expect(state().saving).toBe(false);
  });

  it('never throws away a typed order when the next call rings', () => {
    const { state } = setup();
    state().prefillForCall(call);
    state().setField('summary', '还没保存');
    state().prefillForCall({ callId: 'c2', caller: '13900139000' });

    expect(state().draft).toMatchObject({ summary: '还没保存', callId: 'c1' });
    expect(isDraftDirty(state().draft)).toBe(true);

    state().newDraft({ callId: 'c2', caller: '13900139000' });
    expect(state().draft).toMatchObject({ summary: '', callId: 'c2', callerNumber: '13900139000' });
  });

  it('adds a KB answer to the summary on its own line', () => {
    const { state } = setup();
    state().appendToSummary('答案一');
    state().appendToSummary('答案二');
    expect(state().draft.summary).toBe('答案一\n答案二');
  });

  it('keeps the seat core’s order of the list, never the seat clock’s', async () => {
    const { state } = setup({
      'order.list': () => [
        localOrder(
          { ...emptyOrder(), summary: 'later clock, listed second' },
          { localId: 'a', createdAt: '2026-12-09T00:00:00Z' },
        ),
        localOrder(
          { ...emptyOrder(), summary: 'clock set back, listed first' },
          { localId: 'b', createdAt: '2020-01-01T00:00:00Z' },
        ),
      ],
    });
    await state().loadLocalOrders();
    expect(state().localOrders.map((o) => o.localId)).toEqual(['a', 'b']);

    // An update keeps the order where it stands; a new one goes first.
    state().orderUpdated(localOrder(emptyOrder(), { localId: 'b', status: 'synced' }));
    state().orderUpdated(
      localOrder(emptyOrder(), { localId: 'c', createdAt: '1999-01-01T00:00:00Z' }),
    );
    expect(state().localOrders.map((o) => [o.localId, o.status])).toEqual([
      ['c', 'pending'],
      ['a', 'pending'],
      ['b', 'synced'],
    ]);
  });

  it('says why the list is missing when order.list fails', async () => {
    const { state } = setup({ 'order.list': () => fail('store-locked') });
    await state().loadLocalOrders();
    expect(state().localOrdersError?.code).toBe('store-locked');
  });
});

function emptyOrder(): OrderInput {
  return {
    type: 'consultation',
    category: 'other',
    territory: 'GC',
    summary: 's',
    citizenName: '',
    citizenAddress: '',
    callerNumber: '',
  };
}
