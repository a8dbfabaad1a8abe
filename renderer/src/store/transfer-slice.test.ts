import { beforeAll, describe, expect, it } from 'vitest';
import type { Handover } from '../../../shared/hub-api';
import { setLogSink } from '../lib/log';
import { PSYCH_CARE_HOTLINE } from '../lib/transfer-targets';
import type { PhoneCall } from '../phone/phone-types';
import { fail, flush, phoneCall, popFor, setup } from '../testing/fakes';
import { callOnCard } from './phone-slice';
import { consultPair } from './transfer-lines';

beforeAll(() => setLogSink(() => undefined));

const CITIZEN = '13800138000';

/** A desk with the citizen's call answered, its pop open and the order typed into. */
async function onCall(handlers: Parameters<typeof setup>[0] = {}) {
  const ctx = setup({ 'call.handover': () => ({ id: 'h-1' }), ...handlers });
  const citizen = phoneCall({ phase: 'active', answeredAt: 1_002_000 });
  ctx.phone.emit({
    type: 'incoming',
    call: { callId: 'c1', caller: CITIZEN, queue: '', waitMs: 0 },
  });
  ctx.phone.emit({ type: 'call', call: citizen });
  await flush();
  ctx.state().setField('category', 'noise');
  ctx.state().setField('summary', '工地夜间施工噪音扰民');
  ctx.phone.commands.length = 0;
  return { ...ctx, citizen };
}

/** The engine reports a line. */
function line(ctx: Awaited<ReturnType<typeof onCall>>, call: PhoneCall) {
  ctx.phone.emit({ type: 'call', call });
}

const consultCall = (extra: Partial<PhoneCall> = {}) =>
  phoneCall({
    callId: 'out-1',
    direction: 'outbound',
    remote: '123453',
    queue: '',
    phase: 'active',
    answeredAt: 1_010_000,
    contextCallId: 'c1',
    ...extra,
  });

describe('blind transfer', () => {
  it('sends the handover with the draft and notes, then REFERs the call', async () => {
    const ctx = await onCall();
    expect(ctx.state().openTransfer()).toBe(true);
    expect(ctx.state().overlay).toBe('transfer');
    ctx.state().setTransferForm({ choice: 'psychological', notes: '来电人情绪低落' });

    expect(await ctx.state().blindTransfer()).toBe(true);

    expect(ctx.desk.callsOf('call.handover')).toEqual([
      {
        callId: 'c1',
        callerNumber: CITIZEN,
        target: '123453',
        draft: {
          type: 'consultation',
          category: 'noise',
          summary: '工地夜间施工噪音扰民',
          callerNumber: CITIZEN,
          callId: 'c1',
        },
        notes: '来电人情绪低落',
      },
    ]);
    expect(ctx.phone.commands).toEqual(['transfer c1 123453']);
    expect(ctx.state().handoverSend).toMatchObject({ state: 'sent', target: '123453' });
    expect(ctx.state().overlay).toBeNull();
  });

  it('transfers even when the handover could not be sent, and says so', async () => {
    const ctx = await onCall({ 'call.handover': () => fail('hub-unreachable') });
    ctx.state().openTransfer('c1');
    ctx.state().setTransferForm({ choice: 'care-hotline' });

    expect(await ctx.state().blindTransfer()).toBe(true);
    expect(ctx.phone.commands).toEqual([`transfer c1 ${PSYCH_CARE_HOTLINE}`]);
    expect(ctx.state().handoverSend).toMatchObject({
      state: 'failed',
      error: { code: 'hub-unreachable' },
    });
  });

  it('refuses a typed target that is not an extension, sending nothing', async () => {
    const ctx = await onCall();
    ctx.state().openTransfer();
    ctx.state().setTransferForm({ choice: 'extension', typed: '12' });
    expect(await ctx.state().blindTransfer()).toBe(false);
    expect(ctx.state().transferTargetInvalid).toBe(true);
    expect(ctx.desk.callsOf('call.handover')).toEqual([]);
    expect(ctx.phone.commands).toEqual([]);

    ctx.state().setTransferForm({ typed: '1 002' });
    expect(ctx.state().transferTargetInvalid).toBe(false);
    expect(await ctx.state().blindTransfer()).toBe(true);
    expect(ctx.phone.commands).toEqual(['transfer c1 1002']);
  });

  it('keeps the dialog open with the engine’s refusal', async () => {
    const ctx = await onCall();
    ctx.state().openTransfer();
    ctx.phone.failWith = new Error('the call is not answered');
    expect(await ctx.state().blindTransfer()).toBe(false);
    expect(ctx.state().transferError).toEqual({
      action: 'transfer',
      detail: 'the call is not answered',
    });
    expect(ctx.state().overlay).toBe('transfer');
    expect(ctx.state().transferBusy).toBe(false);
  });

  it('closes the dialog when the call it is about ends, not for another line', async () => {
    const ctx = await onCall();
    ctx.state().openTransfer();
    line(
      ctx,
      consultCall({ callId: 'other', contextCallId: null, phase: 'ended', outcome: 'ended' }),
    );
    expect(ctx.state().overlay).toBe('transfer');

    line(ctx, { ...ctx.citizen, phase: 'ended', outcome: 'ended', endedAt: 1_050_000 });
    expect(ctx.state().overlay).toBeNull();
  });

  it('leaves another panel open when the transfer call ends after the dialog closed', async () => {
    const ctx = await onCall();
    ctx.state().openTransfer();
    ctx.state().toggleOverlay('devices');
    line(ctx, { ...ctx.citizen, phase: 'ended', outcome: 'ended', endedAt: 1_050_000 });
    expect(ctx.state().overlay).toBe('devices');
  });

  it('opens only for an answered call', async () => {
    const ctx = setup();
    expect(ctx.state().openTransfer()).toBe(false);
    ctx.phone.emit({ type: 'call', call: phoneCall() });
    expect(ctx.state().openTransfer()).toBe(false);
    expect(ctx.state().overlay).toBeNull();
  });
});

