import { beforeAll, describe, expect, it } from 'vitest';
import type { Handover } from '../../../shared/hub-api';
import { setLogSink } from '../lib/log';
import type { PhoneCall } from '../phone/phone-types';
import { DEFAULT_PREFS, SESSION, fail, flush, phoneCall, popFor, setup } from '../testing/fakes';
import { attr, byTestId, render, textOf } from '../testing/render';
import { DevicesPanel } from './DevicesPanel';
import { PhonePanel } from './PhonePanel';
import { PopPanel } from './PopPanel';
import { TransferDialog } from './TransferDialog';

beforeAll(() => setLogSink(() => undefined));

const one = (html: string, id: string) => {
  const found = byTestId(html, id);
  expect(found, id).toHaveLength(1);
  return found[0] as { tag: string; inner: string };
};

const citizen = phoneCall({ phase: 'active', answeredAt: 1_002_000 });
const consult = (extra: Partial<PhoneCall> = {}) =>
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

function withCalls(calls: PhoneCall[], handlers: Parameters<typeof setup>[0] = {}) {
  const ctx = setup({ 'call.handover': () => ({ id: 'h-1' }), ...handlers });
  for (const call of calls) ctx.phone.emit({ type: 'call', call });
  return ctx;
}

describe('transfer dialog', () => {
  it('offers the specialist lines, the care hotline, an extension or a number', () => {
    const ctx = withCalls([citizen]);
    ctx.state().openTransfer();
    let html = render(ctx.store, <TransferDialog />);

    const choices = byTestId(html, 'transfer-choice');
    expect(choices.map((c) => attr(c.tag, 'data-choice'))).toEqual([
      'sign-language',
      'psychological',
      'policy-expert',
      'enterprise',
      'care-hotline',
      'extension',
      'number',
    ]);
    expect(textOf(one(html, 'transfer-dialog').inner)).toContain('手语坐席123452');
    expect(textOf(one(html, 'transfer-dialog').inner)).toContain('外部心理援助热线12356');
    expect(attr(one(html, 'transfer-dialog').tag, 'aria-label')).toBe('转接');
    // The sign-language line is chosen first, so video is offered.
    expect(attr(one(html, 'transfer-video').tag, 'checked')).not.toBeNull();
    expect(byTestId(html, 'transfer-typed')).toHaveLength(0);
    expect(textOf(one(html, 'transfer-blind').inner)).toBe('直接转接');
    expect(textOf(one(html, 'transfer-consult').inner)).toBe('先咨询再转');

    ctx.state().setTransferForm({ choice: 'extension', typed: '10' });
    void ctx.state().blindTransfer();
    ctx.state().setLang('en');
    html = render(ctx.store, <TransferDialog />);
    expect(byTestId(html, 'transfer-video')).toHaveLength(0);
    expect(attr(one(html, 'transfer-typed').tag, 'placeholder')).toBe('Extension, 3 to 6 digits');
    expect(textOf(one(html, 'transfer-target-invalid').inner)).toContain('valid extension');
    expect(textOf(one(html, 'transfer-blind').inner)).toBe('Blind transfer');
  });

  it('says when the handover could not be sent, in both languages', async () => {
    const ctx = withCalls([citizen], { 'call.handover': () => fail('hub-unreachable') });
    ctx.state().openTransfer();
    ctx.phone.failWith = new Error('REFER refused');
    await ctx.state().blindTransfer();

    let html = render(ctx.store, <TransferDialog />);
    const status = one(html, 'handover-status');
    expect(attr(status.tag, 'data-state')).toBe('failed');
    expect(textOf(status.inner)).toContain('交接信息未能发送（无法连接 12345 中心）');
    expect(textOf(one(html, 'transfer-error').inner)).toBe('未能转接');
    expect(attr(one(html, 'transfer-error').tag, 'title')).toBe('REFER refused');

    ctx.state().setLang('en');
    html = render(ctx.store, <TransferDialog />);
    expect(textOf(one(html, 'handover-status').inner)).toContain('the transfer goes ahead');
    expect(textOf(one(html, 'transfer-error').inner)).toBe('Could not transfer');
  });
});

