import { beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../lib/log';
import type { CallOffer, PhoneCall } from '../phone/phone-types';
import { SESSION, flush, phoneCall, setup } from '../testing/fakes';
import { RECENT_CALLS_KEPT, SHIFT_KEY, callOnCard, dialableNumber } from './phone-slice';

beforeAll(() => setLogSink(() => undefined));

const offer: CallOffer = { callId: 'c1', caller: '13800138000', queue: 'general', waitMs: 23400 };

async function signedIn(snapshot: Partial<ReturnType<typeof setup>['phone']['snap']> = {}) {
  const ctx = setup({ 'session.get': () => SESSION });
  ctx.phone.snap = { ...ctx.phone.snap, ...snapshot };
  await ctx.state().boot();
  return ctx;
}

describe('phone slice', () => {
  it('keeps the registration as plain state', () => {
    const { state, phone } = setup();
    phone.emit({ type: 'registration', state: 'registered', detail: null });
    expect(state().registration).toBe('registered');
  });

  it('opens the pop and sets up the form on incoming, and never reports to the desk', async () => {
    const { state, desk, phone } = setup();
    phone.emit({ type: 'incoming', call: offer });
    phone.emit({ type: 'call', call: phoneCall() });

    expect(callOnCard(state())).toMatchObject({ callId: 'c1', phase: 'ringing' });
    expect(desk.callsOf('pop.lookup')).toEqual([
      { callerNumber: '13800138000', callId: 'c1', queue: 'general' },
    ]);
    expect(state().draft).toMatchObject({ callerNumber: '13800138000', callId: 'c1' });
    expect(desk.callsOf('call.event')).toEqual([]);
    expect(JSON.parse(JSON.stringify(state().calls))).toEqual(state().calls);
    await flush();
    expect(state().pop?.status).toBe('ready');
  });

  it('answers, holds, resumes, mutes and sends DTMF on the current line by its id', async () => {
    const { state, phone } = setup();
    phone.emit({ type: 'call', call: phoneCall() });
    await state().answer();
    await state().toggleHold();
    phone.emit({ type: 'call', call: phoneCall({ phase: 'active', answeredAt: 1_004_000 }) });
    await state().toggleHold();
    phone.emit({ type: 'call', call: phoneCall({ phase: 'active', held: true }) });
    await state().toggleHold();
    await state().toggleMute();
    await state().sendDtmf('12#');
    await state().sendDtmf('1; DROP');

    expect(phone.commands).toEqual(['answer c1', 'hold c1', 'resume c1', 'mute c1', 'dtmf c1 12#']);
  });

  it('ends a line: off the lines, into recent calls and the shift, shown until the next', () => {
    const { state, phone } = setup();
    const talk = { answeredAt: 1_003_000, endedAt: 1_068_000 };
    phone.emit({ type: 'call', call: phoneCall({ phase: 'active', answeredAt: 1_003_000 }) });
    phone.emit({ type: 'call', call: phoneCall({ phase: 'ended', outcome: 'ended', ...talk }) });
    phone.emit({ type: 'call', call: phoneCall({ phase: 'ended', outcome: 'ended', ...talk }) });

    expect(state().calls).toEqual([]);
    expect(callOnCard(state())).toMatchObject({ callId: 'c1', phase: 'ended' });
    expect(state().recentCalls).toEqual([
      expect.objectContaining({ callId: 'c1', talkMs: 65_000, outcome: 'ended' }),
    ]);
    expect(state().shift).toEqual({
      answered: 1,
      missed: 0,
      outbound: 0,
      talkMs: 65_000,
      talked: 1,
    });

    phone.emit({ type: 'call', call: phoneCall({ callId: 'c2', startedAt: 1_100_000 }) });
    expect(callOnCard(state())?.callId).toBe('c2');
  });

  it('words a failed dial, keeps the seat usable, and a new dial goes out', async () => {
    const { state, phone } = setup();
    const callId = await state().dial('0769 2222 3333');
    expect(callId).toBe('out-1');
    const failed: PhoneCall = phoneCall({
      callId: 'out-1',
      direction: 'outbound',
      remote: '076922223333',
      phase: 'ended',
      outcome: 'failed',
      failure: { code: 'busy', status: 486, detail: '486 Busy Here' },
    });
    phone.emit({ type: 'call', call: failed });

    expect(state().callFailure).toMatchObject({ code: 'busy', status: 486, callId: 'out-1' });
    expect(state().calls).toEqual([]);
    expect(state().shift).toMatchObject({ outbound: 1, missed: 0 });
    expect(await state().dial('110')).toBe('out-2');
    expect(state().callFailure).toBeNull();
    expect(phone.commands).toEqual(['dial 076922223333', 'dial 110']);
  });

  it('refuses to dial what is no number, and shows a refused command', async () => {
    const { state, phone } = setup();
    expect(await state().dial('call me')).toBeNull();
    expect(state().phoneError).toMatchObject({ action: 'dial' });
    expect(state().dialInvalid).toBe('call me');
    expect(phone.commands).toEqual([]);

    phone.emit({ type: 'call', call: phoneCall({ phase: 'active' }) });
    phone.failWith = new Error('no session c1');
    await state().toggleHold();
    expect(state().phoneError).toEqual({ action: 'hold', detail: 'no session c1' });
  });

  it('dials by the engine rule: digits with an optional +, 2 to 20, full-width digits too', async () => {
    const { state, phone } = setup();
    for (const bad of ['*97', '12#', '1', '+', '0'.repeat(21), '1+2', '++12', '12ab']) {
      expect(await state().dial(bad), bad).toBeNull();
      expect(state().dialInvalid).toBe(bad);
      expect(state().phoneError?.detail).toContain('2 to 20 digits');
    }
    expect(phone.commands).toEqual([]);

    expect(await state().dial('０７６９－２２２２ ３３３３')).toBe('out-1');
    expect(state().dialInvalid).toBeNull();
    expect(await state().dial('＋8613800138000')).toBe('out-2');
    expect(await state().dial('0'.repeat(20))).toBe('out-3');
    expect(phone.commands).toEqual([
      'dial 076922223333',
      'dial +8613800138000',
      `dial ${'0'.repeat(20)}`,
    ]);
    expect(dialableNumber('12')).toBe('12');
  });

  it("F6: refuses to dial the seat's own extension before dialling, in words", async () => {
    const { state, phone } = await signedIn();
    expect(await state().dial('1001')).toBeNull();
    expect(phone.commands.filter((c) => c.startsWith('dial'))).toEqual([]);
    expect(state().callFailure).toMatchObject({ code: 'own-extension', remote: '1001' });
    expect(await state().dial('1002')).toBe('out-1');
  });

  it('forgets a refused number once the agent types again', async () => {
    const { state } = setup();
    await state().dial('abc');
    expect(state().dialInvalid).toBe('abc');
    state().setDialNumber('0769');
    expect(state().dialInvalid).toBeNull();
  });

  it('holds once while a hold is in flight, until the call event settles it', async () => {
    const { state, phone } = setup();
    phone.emit({ type: 'call', call: phoneCall({ phase: 'active' }) });
    let release = () => undefined as void;
    phone.gate = new Promise<void>((resolve) => (release = resolve));

    const first = state().toggleHold();
    expect(state().holdPending).toEqual({ c1: true });
    await state().toggleHold();
    expect(phone.commands).toEqual(['hold c1']);

    release();
    await first;
    // The engine said yes but its event is still on the way: still pending.
    expect(state().holdPending).toEqual({ c1: true });
    phone.emit({ type: 'call', call: phoneCall({ phase: 'active', held: true }) });
    expect(state().holdPending).toEqual({});

    phone.gate = null;
    await state().toggleHold();
    expect(phone.commands).toEqual(['hold c1', 'resume c1']);
  });

  it('makes the hold button usable again when the hold is refused or the call ends', async () => {
    const { state, phone } = setup();
    phone.emit({ type: 'call', call: phoneCall({ phase: 'active' }) });
    phone.failWith = new Error('the far end answered 488 Not Acceptable Here');
    await state().toggleHold();
    expect(state().holdPending).toEqual({});
    expect(state().phoneError).toMatchObject({ action: 'hold' });

    phone.gate = new Promise<void>(() => undefined);
    void state().toggleHold();
    expect(state().holdPending).toEqual({ c1: true });
    phone.emit({ type: 'call', call: phoneCall({ phase: 'ended', outcome: 'ended' }) });
    expect(state().holdPending).toEqual({});
  });

  it('ignores a second hangup of a call already ending (a double click on decline)', async () => {
    const { state, phone } = setup();
    phone.emit({ type: 'call', call: phoneCall() });
    let release = () => undefined as void;
    phone.gate = new Promise<void>((resolve) => (release = resolve));
    const first = state().hangup('c1');
    phone.failWith = new Error('No live call c1');
    await state().hangup('c1');
    release();
    await first;
    await state().hangup('c1');

    expect(phone.commands).toEqual(['hangup c1']);
    expect(state().phoneError).toBeNull();
  });

  it('lets the agent hang up again when the first hangup was refused', async () => {
    const { state, phone } = setup();
    phone.emit({ type: 'call', call: phoneCall({ phase: 'active' }) });
    phone.failWith = new Error('transport closed');
    await state().hangup();
    expect(state().phoneError).toMatchObject({ action: 'hangup' });
    await state().hangup();
    expect(phone.commands).toEqual(['hangup c1', 'hangup c1']);
    expect(state().phoneError).toBeNull();
  });

  it('holds the caller before a consult call, and switches lines', async () => {
    const { state, phone } = setup();
    phone.emit({ type: 'call', call: phoneCall({ phase: 'active' }) });
    await state().dial('1002');
    phone.emit({ type: 'call', call: phoneCall({ phase: 'active', held: true }) });
    const consult = { callId: 'out-1', direction: 'outbound', remote: '1002' } as const;
    phone.emit({ type: 'call', call: phoneCall({ ...consult, phase: 'active' }) });
    expect(callOnCard(state())?.callId).toBe('out-1');
    expect(state().calls.map((c) => c.callId)).toEqual(['c1', 'out-1']);

    await state().switchLine('c1');
    expect(callOnCard(state())?.callId).toBe('c1');
    expect(phone.commands).toEqual(['hold c1', 'dial 1002', 'hold out-1', 'resume c1']);
  });

  it('keeps only the latest recent calls', () => {
    const { state, phone } = setup();
    for (let i = 0; i < RECENT_CALLS_KEPT + 5; i += 1) {
      const call = phoneCall({ callId: `c${i}`, startedAt: 1_000_000 + i * 1000 });
      phone.emit({ type: 'call', call });
      phone.emit({ type: 'call', call: { ...call, phase: 'ended', outcome: 'missed' } });
    }
    expect(state().recentCalls).toHaveLength(RECENT_CALLS_KEPT);
    expect(state().recentCalls[0]?.callId).toBe(`c${RECENT_CALLS_KEPT + 4}`);
    expect(state().shift.missed).toBe(RECENT_CALLS_KEPT + 5);
  });

  it('hangs up through the phone only while a call is live', async () => {
    const { state, phone } = setup();
    await state().hangup();
    phone.emit({ type: 'call', call: phoneCall() });
    await state().hangup();
    phone.emit({ type: 'call', call: phoneCall({ phase: 'ended', outcome: 'missed' }) });
    await state().hangup();
    expect(phone.commands).toEqual(['hangup c1']);
  });
});

describe('phone slice after a reload', () => {
  const live = phoneCall({ phase: 'active', startedAt: 990_000, answeredAt: 995_000 });
  const ended = phoneCall({
    callId: 'c0',
    remote: '13900139000',
    startedAt: 900_000,
    answeredAt: 910_000,
    endedAt: 940_000,
    phase: 'ended',
    outcome: 'ended',
  });

  it('takes over the live call with its times, re-opens its pop, keeps the engine running', async () => {
    const { state, phone, desk } = await signedIn({
      started: true,
      registration: 'registered',
      calls: [live, ended],
    });

    expect(callOnCard(state())).toMatchObject({ callId: 'c1', answeredAt: 995_000 });
    expect(state().registration).toBe('registered');
    expect(state().pop).toMatchObject({ callId: 'c1', number: '13800138000' });
    expect(desk.callsOf('pop.lookup')).toEqual([
      { callerNumber: '13800138000', callId: 'c1', queue: 'general' },
    ]);
    expect(state().recentCalls.map((c) => [c.callId, c.talkMs])).toEqual([['c0', 30_000]]);
    expect(phone.commands).toEqual([]);
  });

  it('counts a snapshot ended call once, on top of the shift kept on the seat', async () => {
    const first = await signedIn({ started: true, calls: [ended] });
    expect(first.state().shift.answered).toBe(1);

    const again = setup({ 'session.get': () => SESSION });
    again.storage.setItem(SHIFT_KEY, first.storage.getItem(SHIFT_KEY) ?? '');
    again.phone.snap = { ...again.phone.snap, started: true, calls: [ended] };
    await again.state().boot();
    expect(again.state().shift).toMatchObject({ answered: 1, talkMs: 30_000 });
  });

  it('starts the engine when it is not running', async () => {
    const { phone } = await signedIn({ started: false });
    expect(phone.commands).toEqual(['start']);
    expect(phone.started).toEqual(SESSION.sip);
  });
});

describe('phone slice across accounts on one seat', () => {
  const LEAD = { ...SESSION, agent: { ...SESSION.agent, id: 'a-9', account: 'lead01' } };

  it("never shows one account's recent calls and shift figures to the next one", async () => {
    let session = SESSION;
    const ctx = setup({ 'session.login': () => session, 'session.get': () => session });
    await ctx.state().login({ account: 'gh0137', password: 'p', extension: '1001' });
    const call = phoneCall({ callId: 'a1', answeredAt: 1_000_500 });
    ctx.phone.emit({ type: 'call', call: { ...call, phase: 'active' } });
    const over = {
      ...call,
      phase: 'ended' as const,
      outcome: 'ended' as const,
      endedAt: 1_005_500,
    };
    ctx.phone.emit({ type: 'call', call: over });
    expect(ctx.state().recentCalls.map((c) => c.callId)).toEqual(['a1']);
    await ctx.state().logout();

    // The engine outlives the session: its snapshot still holds the first agent's call.
    ctx.phone.snap = { ...ctx.phone.snap, started: true, calls: [over] };
    session = LEAD;
    await ctx.state().login({ account: 'lead01', password: 'p', extension: '1001' });
    expect(ctx.state().recentCalls).toEqual([]);
    expect(ctx.state().shift.answered).toBe(0);

    // A reload of the lead's desk does not bring them in either; the lead's own call counts.
    const again = setup({ 'session.get': () => LEAD });
    again.storage.setItem(SHIFT_KEY, ctx.storage.getItem(SHIFT_KEY) ?? '');
    const mine = { ...over, callId: 'b1', remote: '13900139000' };
    again.phone.snap = { ...again.phone.snap, started: true, calls: [mine, over] };
    await again.state().boot();
    expect(again.state().recentCalls.map((c) => c.callId)).toEqual(['b1']);
    expect(again.state().shift.answered).toBe(1);
  });
});

describe('phone slice double clicks', () => {
  it('dials once for a double click on call, and answers once for a double click on answer', async () => {
    const { state, phone } = setup();
    await Promise.all([state().dial('13800138000'), state().dial('13800138000')]);
    expect(phone.commands).toEqual(['dial 13800138000']);
    expect(state().dialPending).toBe(false);

    phone.emit({ type: 'call', call: phoneCall({ callId: 'c9' }) });
    await Promise.all([state().answer('c9'), state().answer('c9')]);
    await state().answer('c9');
    expect(phone.commands.filter((c) => c.startsWith('answer'))).toEqual(['answer c9']);
  });

  it('lets the agent answer again when the engine refused the answer', async () => {
    const { state, phone } = setup();
    phone.emit({ type: 'call', call: phoneCall({ callId: 'c9' }) });
    phone.failWith = new Error('no microphone');
    await state().answer('c9');
    await state().answer('c9');
    expect(phone.commands).toEqual(['answer c9', 'answer c9']);
  });
});