describe('consult, then complete, three-way or back', () => {
  it('holds the citizen and dials the specialist for the citizen’s call', async () => {
    const ctx = await onCall();
    ctx.state().openTransfer();
    ctx.state().setTransferForm({ choice: 'policy-expert', notes: '需政策专家解答' });

    expect(await ctx.state().startConsult()).toBe('out-1');

    expect(ctx.desk.callsOf('call.handover')).toMatchObject([
      { callId: 'c1', target: '123454', notes: '需政策专家解答' },
    ]);
    expect(ctx.phone.commands).toEqual(['hold c1', 'dial 123454 context=c1']);
    expect(ctx.state().focusedCallId).toBe('out-1');
    expect(ctx.state().overlay).toBeNull();
  });

  it('F1: a hold that fails ends in an error in view, with no handover sent', async () => {
    const ctx = await onCall();
    ctx.state().openTransfer();
    ctx.state().setTransferForm({ choice: 'care-hotline' });
    let refuse = (_error: Error) => undefined as void;
    ctx.phone.gate = new Promise<void>((_resolve, reject) => (refuse = reject));
    const consulting = ctx.state().startConsult();
    await flush();
    expect(ctx.state().transferBusy).toBe(true);
    // The far end never answers the hold: the engine ends the call (408), then refuses.
    line(ctx, { ...ctx.citizen, phase: 'ended', outcome: 'ended', endedAt: 1_040_000 });
    expect(ctx.state().overlay).toBe('transfer');
    refuse(new Error('Cannot hold call c1: the far end answered 408'));
    expect(await consulting).toBeNull();
    expect(ctx.state().transferError).toMatchObject({ action: 'consult' });
    expect(ctx.state().overlay).toBe('transfer');
    expect(ctx.desk.callsOf('call.handover')).toEqual([]);
  });

  it('offers video on a consult to the sign-language line, unless unticked', async () => {
    const ctx = await onCall();
    ctx.state().openTransfer();
    expect(ctx.state().transferForm.choice).toBe('sign-language');
    ctx.state().setTransferForm({ notes: '听障来电人' });
    await ctx.state().startConsult();
    expect(ctx.phone.commands).toEqual(['hold c1', 'dial 123452 context=c1 video']);

    line(ctx, { ...ctx.citizen, held: true });
    ctx.phone.commands.length = 0;
    line(ctx, consultCall({ remote: '123452', phase: 'ended', outcome: 'failed' }));
    // The consult ended: the dialog opens again, the form kept for the same call.
    expect(ctx.state().openTransfer('c1')).toBe(true);
    expect(ctx.state().transferForm.notes).toBe('听障来电人');
    ctx.state().setTransferForm({ video: false });
    await ctx.state().startConsult();
    expect(ctx.phone.commands).toEqual(['dial 123452 context=c1']);
  });

  it('completes the attended transfer with both lines', async () => {
    const ctx = await onCall();
    ctx.state().openTransfer();
    ctx.state().setTransferForm({ choice: 'enterprise' });
    await ctx.state().startConsult();
    line(ctx, { ...ctx.citizen, held: true });
    line(ctx, consultCall({ remote: '123451', phase: 'dialing', answeredAt: null }));
    ctx.phone.commands.length = 0;

    // Not before the specialist answers.
    expect(await ctx.state().completeConsult()).toBe(false);
    line(ctx, consultCall({ remote: '123451' }));
    expect(consultPair(ctx.state().calls, callOnCard(ctx.state()))).toMatchObject({
      citizen: { callId: 'c1' },
      consult: { callId: 'out-1' },
      conferenced: false,
    });
    expect(await ctx.state().completeConsult()).toBe(true);
    expect(ctx.phone.commands).toEqual(['complete c1 out-1']);
  });

  it('joins a three-way call, drops the specialist, and goes back to two-way', async () => {
    const ctx = await onCall();
    line(ctx, { ...ctx.citizen, held: true });
    line(ctx, consultCall());

    expect(await ctx.state().conferenceConsult()).toBe(true);
    expect(ctx.phone.commands).toEqual(['resume c1', 'conference c1 out-1']);

    line(ctx, { ...ctx.citizen, conferencedWith: 'out-1' });
    line(ctx, consultCall({ conferencedWith: 'c1' }));
    expect(consultPair(ctx.state().calls, callOnCard(ctx.state()))?.conferenced).toBe(true);
    // Already three-way: nothing more to join.
    expect(await ctx.state().conferenceConsult()).toBe(false);
    ctx.phone.commands.length = 0;

    expect(await ctx.state().dropSpecialist()).toBe(true);
    expect(ctx.phone.commands).toEqual(['hangup out-1']);
    expect(ctx.state().focusedCallId).toBe('c1');
  });

  it('splits a three-way call', async () => {
    const ctx = await onCall();
    line(ctx, { ...ctx.citizen, conferencedWith: 'out-1' });
    line(ctx, consultCall({ conferencedWith: 'c1' }));
    ctx.phone.commands.length = 0;
    expect(await ctx.state().splitConference()).toBe(true);
    expect(ctx.phone.commands).toEqual(['split c1']);
  });

  it('goes back to the caller: the consult is hung up and the citizen resumed', async () => {
    const ctx = await onCall();
    line(ctx, { ...ctx.citizen, held: true });
    line(ctx, consultCall());
    ctx.phone.commands.length = 0;

    expect(await ctx.state().backToCaller()).toBe(true);
    expect(ctx.phone.commands).toEqual(['hangup out-1', 'resume c1']);
    expect(ctx.state().focusedCallId).toBe('c1');
  });

  it('finds the pair again from a reloaded desk’s snapshot', async () => {
    const ctx = setup();
    ctx.phone.snap = {
      ...ctx.phone.snap,
      started: true,
      calls: [phoneCall({ phase: 'active', held: true }), consultCall()],
    };
    ctx.state().restorePhone(await ctx.phone.snapshot());
    const pair = consultPair(ctx.state().calls, callOnCard(ctx.state()));
    expect(pair).toMatchObject({ citizen: { callId: 'c1' }, consult: { callId: 'out-1' } });
    // The transfer dialog does not open over a consult in progress.
    expect(ctx.state().openTransfer('c1')).toBe(false);
  });
});

