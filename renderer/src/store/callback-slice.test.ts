import { beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../lib/log';
import { CALLBACK, fail, flush, phoneCall, setup } from '../testing/fakes';
import { bindDeskEvents } from './desk-events';

beforeAll(() => setLogSink(() => undefined));

describe('callback slice', () => {
  it('takes the next callback, dials it, and reports how it went when the call ended', async () => {
    const { state, phone, desk } = setup({ 'callback.next': () => CALLBACK });
    await state().takeNextCallback();
    expect(phone.commands).toEqual(['dial 13712345678']);
    expect(state().callbackInHand).toMatchObject({ callId: 'out-1', phase: 'calling' });

    const call = phoneCall({ callId: 'out-1', direction: 'outbound', remote: CALLBACK.number });
    phone.emit({ type: 'call', call: { ...call, phase: 'ended', outcome: 'ended' } });
    expect(state().callbackInHand?.phase).toBe('report');

    await state().reportCallback('reached');
    expect(desk.callsOf('callback.result')).toEqual([{ id: 'cb-1', outcome: 'reached' }]);
    expect(state().callbackInHand).toBeNull();
    await flush();
    expect(desk.callsOf('callback.list')).toHaveLength(1);
  });

  it('says when there is none left, and keeps the callback when the result is not saved', async () => {
    const none = setup();
    await none.state().takeNextCallback();
    expect(none.state().callbacksNoneLeft).toBe(true);
    expect(none.phone.commands).toEqual([]);

    const down = setup({
      'callback.next': () => CALLBACK,
      'callback.result': () => fail('hub-unreachable'),
    });
    await down.state().takeNextCallback();
    await down.state().reportCallback('no-answer');
    expect(down.state().callbackInHand).toMatchObject({ saving: false });
    expect(down.state().callbacksError?.code).toBe('hub-unreachable');
  });

  it('lists the callbacks again on callbacks.changed', async () => {
    let open = 1;
    const { state, desk, store } = setup({
      'callback.list': () => ({ open, items: [CALLBACK] }),
    });
    bindDeskEvents(desk, store, () => () => undefined);
    await state().login({ account: 'a', password: 'p', extension: '1001' });
    await flush();
    expect(state().callbacksOpen).toBe(1);
    open = 4;
    desk.emit('callbacks.changed', { open });
    await flush();
    expect(state().callbacksOpen).toBe(4);
  });
});

describe('device slice', () => {
  it('lists the devices, saves the choices with the engine, and follows its events', async () => {
    const { state, phone } = setup();
    await state().loadDevices();
    expect(state().microphone).toBe('ok');

    const prefs = { ...phone.snap.devices, microphoneId: 'mic-1', ringVolume: 1.4 };
    expect(await state().saveDevicePrefs(prefs)).toBe(true);
    expect(phone.savedPrefs).toEqual([{ ...prefs, ringVolume: 1 }]);

    phone.emit({ type: 'devices', prefs, microphone: 'denied' });
    expect(state().microphone).toBe('denied');
  });

  it('keeps the choices unsaved and says why when the engine refuses', async () => {
    const { state, phone } = setup();
    phone.failWith = new Error('setSinkId failed');
    expect(await state().saveDevicePrefs(phone.snap.devices)).toBe(false);
    expect(state().devicesError).toBe('setSinkId failed');
    expect(state().devicePrefs).toBeNull();
  });
});

describe('callback slice double clicks', () => {
  it('claims and dials once for a double click on "call back the next", and on redial', async () => {
    const { state, phone, desk } = setup({ 'callback.next': () => CALLBACK });
    await Promise.all([state().takeNextCallback(), state().takeNextCallback()]);
    expect(desk.callsOf('callback.next')).toHaveLength(1);
    expect(phone.commands).toEqual(['dial 13712345678']);
    expect(state().callbackTaking).toBe(false);

    const call = phoneCall({ callId: 'out-1', direction: 'outbound', remote: CALLBACK.number });
    phone.emit({ type: 'call', call: { ...call, phase: 'ended', outcome: 'failed' } });
    await Promise.all([state().redialCallback(), state().redialCallback()]);
    expect(phone.commands).toEqual(['dial 13712345678', 'dial 13712345678']);
  });
});