describe('call card during a transfer', () => {
  it('shows the consult with complete, three-way and back, and no second transfer', () => {
    const ctx = withCalls([{ ...citizen, held: true }, consult()]);
    const html = render(ctx.store, <PhonePanel />);

    const bar = one(html, 'consult-bar');
    expect(attr(bar.tag, 'data-state')).toBe('consulting');
    expect(textOf(bar.inner)).toContain('正在咨询 123453，来电人 138 0013 8000 保持等待');
    expect(textOf(one(html, 'consult-complete').inner)).toBe('完成转接');
    expect(textOf(one(html, 'consult-conference').inner)).toBe('三方通话');
    expect(textOf(one(html, 'consult-back').inner)).toBe('回到来电人');
    expect(byTestId(html, 'consult-drop')).toHaveLength(0);
    expect(textOf(one(html, 'call-consult-flag').inner)).toBe('咨询');
    expect(attr(one(html, 'call-transfer').tag, 'disabled')).not.toBeNull();
  });

  it('offers only going back while the specialist has not answered', () => {
    const ctx = withCalls([
      { ...citizen, held: true },
      consult({ phase: 'dialing', answeredAt: null }),
    ]);
    const html = render(ctx.store, <PhonePanel />);
    expect(attr(one(html, 'consult-bar').tag, 'data-state')).toBe('dialing');
    expect(byTestId(html, 'consult-complete')).toHaveLength(0);
    expect(byTestId(html, 'consult-back')).toHaveLength(1);
  });

  it('offers leave, drop and split in a three-way call, in English too', () => {
    const ctx = withCalls([
      { ...citizen, conferencedWith: 'out-1' },
      consult({ conferencedWith: 'c1' }),
    ]);
    let html = render(ctx.store, <PhonePanel />);
    expect(attr(one(html, 'consult-bar').tag, 'data-state')).toBe('three-way');
    expect(textOf(one(html, 'consult-drop').inner)).toBe('挂断专家');
    expect(textOf(one(html, 'consult-split').inner)).toBe('拆分通话');
    expect(textOf(one(html, 'consult-leave').inner)).toBe('退出，让双方继续通话');
    expect(byTestId(html, 'consult-complete')).toHaveLength(0);
    expect(textOf(one(html, 'call-conference-flag').inner)).toBe('三方');

    ctx.state().setLang('en');
    html = render(ctx.store, <PhonePanel />);
    expect(textOf(one(html, 'consult-bar').inner)).toContain('Three-way call: the caller');
    expect(textOf(one(html, 'consult-drop').inner)).toBe('Drop the specialist');
    expect(textOf(one(html, 'consult-leave').inner)).toBe('Leave them talking');
  });

  it('words the transfer’s progress and its failure', () => {
    const pending = withCalls([
      {
        ...citizen,
        transfer: { kind: 'blind', target: '123452', state: 'pending', failure: null },
      },
    ]);
    let html = render(pending.store, <PhonePanel />);
    expect(attr(one(html, 'transfer-status').tag, 'data-state')).toBe('pending');
    expect(textOf(one(html, 'transfer-status').inner)).toBe('正在转接至 123452…');
    expect(attr(one(html, 'call-transfer').tag, 'disabled')).not.toBeNull();

    const failed = withCalls([
      {
        ...citizen,
        transfer: {
          kind: 'blind',
          target: '123452',
          state: 'failed',
          failure: { code: 'busy', status: 486, detail: 'NOTIFY SIP/2.0 486 Busy Here' },
        },
      },
    ]);
    html = render(failed.store, <PhonePanel />);
    const status = one(html, 'transfer-status');
    expect(attr(status.tag, 'role')).toBe('alert');
    expect(textOf(status.inner)).toBe('转接至 123452 未成功：对方忙线。通话仍在本坐席。 (SIP 486)');
    failed.state().setLang('en');
    html = render(failed.store, <PhonePanel />);
    expect(textOf(one(html, 'transfer-status').inner)).toBe(
      'The transfer to 123452 did not go through: The line is busy. The call is still here. (SIP 486)',
    );
  });

  it('keeps a failed handover on the card once the dialog closed', async () => {
    const ctx = withCalls([citizen], { 'call.handover': () => fail('hub-unreachable') });
    ctx.state().openTransfer();
    await ctx.state().blindTransfer();
    expect(ctx.state().overlay).toBeNull();
    const html = render(ctx.store, <PhonePanel />);
    expect(attr(one(html, 'call-handover-status').tag, 'data-state')).toBe('failed');
  });
});

