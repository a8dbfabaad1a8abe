import { beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../lib/log';
import type { CallOffer } from '../phone/phone-types';
import { flush, setup } from '../testing/fakes';
import { RECENT_CALLS_KEPT } from './phone-slice';

beforeAll(() => setLogSink(() => undefined));

const offer: CallOffer = { callId: 'c1', caller: '13800138000', queue: 'general', waitMs: 23400 };

describe('phone slice', () => {
  it('keeps the registration as plain state', () => {
    const { state } = setup();
    state().phoneEvent({ type: 'registration', state: 'registered', detail: null });
    expect(state().registration).toBe('registered');
  });

  it('rings: plain call state, reports ringing, opens the pop and sets up the form', async () => {
    const { state, desk, clock } = setup();
    state().phoneEvent({ type: 'incoming', call: offer });

    expect(state().call).toMatchObject({
      callId: 'c1',
      caller: '13800138000',
      queue: 'general',
      waitMs: 23400,
      state: 'ringing',
      startedAt: clock.now,
    });
    expect(desk.callsOf('call.event')).toEqual([
      { event: 'ringing', callId: 'c1', caller: '13800138000', queue: 'general', waitMs: 23400 },
    ]);
    expect(desk.callsOf('pop.lookup')).toEqual([{ callerNumber: '13800138000' }]);
    expect(state().draft).toMatchObject({ callerNumber: '13800138000', callId: 'c1' });
    expect(JSON.parse(JSON.stringify(state().call))).toEqual(state().call);
    await flush();
    expect(state().pop?.status).toBe('ready');
  });

  it('leaves queue and wait out of the report for a direct call', () => {
    const { state, desk } = setup();
    state().phoneEvent({ type: 'incoming', call: { ...offer, queue: '', waitMs: 0 } });
    expect(desk.callsOf('call.event')).toEqual([
      { event: 'ringing', callId: 'c1', caller: '13800138000' },
    ]);
  });

  it('answers through the phone, then goes active when the dialog stands', async () => {
    const { state, phone, desk, clock } = setup();
    state().phoneEvent({ type: 'incoming', call: offer });
    await state().answer();
    expect(phone.commands).toEqual(['answer']);
    expect(state().call?.state).toBe('connecting');

    clock.now += 4000;
    state().phoneEvent({ type: 'answered', callId: 'c1' });
    expect(state().call).toMatchObject({ state: 'active', answeredAt: clock.now });
    expect(desk.callsOf('call.event').map((p) => (p as { event: string }).event)).toEqual([
      'ringing',
      'answered',
    ]);
  });

  it('ends: keeps the call on screen as ended and adds it to the recent calls', () => {
    const { state, desk, clock } = setup();
    state().phoneEvent({ type: 'incoming', call: offer });
    clock.now += 3000;
    state().phoneEvent({ type: 'answered', callId: 'c1' });
    clock.now += 65_000;
    state().phoneEvent({ type: 'ended', callId: 'c1', outcome: 'ended', detail: null });

    expect(state().call).toMatchObject({ state: 'ended', outcome: 'ended', endedAt: clock.now });
    expect(state().recentCalls).toEqual([
      expect.objectContaining({ callId: 'c1', talkMs: 65_000, outcome: 'ended' }),
    ]);
    expect(state().shift).toEqual({ answered: 1, missed: 0, talkMs: 65_000 });
    expect(desk.callsOf('call.event').at(-1)).toMatchObject({ event: 'ended', callId: 'c1' });
  });

  it('reports missed and failed calls as such, and ignores events of other calls', () => {
    const { state, desk } = setup();
    state().phoneEvent({ type: 'incoming', call: offer });
    state().phoneEvent({ type: 'ended', callId: 'other', outcome: 'ended', detail: null });
    expect(state().call?.state).toBe('ringing');

    state().phoneEvent({ type: 'ended', callId: 'c1', outcome: 'missed', detail: null });
    state().phoneEvent({ type: 'ended', callId: 'c1', outcome: 'missed', detail: null });
    state().phoneEvent({ type: 'incoming', call: { ...offer, callId: 'c2' } });
    state().phoneEvent({ type: 'ended', callId: 'c2', outcome: 'failed', detail: 'no microphone' });

    const events = desk.callsOf('call.event').map((p) => (p as { event: string }).event);
    expect(events).toEqual(['ringing', 'missed', 'ringing', 'failed']);
    expect(state().call).toMatchObject({ outcome: 'failed', detail: 'no microphone' });
    expect(state().recentCalls.map((c) => c.talkMs)).toEqual([0, 0]);
    expect(state().shift).toEqual({ answered: 0, missed: 2, talkMs: 0 });
  });

  it('keeps only the latest recent calls', () => {
    const { state } = setup();
    for (let i = 0; i < RECENT_CALLS_KEPT + 5; i += 1) {
      const callId = `c${i}`;
      state().phoneEvent({ type: 'incoming', call: { ...offer, callId } });
      state().phoneEvent({ type: 'ended', callId, outcome: 'missed', detail: null });
    }
    expect(state().recentCalls).toHaveLength(RECENT_CALLS_KEPT);
    expect(state().recentCalls[0]?.callId).toBe(`c${RECENT_CALLS_KEPT + 4}`);
  });

  it('hangs up through the phone only while a call is live', async () => {
    const { state, phone } = setup();
    await state().hangup();
    state().phoneEvent({ type: 'incoming', call: offer });
    await state().hangup();
    state().phoneEvent({ type: 'ended', callId: 'c1', outcome: 'missed', detail: null });
    await state().hangup();
    expect(phone.commands).toEqual(['hangup']);
  });
});
