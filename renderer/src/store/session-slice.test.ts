import { beforeAll, describe, expect, it } from 'vitest';
import { SeatUnreachableError } from '../bridge/errors';
import { setLogSink } from '../lib/log';
import { SESSION, fail, flush, phoneCall, setup } from '../testing/fakes';
import { EXTENSION_KEY } from './session-slice';

beforeAll(() => setLogSink(() => undefined));

describe('session slice', () => {
  it('picks up the session the seat core already has, and starts the phone with it', async () => {
    const { state, phone, desk } = setup({ 'session.get': () => SESSION });
    await state().boot();

    expect(state().phase).toBe('signed-in');
    expect(state().session?.agent.account).toBe('gh0137');
    expect(phone.started).toEqual(SESSION.sip);
    expect(state().agentState).toBe('not-ready');
    await flush();
    expect(desk.callsOf('sync.status')).toHaveLength(1);
    expect(desk.callsOf('order.list')).toHaveLength(1);
  });

  it('restarts an engine left idle by an earlier session on a fresh sign-in', async () => {
    const idle = setup();
    idle.phone.snap = { ...idle.phone.snap, started: true };
    await idle.state().login({ account: 'a', password: 'p', extension: '1001' });
    expect(idle.phone.commands).toEqual(['stop', 'start']);

    const busy = setup();
    busy.phone.snap = { ...busy.phone.snap, started: true, calls: [phoneCall()] };
    await busy.state().login({ account: 'a', password: 'p', extension: '1001' });
    expect(busy.phone.commands).toEqual([]);
    expect(busy.state().calls).toHaveLength(1);
  });

  it('shows the sign-in when there is no session, or the seat core cannot be reached', async () => {
    const none = setup();
    await none.state().boot();
    expect(none.state().phase).toBe('signed-out');
    expect(none.state().loginError).toBeNull();

    const down = setup({
      'session.get': () => {
        throw new SeatUnreachableError('no seat host');
      },
    });
    await down.state().boot();
    expect(down.state().phase).toBe('signed-out');
    expect(down.state().loginError?.code).toBe('seat-unreachable');
  });

  it('signs in and remembers the extension on this machine', async () => {
    const { state, storage, desk } = setup();
    const ok = await state().login({ account: ' gh0137 ', password: 'pw', extension: '1001' });

    expect(ok).toBe(true);
    expect(desk.callsOf('session.login')).toEqual([
      { account: 'gh0137', password: 'pw', extension: '1001' },
    ]);
    expect(storage.getItem(EXTENSION_KEY)).toBe('1001');
    expect(state().savedExtension).toBe('1001');
    expect(state().phase).toBe('signed-in');
  });

  it('says hub-unreachable when the hub cannot be reached', async () => {
    const { state, phone } = setup({ 'session.login': () => fail('hub-unreachable') });
    const ok = await state().login({ account: 'a', password: 'p', extension: '1001' });

    expect(ok).toBe(false);
    expect(state().phase).toBe('signed-out');
    expect(state().loginError?.code).toBe('hub-unreachable');
    expect(phone.commands).toEqual([]);
  });

  it('refuses a malformed extension before asking anyone', async () => {
    const { state, desk } = setup();
    await state().login({ account: 'a', password: 'p', extension: '10a' });

    expect(state().loginError).toMatchObject({ code: 'bad-request', field: 'extension' });
    expect(desk.callsOf('session.login')).toEqual([]);
  });

  it('signs out: stops the phone, tells the core, clears call and pop, keeps the language', async () => {
    const { state, phone, desk } = setup();
    await state().login({ account: 'a', password: 'p', extension: '1001' });
    state().setLang('en');
    phone.emit({
      type: 'incoming',
      call: { callId: 'c1', caller: '13800138000', queue: 'general', waitMs: 0 },
    });
    phone.emit({ type: 'call', call: phoneCall() });
    await state().logout();

    expect(phone.commands).toContain('stop');
    expect(desk.callsOf('session.logout')).toHaveLength(1);
    expect(state()).toMatchObject({ phase: 'signed-out', session: null, calls: [], pop: null });
    expect(state().agentState).toBe('logged-out');
    expect(state().lang).toBe('en');
  });

  it('goes back to the sign-in with the reason when the core ends the session', async () => {
    const { state } = setup();
    await state().login({ account: 'a', password: 'p', extension: '1001' });
    state().sessionEnded('signed in on another seat');

    expect(state().phase).toBe('signed-out');
    expect(state().endedReason).toEqual({ code: 'hub-ended', detail: 'signed in on another seat' });
  });

  it('ends the session on resume when the core no longer has it', async () => {
    const { state } = setup();
    await state().login({ account: 'a', password: 'p', extension: '1001' });
    await state().resume();

    expect(state().phase).toBe('signed-out');
    expect(state().endedReason).toMatchObject({
      code: 'seat-lost',
      detail: expect.stringMatching(/no longer/),
    });
  });
});
