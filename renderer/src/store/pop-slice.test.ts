import { beforeAll, describe, expect, it } from 'vitest';
import type { Pop } from '../../../shared/desk-api';
import { setLogSink } from '../lib/log';
import { fail, flush, localOrder, phoneCall, popFor, setup } from '../testing/fakes';
import { popKbStatus, sameNumber, type PopView } from './pop-slice';

beforeAll(() => setLogSink(() => undefined));

const offer = { callId: 'c1', caller: '13800138000', queue: 'general', waitMs: 9000 };
const order = {
  type: 'complaint' as const,
  category: 'noise',
  territory: 'NC',
  summary: '夜间施工噪音',
  citizenName: '',
  citizenAddress: '',
  callerNumber: '13800138000',
};

describe('pop slice', () => {
  it('paints the offer at once and fills in the lookup', async () => {
    const { state } = setup();
    state().openPop(offer);
    expect(state().pop).toMatchObject({ number: '13800138000', waitMs: 9000, status: 'loading' });

    await flush();
    expect(state().pop?.status).toBe('ready');
    expect(state().pop?.data?.number).toBe('13800138000');
  });

  it('looks a call up once whether call.offered or the INVITE comes first', async () => {
    const { state, desk } = setup();
    state().openPop({ ...offer, waitMs: 8000 });
    state().openPop({ ...offer, waitMs: 9000 });
    await flush();

    // The call id lets the core show what it prefetched for this call, and only that.
    // The queue tells the core the hub offers this call with its pop (it holds the lookup).
    expect(desk.callsOf('pop.lookup')).toEqual([
      { callerNumber: '13800138000', callId: 'c1', queue: 'general' },
    ]);
    expect(state().pop?.waitMs).toBe(9000);
  });

  it('drops a lookup answer that arrives after the next call rang', async () => {
    let release: (pop: Pop) => void = () => undefined;
    const { state } = setup({
      'pop.lookup': ({ callerNumber }) =>
        callerNumber === '13800138000'
          ? new Promise<Pop>((resolve) => (release = resolve))
          : popFor(callerNumber),
    });
    state().openPop(offer);
    state().openPop({ ...offer, callId: 'c2', caller: '13900139000' });
    await flush();
    release(popFor('13800138000'));
    await flush();

    expect(state().pop).toMatchObject({ callId: 'c2', number: '13900139000', status: 'ready' });
    expect(state().pop?.data?.number).toBe('13900139000');
  });

  it("keeps a consult call's lookup by the citizen's call over the offer's pop", async () => {
    const pending: Array<(pop: Pop) => void> = [];
    const { state } = setup({
      'pop.lookup': () => new Promise<Pop>((resolve) => pending.push(resolve)),
    });
    state().openPop({ ...offer, caller: '1001', queue: 'policy-expert' });
    state().popCallChanged(phoneCall({ callId: 'c1', remote: '1001', contextCallId: 'cz-1' }));
    // The hub's offer, with a pop it read by the caller (an agent's extension): no handover.
    state().openPop({ ...offer, caller: '1001' }, popFor('1001', { handover: null }));
    expect(state().pop).toMatchObject({ status: 'ready', data: { handover: null } });

    const handover = {
      id: 'h-1',
      callId: 'cz-1',
      callerNumber: '13800138000',
      target: '123454',
      fromAgent: { id: 'a', name: 'A', extension: '1001' },
      draft: null,
      notes: '请核实',
      at: '2026-12-03T02:00:00.000Z',
    };
    pending[1]?.(popFor('1001', { handover }));
    await flush();
    expect(state().pop?.data?.handover?.id).toBe('h-1');
  });

  it('keeps the failure code when the lookup fails', async () => {
    const { state } = setup({ 'pop.lookup': () => fail('hub-unreachable') });
    state().openPop(offer);
    await flush();
    expect(state().pop).toMatchObject({ status: 'failed', error: { code: 'hub-unreachable' } });
  });

  it('opens a pop without a lookup for a withheld number', () => {
    const { state, desk } = setup();
    state().openPop({ ...offer, caller: '' });
    expect(state().pop).toMatchObject({ status: 'ready', data: null });
    expect(desk.callsOf('pop.lookup')).toEqual([]);
  });

  it("takes the caller's last topic as the form's category when none is chosen", async () => {
    const { state } = setup({
      'pop.lookup': ({ callerNumber }) => popFor(callerNumber, { topic: 'social-insurance' }),
    });
    state().prefillForCall(offer);
    state().openPop(offer);
    await flush();
    expect(state().draft.category).toBe('social-insurance');
  });

  it('takes the topic when the pop answered before the form was set up for the call', async () => {
    const { state } = setup({
      'pop.lookup': ({ callerNumber }) => popFor(callerNumber, { topic: 'social-insurance' }),
    });
    state().openPop(offer);
    await flush();
    state().prefillForCall(offer);
    expect(state().draft).toMatchObject({ callId: 'c1', category: 'social-insurance' });
  });

  it('takes the topic again for a form started for the call and after a save', async () => {
    const { state } = setup({
      'pop.lookup': ({ callerNumber }) => popFor(callerNumber, { topic: 'social-insurance' }),
      'order.save': ({ order: input }) => localOrder(input as typeof order),
    });
    state().prefillForCall({ callId: 'c0', caller: '13900139000' });
    state().setField('summary', '上一通的内容');
    state().prefillForCall(offer);
    state().openPop(offer);
    await flush();
    expect(state().draft).toMatchObject({ callId: 'c0', category: '' });

    state().newDraft({ callId: 'c1', caller: offer.caller });
    expect(state().draft).toMatchObject({ callId: 'c1', category: 'social-insurance' });

    state().setField('category', 'noise');
    state().setField('territory', 'NC');
    state().setField('summary', '咨询社保');
    expect(await state().saveOrder()).toBe(true);
    expect(state().draft).toMatchObject({ callId: 'c1', category: 'social-insurance' });
  });

  it('leaves the category unchosen without a topic, or for another call', async () => {
    const { state } = setup({
      'pop.lookup': ({ callerNumber }) => popFor(callerNumber, { topic: 'no-such-code' }),
    });
    state().openPop(offer);
    await flush();
    state().newDraft({ callId: 'c1', caller: offer.caller });
    expect(state().draft.category).toBe('');
    state().newDraft(null);
    expect(state().draft.category).toBe('');
  });

  it('adds orders saved for the same number, however it is written', async () => {
    const { state } = setup();
    state().openPop(offer);
    await flush();
    state().popOrderSaved(localOrder({ ...order, callerNumber: '+86 138-0013-8000' }));
    state().popOrderSaved(
      localOrder({ ...order, callerNumber: '13900139000' }, { localId: 'L-2' }),
    );
    state().popOrderSaved(localOrder(order, { status: 'synced', orderNo: 'DG1' }));

    expect(state().pop?.data?.localOrders).toEqual([
      expect.objectContaining({ localId: 'L-1', status: 'synced', orderNo: 'DG1' }),
    ]);
  });

  it('compares numbers by their normal form', () => {
    expect(sameNumber('0086 13800138000', '13800138000')).toBe(true);
    expect(sameNumber('22123456', '076922123456')).toBe(true);
    expect(sameNumber('', '')).toBe(false);
    expect(sameNumber('13800138000', '13800138001')).toBe(false);
  });

  it('says the hub is offline only when it could not be asked about the caller', () => {
    const view = (number: string, data: Partial<Pop>): PopView => ({
      callId: 'c1',
      number,
      queue: '',
      waitMs: 0,
      contextCallId: null,
      status: 'ready',
      data: popFor(number, data),
      error: null,
    });
    const kb: Pop['kb'] = { query: '噪音', hits: [], confident: true };
    const offline = { history: null, historyError: 'The hub cannot be reached' };

    expect(popKbStatus(null)).toBeNull();
    expect(popKbStatus(view('13800138000', { topic: 'noise', kb }))).toBe('answers');
    expect(popKbStatus(view('13800138000', {}))).toBe('no-topic');
    expect(popKbStatus(view('13800138000', { topic: 'noise' }))).toBe('topic-unanswered');
    expect(popKbStatus(view('13800138000', offline))).toBe('hub-offline');
    expect(popKbStatus(view('13800138000', { ...offline, topic: 'noise' }))).toBe('hub-offline');
    expect(popKbStatus(view('anonymous', { ...offline, historyError: 'withheld' }))).toBe(
      'no-topic',
    );
  });
});