describe('the handover at the specialist', () => {
  const handover: Handover = {
    id: 'h-1',
    callId: 'c0',
    callerNumber: CITIZEN,
    target: '123453',
    fromAgent: { id: 'ag-001', name: '陈晓敏', extension: '1001' },
    draft: { type: 'complaint', category: 'noise', summary: '工地夜间施工噪音扰民' },
    notes: '来电人情绪低落',
    at: '2026-12-04T02:00:00.000Z',
  };

  it('asks the pop again with the consult call’s context once the line names it', async () => {
    const ctx = setup({
      'pop.lookup': ({ callerNumber, contextCallId }) =>
        popFor(callerNumber, { handover: contextCallId === 'c0' ? handover : null }),
    });
    ctx.phone.emit({
      type: 'incoming',
      call: { callId: 'in-7', caller: '1001', queue: '', waitMs: 0 },
    });
    await flush();
    expect(ctx.state().pop?.data?.handover).toBeNull();

    ctx.phone.emit({
      type: 'call',
      call: phoneCall({ callId: 'in-7', remote: '1001', contextCallId: 'c0' }),
    });
    await flush();
    expect(ctx.desk.callsOf('pop.lookup')).toEqual([
      { callerNumber: '1001', callId: 'in-7' },
      { callerNumber: '1001', callId: 'in-7', contextCallId: 'c0' },
    ]);
    expect(ctx.state().pop?.data?.handover).toEqual(handover);
  });

  it('puts the handed-over draft in an untouched form, bound to this call', async () => {
    const ctx = setup({ 'pop.lookup': ({ callerNumber }) => popFor(callerNumber, { handover }) });
    ctx.phone.emit({
      type: 'incoming',
      call: { callId: 'in-8', caller: CITIZEN, queue: 'psychological', waitMs: 0 },
    });
    await flush();

    expect(ctx.state().takeHandoverDraft()).toBe(true);
    expect(ctx.state().draft).toMatchObject({
      type: 'complaint',
      category: 'noise',
      summary: '工地夜间施工噪音扰民',
      callerNumber: CITIZEN,
      callId: 'in-8',
    });
    await flush();
    expect(ctx.desk.callsOf('draft.save').at(-1)).toMatchObject({ slot: 'in-8' });

    // Now the form holds text: a second take would throw it away, so it is refused.
    ctx.state().setField('summary', '专家补充：已转介');
    expect(ctx.state().takeHandoverDraft()).toBe(false);
    expect(ctx.state().draft.summary).toBe('专家补充：已转介');
  });
});
