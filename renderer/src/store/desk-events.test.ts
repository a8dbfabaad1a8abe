import { beforeAll, describe, expect, it } from 'vitest';
import type { LinkState } from '../bridge/ws-bridge';
import { setLogSink } from '../lib/log';
import type { Pop } from '../../../shared/desk-api';
import { SESSION, SYNC, flush, localOrder, popFor, setup } from '../testing/fakes';
import { bindDeskEvents } from './desk-events';

beforeAll(() => setLogSink(() => undefined));

function wired(handlers: Parameters<typeof setup>[0] = {}) {
  const ctx = setup(handlers);
  const linkListeners = new Set<(s: LinkState) => void>();
  bindDeskEvents(ctx.desk, ctx.store, (listener) => {
    linkListeners.add(listener);
    return () => linkListeners.delete(listener);
  });
  const link = (s: LinkState) => linkListeners.forEach((l) => l(s));
  return { ...ctx, link };
}

const offered = { callId: 'c9', caller: '13800138000', queue: 'general', waitMs: 15000 };

describe('desk events', () => {
  it('opens the pop on call.offered only for a signed-in agent', async () => {
    const { desk, state } = wired();
    desk.emit('call.offered', offered);
    expect(state().pop).toBeNull();

    await state().login({ account: 'a', password: 'p', extension: '1001' });
    desk.emit('call.offered', offered);
    expect(state().pop).toMatchObject({ callId: 'c9', waitMs: 15000 });
    expect(state().draft.callId).toBe('c9');
  });

  it('shows the pop the core sent with the offer at once, with no lookup', async () => {
    const { desk, state, store } = wired();
    await state().login({ account: 'a', password: 'p', extension: '1001' });
    const commits: string[] = [];
    store.subscribe((s) => commits.push(s.pop?.status ?? 'none'));
    const pop = popFor('13800138000', { topic: 'social-insurance' });
    desk.emit('call.offered', { ...offered, pop });

    expect(state().pop).toMatchObject({ callId: 'c9', status: 'ready', data: pop });
    // Painted complete: never a loading pop first.
    expect(commits).toContain('ready');
    expect(commits).not.toContain('loading');
    expect(state().draft).toMatchObject({ callId: 'c9', category: 'social-insurance' });
    // The INVITE after it adds nothing and asks nothing.
    state().openPop({ ...offered, waitMs: 15000 });
    await flush();
    expect(desk.callsOf('pop.lookup')).toEqual([]);
    expect(state().pop?.data).toBe(pop);
  });

  it("takes the offer's pop over a lookup the INVITE started, whose answer is dropped", async () => {
    let answer: (pop: Pop) => void = () => undefined;
    const { desk, state } = wired({
      'pop.lookup': () => new Promise<Pop>((resolve) => (answer = resolve)),
    });
    await state().login({ account: 'a', password: 'p', extension: '1001' });
    state().openPop(offered);
    const pushed = popFor('13800138000', { topic: 'noise' });
    desk.emit('call.offered', { ...offered, pop: pushed });
    expect(state().pop).toMatchObject({ status: 'ready', data: pushed });

    answer(popFor('13800138000', { topic: 'other' }));
    await flush();
    expect(state().pop?.data).toBe(pushed);
  });

  it('routes sync.status, order.updated, agent.state and session.ended', async () => {
    const { desk, state } = wired();
    await state().login({ account: 'a', password: 'p', extension: '1001' });

    desk.emit('sync.status', { ...SYNC, pending: 4 });
    expect(state().sync?.pending).toBe(4);

    const order = localOrder({
      type: 'help',
      category: 'other',
      territory: 'GC',
      summary: 's',
      citizenName: '',
      citizenAddress: '',
      callerNumber: '',
    });
    desk.emit('order.updated', { ...order, status: 'synced', orderNo: 'DG9' });
    expect(state().localOrders[0]).toMatchObject({ status: 'synced', orderNo: 'DG9' });

    desk.emit('agent.state', { state: 'ready' });
    expect(state().agentState).toBe('ready');

    desk.emit('session.ended', { reason: 'kicked' });
    expect(state()).toMatchObject({
      phase: 'signed-out',
      endedReason: { code: 'hub-ended', detail: 'kicked' },
    });
  });

  it('shows the link state and catches up when the link comes back', async () => {
    const { state, desk, link } = wired({ 'session.get': () => SESSION });
    await state().boot();
    await flush();
    const before = desk.callsOf('sync.status').length;

    link('connecting');
    expect(state().seatLinkUp).toBe(false);
    link('open');
    await flush();
    expect(state().seatLinkUp).toBe(true);
    expect(desk.callsOf('session.get')).toHaveLength(2);
    expect(desk.callsOf('sync.status').length).toBe(before + 1);
  });
});
