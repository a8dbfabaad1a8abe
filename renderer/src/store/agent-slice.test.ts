import { beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../lib/log';
import { SESSION, fail, setup } from '../testing/fakes';
import { NOT_READY_REASON_KEY, reasonShown, wrapUpLeft } from './agent-slice';

beforeAll(() => setLogSink(() => undefined));

describe('agent slice', () => {
  it('sends the chosen not-ready reason, remembers it, and takes the hub answer', async () => {
    const { state, desk, storage, clock } = setup();
    clock.now = 5000;
    state().chooseNotReadyReason('meal');
    await state().setAgentState('not-ready');
    await state().setAgentState('not-ready', 'training');
    await state().setAgentState('ready');

    expect(desk.callsOf('agent.setState')).toEqual([
      { state: 'not-ready', reason: 'meal' },
      { state: 'not-ready', reason: 'training' },
      { state: 'ready' },
    ]);
    expect(storage.getItem(NOT_READY_REASON_KEY)).toBe('meal');
    expect(setup({}).state().notReadyChoice).toBe('break');
    expect(state()).toMatchObject({
      agentState: 'ready',
      agentReason: null,
      agentStateBusy: false,
    });
  });

  it('shows the hub’s reason in the picker, and no pick of its own for a hub-chosen one', () => {
    const { state } = setup();
    state().chooseNotReadyReason('meal');
    expect(reasonShown(state())).toBe('meal');
    state().agentStatus({ state: 'not-ready', reason: 'signed-in' });
    expect(reasonShown(state())).toBe('');
    state().agentStatus({ state: 'not-ready', reason: 'missed-call' });
    expect(reasonShown(state())).toBe('');
    state().agentStatus({ state: 'not-ready' });
    expect(reasonShown(state())).toBe('');
    state().agentStatus({ state: 'not-ready', reason: 'training' });
    expect(reasonShown(state())).toBe('training');
    state().agentStatus({ state: 'ready' });
    expect(reasonShown(state())).toBe('meal');
  });

  it('keeps the hub time of the state, or starts the timer on the hub clock', async () => {
    const { state, clock } = setup({ 'session.get': () => ({ ...SESSION, hubOffsetMs: 2000 }) });
    await state().boot();
    clock.now = 10_000;
    state().agentStatus({ state: 'ready' });
    expect(state().agentStateSince).toBe(12_000);

    clock.now = 20_000;
    state().agentStatus({ state: 'ready' });
    expect(state().agentStateSince).toBe(12_000);
    state().agentStatus({
      state: 'not-ready',
      reason: 'missed-call',
      since: '2026-12-04T02:00:00Z',
    });
    expect(state()).toMatchObject({
      agentReason: 'missed-call',
      agentStateSince: Date.parse('2026-12-04T02:00:00Z'),
    });
  });

  it('counts the wrap-up down to the hub time, through the measured offset', async () => {
    const hubNow = Date.parse('2026-12-04T02:00:00.000Z');
    const offset = -3 * 60_000; // the seat's clock runs three minutes ahead of the hub
    const { state, clock } = setup({ 'session.get': () => ({ ...SESSION, hubOffsetMs: offset }) });
    await state().boot();
    clock.now = hubNow - offset;
    state().agentStatus({
      state: 'wrap-up',
      since: '2026-12-04T02:00:00.000Z',
      wrapUpEndsAt: '2026-12-04T02:00:30.000Z',
    });

    expect(wrapUpLeft(state(), clock.now)).toBe(30_000);
    expect(wrapUpLeft(state(), clock.now + 12_000)).toBe(18_000);
    expect(wrapUpLeft(state(), clock.now + 40_000)).toBe(0);
    // An offset a little behind the hub's clock never shows more than the 30 s given.
    expect(wrapUpLeft(state(), clock.now - 800)).toBe(30_000);
    state().agentStatus({ state: 'ready' });
    expect(wrapUpLeft(state(), clock.now)).toBeNull();
  });

  it('reads the state at boot, and keeps it and says why when the hub refuses', async () => {
    const { state } = setup({
      'session.get': () => SESSION,
      'agent.get': () => ({ state: 'wrap-up', wrapUpEndsAt: '2026-12-04T02:00:30.000Z' }),
      'agent.setState': () => fail('hub-unreachable'),
    });
    await state().boot();
    expect(state().agentState).toBe('wrap-up');

    await state().setAgentState('ready');
    expect(state().agentState).toBe('wrap-up');
    expect(state().agentError?.code).toBe('hub-unreachable');
  });
});
