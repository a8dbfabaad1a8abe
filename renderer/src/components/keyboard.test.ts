import { beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../lib/log';
import type { KeyPress } from '../lib/shortcuts';
import { SESSION, flush, phoneCall, setup } from '../testing/fakes';
import { handleDeskKey } from './keyboard';

beforeAll(() => setLogSink(() => undefined));

const key = (code: string, target: unknown = { tagName: 'BODY' }): KeyPress => ({
  key: code,
  code,
  ctrlKey: true,
  shiftKey: true,
  altKey: false,
  metaKey: false,
  target,
});
const digit = (d: string, target: unknown = { tagName: 'BODY' }): KeyPress => ({
  ...key(d, target),
  key: d,
  code: `Digit${d}`,
  ctrlKey: false,
  shiftKey: false,
});
const summaryField = { tagName: 'TEXTAREA' };

async function desk() {
  const ctx = setup({ 'session.get': () => SESSION });
  await ctx.state().boot();
  ctx.phone.commands.length = 0;
  return ctx;
}

describe('desk keys', () => {
  it('answers, holds, mutes and hangs up the current call, also while typing the order', async () => {
    const { store, phone } = await desk();
    expect(handleDeskKey(key('Enter'), store)).toBe(false);

    phone.emit({ type: 'call', call: phoneCall() });
    expect(handleDeskKey(key('KeyH', summaryField), store)).toBe(false);
    expect(handleDeskKey(key('Enter', summaryField), store)).toBe(true);
    phone.emit({ type: 'call', call: phoneCall({ phase: 'active', answeredAt: 1_002_000 }) });
    expect(handleDeskKey(key('KeyH', summaryField), store)).toBe(true);
    expect(handleDeskKey(key('KeyM'), store)).toBe(true);
    expect(handleDeskKey(key('KeyX', summaryField), store)).toBe(true);
    expect(store.getState().overlay).toBe('transfer');
    expect(store.getState().transferCallId).toBe('c1');
    expect(handleDeskKey(key('KeyE'), store)).toBe(true);
    expect(phone.commands).toEqual(['answer c1', 'hold c1', 'mute c1', 'hangup c1']);
  });

  it('sends digits as tones in a call, types them when idle, never from a text field', async () => {
    const { store, state, phone } = await desk();
    expect(handleDeskKey(digit('7'), store)).toBe(true);
    expect(handleDeskKey(digit('8', { tagName: 'INPUT', type: 'text' }), store)).toBe(false);
    expect(state().dialNumber).toBe('7');

    phone.emit({ type: 'call', call: phoneCall({ phase: 'active' }) });
    expect(handleDeskKey(digit('4'), store)).toBe(true);
    expect(handleDeskKey(digit('5', summaryField), store)).toBe(false);
    expect(phone.commands).toEqual(['dtmf c1 4']);
  });

  it('goes ready and not ready with the chosen reason, opens the list on ?', async () => {
    const { store, state, desk: bridge } = await desk();
    handleDeskKey(key('KeyY'), store);
    await flush();
    await state().chooseNotReadyReason('meeting');
    handleDeskKey(key('KeyB'), store);
    expect(bridge.callsOf('agent.setState')).toEqual([
      { state: 'ready' },
      { state: 'not-ready', reason: 'meeting' },
    ]);
    handleDeskKey({ ...digit('?'), key: '?', code: 'Slash', shiftKey: true }, store);
    expect(state().overlay).toBe('shortcuts');
  });

  it('does nothing before sign-in', () => {
    const { store, phone } = setup();
    phone.emit({ type: 'call', call: phoneCall() });
    expect(handleDeskKey(key('Enter'), store)).toBe(false);
    expect(phone.commands).toEqual([]);
  });
});