describe('the pop’s handover block', () => {
  const handover: Handover = {
    id: 'h-1',
    callId: 'c0',
    callerNumber: '13800138000',
    target: '123453',
    fromAgent: { id: 'ag-001', name: '陈晓敏', extension: '1001' },
    draft: { type: 'complaint', category: 'noise', summary: '工地夜间施工噪音扰民' },
    notes: '来电人情绪低落，请耐心安抚',
    at: '2026-12-04T02:00:00.000Z',
  };

  async function popWith(found: Handover | null) {
    const ctx = setup({
      'session.get': () => SESSION,
      'pop.lookup': ({ callerNumber }) => popFor(callerNumber, { handover: found }),
    });
    ctx.phone.emit({
      type: 'incoming',
      call: { callId: 'in-1', caller: '13800138000', queue: 'psychological', waitMs: 0 },
    });
    await flush();
    return ctx;
  }

  it('shows who handed over, the notes and the draft, with a button to use it', async () => {
    const ctx = await popWith(handover);
    let html = render(ctx.store, <PopPanel />);
    const block = one(html, 'pop-handover');
    expect(attr(block.tag, 'data-from')).toBe('1001');
    expect(textOf(one(html, 'handover-from').inner)).toBe('来自 陈晓敏（分机 1001）');
    expect(textOf(one(html, 'handover-notes').inner)).toBe('来电人情绪低落，请耐心安抚');
    expect(textOf(one(html, 'handover-draft').inner)).toBe('投诉 · 噪音扰民工地夜间施工噪音扰民');
    expect(textOf(one(html, 'handover-use').inner)).toBe('使用转交的工单草稿');
    expect(attr(one(html, 'handover-use').tag, 'disabled')).toBeNull();

    ctx.state().setLang('en');
    html = render(ctx.store, <PopPanel />);
    expect(textOf(one(html, 'handover-from').inner)).toBe('From 陈晓敏 (ext. 1001)');
    expect(textOf(one(html, 'handover-draft').inner)).toContain('Noise nuisance');
    expect(textOf(one(html, 'handover-use').inner)).toBe('Use the handed-over draft');
  });

  it('will not replace text the agent typed', async () => {
    const ctx = await popWith(handover);
    ctx.state().setField('summary', '已记录');
    const html = render(ctx.store, <PopPanel />);
    expect(attr(one(html, 'handover-use').tag, 'disabled')).not.toBeNull();
    expect(textOf(one(html, 'pop-handover').inner)).toContain('保存后才能使用转交的草稿');
  });

  it('says when the notes or the draft are missing, and is absent without a handover', async () => {
    const bare = await popWith({ ...handover, draft: null, notes: ' ' });
    let html = render(bare.store, <PopPanel />);
    expect(textOf(one(html, 'handover-notes').inner)).toBe('无备注');
    expect(textOf(one(html, 'handover-draft').inner)).toBe('未附工单草稿');
    expect(byTestId(html, 'handover-use')).toHaveLength(0);

    const none = await popWith(null);
    html = render(none.store, <PopPanel />);
    expect(byTestId(html, 'pop-handover')).toHaveLength(0);
  });
});

describe('device settings', () => {
  it('has a test ring button that plays the choices on the engine', async () => {
    const ctx = setup({ 'session.get': () => SESSION });
    await ctx.state().boot();
    ctx.state().toggleOverlay('devices');
    await ctx.state().loadDevices();
    const html = render(ctx.store, <DevicesPanel />);
    expect(textOf(one(html, 'device-test-ring').inner)).toBe('试听铃声');

    const prefs = { ...DEFAULT_PREFS, ringTone: 'beep' as const, ringVolume: 1.5 };
    expect(await ctx.state().testRing(prefs)).toBe(true);
    expect(ctx.phone.rungWith).toEqual([{ ...prefs, ringVolume: 1 }]);

    ctx.phone.failWith = new Error('no ring device');
    expect(await ctx.state().testRing(prefs)).toBe(false);
    expect(ctx.state().devicesError).toBe('no ring device');
  });
});
