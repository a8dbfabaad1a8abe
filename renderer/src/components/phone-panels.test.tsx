import { beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../lib/log';
import { CALLBACK, SESSION, flush, phoneCall, setup } from '../testing/fakes';
import { attr, byTestId, render, textOf } from '../testing/render';
import { announcedSeconds } from './AgentStateControl';
import { CallbacksPanel } from './CallbacksPanel';
import { DevicesPanel } from './DevicesPanel';
import { PhoneNotices } from './PhoneNotices';
import { PhonePanel } from './PhonePanel';
import { ShortcutsHelp } from './ShortcutsHelp';
import { TopBar } from './TopBar';

beforeAll(() => setLogSink(() => undefined));

const one = (html: string, id: string) => {
  const found = byTestId(html, id);
  expect(found, id).toHaveLength(1);
  return found[0] as { tag: string; inner: string };
};
const seconds = (clock: string) => {
  const [m = 0, s = 0] = clock.split(':').map(Number);
  return m * 60 + s;
};

async function signedIn(handlers: Parameters<typeof setup>[0] = {}) {
  const ctx = setup({ 'session.get': () => SESSION, ...handlers });
  await ctx.state().boot();
  return ctx;
}

describe('phone panel', () => {
  it('shows a live call taken over from the engine with its timer from answeredAt', async () => {
    const ctx = setup({ 'session.get': () => SESSION });
    const answeredAt = Date.now() - 65_000;
    ctx.phone.snap = {
      ...ctx.phone.snap,
      started: true,
      registration: 'registered',
      calls: [phoneCall({ phase: 'active', startedAt: answeredAt - 9000, answeredAt, held: true })],
    };
    await ctx.state().boot();
    const html = render(ctx.store, <PhonePanel />);

    expect(attr(one(html, 'call-state').tag, 'data-state')).toBe('active');
    expect(seconds(textOf(one(html, 'call-timer').inner))).toBeGreaterThanOrEqual(63);
    expect(seconds(textOf(one(html, 'call-timer').inner))).toBeLessThanOrEqual(66);
    expect(attr(one(html, 'call-hold').tag, 'aria-pressed')).toBe('true');
    expect(textOf(one(html, 'call-hold').inner)).toBe('恢复');
    expect(textOf(one(html, 'call-held-flag').inner)).toBe('已保持');
    expect(attr(one(html, 'call-transfer').tag, 'disabled')).toBeNull();
    expect(attr(one(html, 'call-transfer').tag, 'aria-keyshortcuts')).toBe('Ctrl+Shift+X');
    expect(attr(one(html, 'dialpad').tag, 'data-mode')).toBe('dtmf');
  });

  it('words each SIP failure in Chinese and English, on the card and as a notice', async () => {
    const { store, state, phone } = await signedIn();
    const failed = phoneCall({
      callId: 'out-1',
      direction: 'outbound',
      remote: '076922223333',
      phase: 'ended',
      outcome: 'failed',
      failure: { code: 'not-acceptable', status: 488, detail: '488 Not Acceptable Here' },
    });
    phone.emit({ type: 'call', call: failed });

    const zh = one(render(store, <PhonePanel />), 'call-failure');
    expect(attr(zh.tag, 'data-code')).toBe('not-acceptable');
    expect(attr(zh.tag, 'title')).toBe('488 Not Acceptable Here');
    expect(textOf(zh.inner)).toContain('媒体协商失败');
    expect(textOf(zh.inner)).toContain('SIP 488');
    expect(textOf(one(render(store, <PhoneNotices />), 'call-failure-notice').inner)).toContain(
      '0769-2222-3333',
    );

    state().setLang('en');
    for (const [code, words] of [
      ['busy', 'The line is busy'],
      ['not-found', 'No such number'],
      ['unavailable', 'cannot be reached'],
      ['timeout', 'No answer in time'],
      ['no-microphone', 'No microphone'],
    ] as const) {
      const call = { ...failed, callId: `out-${code}` };
      phone.emit({
        type: 'call',
        call: { ...call, failure: { code, status: null, detail: code } },
      });
      const card = textOf(one(render(store, <PhonePanel />), 'call-failure').inner);
      expect(card, code).toContain(words);
      expect(card).toContain('you can dial again');
    }
    expect(byTestId(render(store, <PhonePanel />), 'dial-call')).toHaveLength(1);
  });

  it('lists the other line of a consult call to switch to', async () => {
    const { store, phone } = await signedIn();
    phone.emit({ type: 'call', call: phoneCall({ phase: 'active', held: true }) });
    phone.emit({
      type: 'call',
      call: phoneCall({ callId: 'out-1', direction: 'outbound', remote: '1002', phase: 'dialing' }),
    });
    const html = render(store, <PhonePanel />);
    expect(attr(one(html, 'call-state').tag, 'data-call-id')).toBe('out-1');
    const line = one(html, 'call-line');
    expect([attr(line.tag, 'data-call-id'), attr(line.tag, 'data-held')]).toEqual(['c1', 'true']);
    expect(textOf(one(html, 'hangup').inner)).toBe('取消呼叫');
  });
});

describe('call controls and the dial field', () => {
  it('shows the hold button busy and disabled while a hold is in flight', async () => {
    const { store, state, phone } = await signedIn();
    phone.emit({ type: 'call', call: phoneCall({ phase: 'active' }) });
    const idle = one(render(store, <PhonePanel />), 'call-hold').tag;
    expect([attr(idle, 'aria-busy'), attr(idle, 'disabled')]).toEqual([null, null]);

    phone.gate = new Promise<void>(() => undefined);
    void state().toggleHold();
    const busy = one(render(store, <PhonePanel />), 'call-hold').tag;
    expect([attr(busy, 'aria-busy'), attr(busy, 'disabled')]).toEqual(['true', '']);

    phone.emit({ type: 'call', call: phoneCall({ phase: 'active', held: true }) });
    const held = one(render(store, <PhonePanel />), 'call-hold');
    expect([attr(held.tag, 'aria-busy'), attr(held.tag, 'disabled')]).toEqual([null, null]);
    expect(textOf(held.inner)).toBe('恢复');
  });

  it('says what a number to dial looks like when the typed one is none, in both languages', async () => {
    const { store, state } = await signedIn();
    expect(byTestId(render(store, <PhonePanel />), 'dial-invalid')).toEqual([]);
    state().setDialNumber('*97');
    await state().dial('*97');
    const html = render(store, <PhonePanel />);
    expect(textOf(one(html, 'dial-invalid').inner)).toContain('2 至 20 位数字，可以 + 开头');
    expect(attr(one(html, 'dial-number').tag, 'aria-invalid')).toBe('true');
    state().setLang('en');
    const en = textOf(one(render(store, <PhonePanel />), 'dial-invalid').inner);
    expect(en).toContain('2 to 20 digits, optionally starting with +');
  });
});

describe('agent state in the top bar', () => {
  it('offers the not-ready reasons and shows the hub reason of a missed call', async () => {
    const { store, state } = setup({
      'session.get': () => SESSION,
      'agent.get': () => ({ state: 'not-ready', reason: 'missed-call' }),
    });
    await state().chooseNotReadyReason('paperwork');
    await state().boot();
    await flush();
    const html = render(store, <TopBar />);

    const picker = one(html, 'not-ready-reason');
    const options = [...picker.inner.matchAll(/<option value="([^"]+)"[^>]*>([^<]+)</g)];
    expect(options.map((m) => m[1])).toEqual([
      'break',
      'meal',
      'training',
      'meeting',
      'paperwork',
      'other',
    ]);
    // The hub chose the reason: the picker offers a choice, not the agent's last pick.
    expect(picker.inner).toMatch(/<option value="" disabled="" selected="">选择原因…</);
    expect(picker.inner).not.toMatch(/value="paperwork" selected/);
    expect(textOf(one(html, 'state-reason').inner)).toBe(' · 未接来电，已示忙');

    state().agentStatus({ state: 'not-ready', reason: 'meeting' });
    const picked = one(render(store, <TopBar />), 'not-ready-reason');
    expect(picked.inner).toMatch(/<option value="meeting" selected="">会议</);
    expect(picked.inner).not.toContain('选择原因');
  });

  it('sends a reason picked while not ready to the hub at once', async () => {
    const { state, desk } = await signedIn({
      'agent.get': () => ({ state: 'not-ready', reason: 'signed-in' }),
      'agent.setState': (p) => ({ state: p.state, ...(p.reason ? { reason: p.reason } : {}) }),
    });
    expect(state().agentReason).toBe('signed-in');
    await state().chooseNotReadyReason('meal');
    await state().chooseNotReadyReason('meal');
    expect(desk.callsOf('agent.setState')).toEqual([{ state: 'not-ready', reason: 'meal' }]);
    expect(state().agentReason).toBe('meal');
    state().agentStatus({ state: 'ready' });
    await state().chooseNotReadyReason('other');
    expect(desk.callsOf('agent.setState')).toHaveLength(1);
  });

  it('counts the wrap-up down from the hub time with the seat clock offset', async () => {
    const offset = 5 * 60_000; // the hub's clock is five minutes ahead of this seat's
    const endsAt = new Date(Date.now() + offset + 30_000).toISOString();
    const { store, state } = await signedIn({
      'session.get': () => ({ ...SESSION, hubOffsetMs: offset }),
      'agent.get': () => ({ state: 'wrap-up', wrapUpEndsAt: endsAt }),
    });
    const html = render(store, <TopBar />);
    const left = Number(attr(one(html, 'wrapup-left').tag, 'data-seconds'));
    expect(left).toBeGreaterThanOrEqual(28);
    expect(left).toBeLessThanOrEqual(31);
    // Never less than the countdown shows: the screen reader hears "at most", rounded up.
    const step = Math.ceil(left / 15) * 15;
    expect(step).toBeGreaterThanOrEqual(left);
    expect(textOf(one(html, 'wrapup-announce').inner)).toBe(`话后整理最多还剩 ${step} 秒`);
    expect([29, 25, 16, 15, 12, 6, 5, 1].map(announcedSeconds)).toEqual([
      30, 30, 30, 15, 15, 10, 5, 5,
    ]);
    expect(byTestId(html, 'ready-now')).toHaveLength(1);

    state().agentStatus({ state: 'ready' });
    expect(byTestId(render(store, <TopBar />), 'wrapup-left')).toEqual([]);
  });
});

describe('not-ready reason picker', () => {
  it('marks the reason as the next not-ready one, not a set one, while the agent is ready', async () => {
    const { store, state } = await signedIn({ 'agent.get': () => ({ state: 'ready' }) });
    let html = render(store, <TopBar />);
    expect(attr(one(html, 'not-ready-reason').tag, 'data-upcoming')).toBe('true');
    expect(html).toContain('示忙时使用的原因（当前未示忙）');

    state().agentStatus({ state: 'not-ready', reason: 'meal' });
    html = render(store, <TopBar />);
    expect(attr(one(html, 'not-ready-reason').tag, 'data-upcoming')).toBeNull();
    expect(html).not.toContain('当前未示忙');
  });
});

describe('callbacks panel', () => {
  it('masks listed numbers but the one being called', async () => {
    const other = { ...CALLBACK, id: 'cb-2', number: '13698765432', status: 'open' as const };
    const { store, state } = await signedIn({
      'callback.list': () => ({ open: 2, items: [CALLBACK, other] }),
      'callback.next': () => CALLBACK,
    });
    await flush();
    let html = render(store, <CallbacksPanel />);
    expect(byTestId(html, 'callback-number').map((n) => textOf(n.inner))).toEqual([
      '137****5678',
      '136****5432',
    ]);

    await state().takeNextCallback();
    html = render(store, <CallbacksPanel />);
    expect(textOf(one(html, 'callback-in-hand').inner)).toContain('137 1234 5678');
    expect(byTestId(html, 'callback-number').map((n) => textOf(n.inner))).toEqual(['136****5432']);
    expect(byTestId(html, 'callback-no-answer')).toHaveLength(1);
  });
});

describe('devices and shortcuts', () => {
  it('offers the devices with the saved choice, and warns of a refused microphone', async () => {
    const { store, state, phone } = await signedIn();
    await state().saveDevicePrefs({ ...phone.snap.devices, speakerId: 'spk-1', ringTone: 'soft' });
    state().toggleOverlay('devices');
    const html = render(store, <DevicesPanel />);
    expect(one(html, 'device-speaker').inner).toMatch(/<option value="spk-1" selected="">Headset</);
    expect(one(html, 'device-microphone').inner).toMatch(/<option value="" selected="">系统默认</);
    expect(one(html, 'device-ring-tone').inner).toMatch(/<option value="soft" selected="">/);
    expect(byTestId(render(store, <PhoneNotices />), 'mic-warning')).toEqual([]);

    phone.emit({ type: 'devices', prefs: phone.snap.devices, microphone: 'denied' });
    const warning = one(render(store, <PhoneNotices />), 'mic-warning');
    expect(attr(warning.tag, 'role')).toBe('alert');
    expect(textOf(warning.inner)).toContain('麦克风权限被拒绝');
  });

  it('lists every shortcut in both languages, transfer working', async () => {
    const { store, state } = await signedIn();
    let html = render(store, <ShortcutsHelp />);
    const rows = byTestId(html, 'shortcut');
    expect(rows.map((r) => attr(r.tag, 'data-action'))).toEqual([
      'answer',
      'hangup',
      'hold',
      'mute',
      'transfer',
      'ready',
      'not-ready',
      'help',
      'dial-pad',
    ]);
    const transfer = rows[4] as { tag: string; inner: string };
    expect(attr(transfer.tag, 'data-disabled')).toBe('false');
    expect(textOf(transfer.inner)).toBe('转接Ctrl+Shift+X');

    state().setLang('en');
    html = render(store, <ShortcutsHelp />);
    expect(textOf((byTestId(html, 'shortcut')[0] as { inner: string }).inner)).toBe(
      'AnswerCtrl+Shift+Enter',
    );
  });
});
