import { beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../lib/log';
import { SESSION, phoneCall, setup } from '../testing/fakes';
import { attr, byTestId, render, textOf } from '../testing/render';
import { DevicesPanel } from './DevicesPanel';
import { PhoneNotices } from './PhoneNotices';
import { PhonePanel } from './PhonePanel';
import { RecentCalls } from './RecentCalls';

beforeAll(() => setLogSink(() => undefined));

const one = (html: string, id: string) => {
  const found = byTestId(html, id);
  expect(found, id).toHaveLength(1);
  return found[0] as { tag: string; inner: string };
};

async function signedIn() {
  const ctx = setup({ 'session.get': () => SESSION });
  await ctx.state().boot();
  return ctx;
}

/** An outbound call that ended before the answer, with `code` from the engine. */
const ended = (code: 'cancelled' | 'busy', status: number) =>
  phoneCall({
    callId: `out-${code}`,
    direction: 'outbound',
    remote: '076922223333',
    phase: 'ended',
    outcome: 'failed',
    failure: { code, status, detail: `${status}` },
  });

describe('an outbound call the agent cancelled', () => {
  it('reads calmly on the card and in the recent calls, in Chinese and English', async () => {
    const { store, state, phone } = await signedIn();
    phone.emit({ type: 'call', call: ended('cancelled', 487) });

    const card = render(store, <PhonePanel />);
    expect(byTestId(card, 'call-failure')).toEqual([]);
    expect(textOf(one(card, 'call-cancelled').inner)).toBe('对方接听前您已取消呼叫');
    const pill = one(card, 'call-outcome');
    expect(textOf(pill.inner)).toBe('已取消');
    expect(attr(pill.tag, 'class')).toContain('pill--outcome-cancelled');
    expect(byTestId(render(store, <PhoneNotices />), 'call-failure-notice')).toEqual([]);

    const row = one(render(store, <RecentCalls />), 'recent-call');
    expect(attr(row.tag, 'data-outcome')).toBe('cancelled');
    expect(textOf(row.inner)).toContain('已取消');
    expect(row.inner).toContain('<span class="recent__outcome recent__outcome--cancelled">');

    state().setLang('en');
    const en = render(store, <PhonePanel />);
    expect(textOf(one(en, 'call-cancelled').inner)).toContain('You cancelled the call');
    expect(textOf(one(render(store, <RecentCalls />), 'recent-call').inner)).toContain('Cancelled');
  });

  it('leaves a real failure worded as one (busy stays an error)', async () => {
    const { store, phone } = await signedIn();
    phone.emit({ type: 'call', call: ended('busy', 486) });
    const card = render(store, <PhonePanel />);
    expect(textOf(one(card, 'call-failure').inner)).toContain('对方忙线');
    expect(byTestId(card, 'call-cancelled')).toEqual([]);
    expect(byTestId(render(store, <PhoneNotices />), 'call-failure-notice')).toHaveLength(1);
    const row = one(render(store, <RecentCalls />), 'recent-call');
    expect(attr(row.tag, 'data-outcome')).toBe('failed');
    expect(row.inner).toContain('title="对方忙线"');
  });
});

describe('the DTMF choice in the device settings', () => {
  it("shows the centre's mode until the agent picks one, then the pick, saved to the engine", async () => {
    const { store, state, phone } = await signedIn();
    state().toggleOverlay('devices');
    const before = one(render(store, <DevicesPanel />), 'device-dtmf').inner;
    expect(before).toMatch(/<option value="" selected="">按中心设置</);
    expect(before).toContain('<option value="info">SIP INFO');

    expect(await state().saveDevicePrefs({ ...phone.snap.devices, dtmf: 'info' })).toBe(true);
    expect(phone.savedPrefs.at(-1)?.dtmf).toBe('info');
    const after = one(render(store, <DevicesPanel />), 'device-dtmf').inner;
    expect(after).toMatch(/<option value="info" selected="">SIP INFO/);

    state().setLang('en');
    expect(textOf(render(store, <DevicesPanel />))).toContain('Key tones (DTMF) sent as');
  });
});
