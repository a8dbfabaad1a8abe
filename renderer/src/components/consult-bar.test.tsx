import { beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../lib/log';
import type { PhoneCall } from '../phone/phone-types';
import { phoneCall, setup } from '../testing/fakes';
import { byTestId, render, textOf } from '../testing/render';
import { TransferStatus } from './ConsultBar';
import { TransferDialog } from './TransferDialog';

beforeAll(() => setLogSink(() => undefined));

const timedOut: PhoneCall = phoneCall({
  phase: 'ended',
  outcome: 'ended',
  answeredAt: 1_002_000,
  failure: { code: 'dialog-lost', status: 408, detail: '408 Request Timeout' },
  transfer: {
    kind: 'attended',
    target: '13800138000',
    state: 'failed',
    failure: { code: 'refer-timeout', status: 408, detail: '408 Request Timeout' },
  },
});

describe('F5: a transfer whose REFER timed out', () => {
  it('says the far end did not answer the transfer request, and that the call has ended', () => {
    const ctx = setup();
    let html = render(ctx.store, <TransferStatus call={timedOut} />);
    const [zh] = byTestId(html, 'transfer-status');
    expect(textOf(zh!.inner)).toBe(
      '转接至 138 0013 8000 未成功：对方未响应转接请求。来电人的通话已结束。 (SIP 408)',
    );
    ctx.state().setLang('en');
    html = render(ctx.store, <TransferStatus call={timedOut} />);
    const [en] = byTestId(html, 'transfer-status');
    expect(textOf(en!.inner)).toContain('did not answer the transfer request');
    expect(textOf(en!.inner)).toContain('has ended');
    expect(textOf(en!.inner)).not.toContain('still here');
  });

  it('says the call is still here only while it is', () => {
    const ctx = setup();
    const live = { ...timedOut, phase: 'active' as const, outcome: null, failure: null };
    const html = render(ctx.store, <TransferStatus call={live} />);
    expect(textOf(byTestId(html, 'transfer-status')[0]!.inner)).toContain('通话仍在本坐席');
  });
});

describe('F1: the transfer dialog of a call that ended', () => {
  it('says the call has ended', () => {
    const ctx = setup();
    ctx.state().toggleOverlay('transfer');
    const html = render(ctx.store, <TransferDialog />);
    expect(textOf(byTestId(html, 'transfer-call-ended')[0]!.inner)).toBe(
      '来电人的通话已结束，无法再转接。',
    );
  });
});
