import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalConflict, RejectedMutation, SeatNotice } from '../../../shared/desk-api';
import type { LinkState } from '../bridge/ws-bridge';
import { setLogSink } from '../lib/log';
import { SEAT_STATUS, SESSION, SYNC, fail, flush, setup } from '../testing/fakes';
import { bindDeskEvents } from './desk-events';

beforeAll(() => setLogSink(() => undefined));

const conflict = (id: string, extra: Partial<LocalConflict> = {}): LocalConflict => ({
  conflictId: id,
  localId: 'L-1',
  orderNo: 'DG20261204000601',
  field: 'citizenAddress',
  seatValue: '鸿福路 88 号',
  hubValue: '鸿福路 86 号',
  hubChangedBy: 'lead01',
  seatId: 'seat-1',
  mutationId: `m-${id}`,
  detectedAt: '2026-12-04T02:00:00.000Z',
  resolution: null,
  ...extra,
});

const refusal = (id: string, extra: Partial<RejectedMutation> = {}): RejectedMutation => ({
  mutationId: id,
  name: 'order.create',
  localId: 'L-1',
  orderNo: null,
  code: 'invalid',
  reason: 'territory: XX is not a territory',
  at: '2026-12-04T02:00:00.000Z',
  ...extra,
});

function wired(handlers: Parameters<typeof setup>[0] = {}) {
  const ctx = setup(handlers);
  bindDeskEvents(ctx.desk, ctx.store, (_listener: (s: LinkState) => void) => () => undefined);
  return ctx;
}

describe('conflicts', () => {
  it('are listed on sign-in and again on conflicts.changed', async () => {
    let open = [conflict('c1')];
    const { state, desk } = wired({ 'conflict.list': () => open });
    await state().login({ account: 'a', password: 'p', extension: '1001' });
    await flush();
    expect(state().conflicts.map((c) => c.conflictId)).toEqual(['c1']);

    open = [conflict('c1'), conflict('c2', { field: 'summary' })];
    desk.emit('conflicts.changed', { open: 2 });
    await flush();
    expect(state().conflicts.map((c) => c.conflictId)).toEqual(['c1', 'c2']);
  });

  it('sends the agent’s choice and drops the decided conflict', async () => {
    let open = [conflict('c1'), conflict('c2')];
    const { state, desk } = setup({
      'conflict.list': () => open,
      'conflict.resolve': ({ conflictId }) => {
        open = open.filter((c) => c.conflictId !== conflictId);
        return {};
      },
    });
    await state().loadConflicts();
    expect(await state().resolveConflict('c2', 'seat')).toBe(true);
    expect(desk.callsOf('conflict.resolve')).toEqual([{ conflictId: 'c2', choice: 'seat' }]);
    expect(state().conflicts.map((c) => c.conflictId)).toEqual(['c1']);
    expect(state().resolvingId).toBeNull();
  });

  it('keeps a conflict the seat core did not take, and says why', async () => {
    const { state } = setup({
      'conflict.list': () => [conflict('c1')],
      'conflict.resolve': () => fail('not-found'),
    });
    await state().loadConflicts();
    expect(await state().resolveConflict('c1', 'hub')).toBe(false);
    expect(state().conflicts).toHaveLength(1);
    expect(state().resolveError).toEqual({
      conflictId: 'c1',
      error: { code: 'not-found', message: 'fake not-found' },
    });
  });
});

describe('refused mutations', () => {
  it('are listed again on the sync.rejected event, and stay when sync says 0', async () => {
    let list: RejectedMutation[] = [];
    const { state, desk } = wired({ 'sync.rejected': () => list });
    await state().login({ account: 'a', password: 'p', extension: '1001' });
    await flush();
    expect(state().rejected).toEqual([]);

    list = [refusal('m1')];
    desk.emit('sync.rejected', refusal('m1'));
    await flush();
    expect(state().rejected.map((r) => r.mutationId)).toEqual(['m1']);

    desk.emit('sync.status', { ...SYNC, rejected: 0 });
    expect(state().rejected).toHaveLength(1);
  });

  it('leave the list only when the agent dismisses them', async () => {
    let list = [
      refusal('m1'),
      refusal('m2', { name: 'order.update', orderNo: 'DG20261204000601' }),
    ];
    const { state, desk } = setup({
      'sync.rejected': () => list,
      'sync.dismiss': ({ mutationId }) => {
        list = list.filter((r) => r.mutationId !== mutationId);
        return {};
      },
    });
    await state().loadRejected();
    expect(await state().dismissRejected('m1')).toBe(true);
    expect(desk.callsOf('sync.dismiss')).toEqual([{ mutationId: 'm1' }]);
    expect(state().rejected.map((r) => r.mutationId)).toEqual(['m2']);
    await flush();
    expect(desk.callsOf('order.list')).toHaveLength(1);
  });

  it('stay listed when the dismissal fails', async () => {
    const { state } = setup({
      'sync.rejected': () => [refusal('m1')],
      'sync.dismiss': () => fail('internal'),
    });
    await state().loadRejected();
    expect(await state().dismissRejected('m1')).toBe(false);
    expect(state().rejected).toHaveLength(1);
    expect(state().dismissError?.mutationId).toBe('m1');
  });
});

describe('seat status and sign-in', () => {
  const damaged: SeatNotice = {
    id: 'n1',
    kind: 'store-damaged',
    message: 'The store file was damaged',
    file: '/var/lib/hotline/seat.db.damaged-1',
    at: '2026-12-04T02:00:00.000Z',
  };

  it('reads the seat status before any session, follows its event, dismisses notices', async () => {
    const { state, desk } = wired({
      'seat.status': () => ({ ...SEAT_STATUS, notices: [damaged] }),
    });
    await state().boot();
    await flush();
    expect(state().phase).toBe('signed-out');
    expect(state().seatStatus?.notices).toEqual([damaged]);

    await state().dismissNotice('n1');
    expect(desk.callsOf('seat.dismissNotice')).toEqual([{ id: 'n1' }]);
    expect(state().seatStatus?.notices).toEqual([]);

    desk.emit('seat.status', { ...SEAT_STATUS, keySource: 'none', notices: [damaged] });
    expect(state().seatStatus).toMatchObject({ keySource: 'none', notices: [damaged] });
  });

  it('keeps a notice the seat core did not dismiss', async () => {
    const { state } = setup({
      'seat.status': () => ({ ...SEAT_STATUS, notices: [damaged] }),
      'seat.dismissNotice': () => fail('internal'),
    });
    await state().loadSeatStatus();
    await state().dismissNotice('n1');
    expect(state().seatStatus?.notices).toHaveLength(1);
  });

  it('signs in offline when the seat core says so, and refuses with its code', async () => {
    const offline = setup({ 'session.login': () => ({ ...SESSION, offline: true }) });
    await offline.state().login({ account: 'a', password: 'p', extension: '1001' });
    expect(offline.state().session?.offline).toBe(true);

    const web = setup({ 'session.login': () => fail('offline-sign-in-unavailable') });
    expect(await web.state().login({ account: 'a', password: 'p', extension: '1001' })).toBe(false);
    expect(web.state()).toMatchObject({
      phase: 'signed-out',
      loginError: { code: 'offline-sign-in-unavailable' },
    });
  });

  it('drops the offline badge once the hub answers and the core has a hub session', async () => {
    let offline = true;
    const { state } = setup({
      'session.login': () => ({ ...SESSION, offline: true }),
      'session.get': () => ({ ...SESSION, offline }),
    });
    await state().login({ account: 'a', password: 'p', extension: '1001' });
    state().syncStatusChanged({ ...SYNC, hubReachable: false });
    await flush();
    expect(state().session?.offline).toBe(true);

    offline = false;
    state().syncStatusChanged({ ...SYNC, hubReachable: true });
    await flush();
    expect(state().session?.offline).toBe(false);
  });

  it('clears conflicts and refusals with the session', async () => {
    const { state } = setup({
      'conflict.list': () => [conflict('c1')],
      'sync.rejected': () => [refusal('m1')],
    });
    await state().login({ account: 'a', password: 'p', extension: '1001' });
    await flush();
    expect(state().conflicts).toHaveLength(1);
    state().showView('conflicts');
    await state().logout();
    expect(state()).toMatchObject({ conflicts: [], rejected: [], centreView: 'pop' });
  });

  it('brings the pop back to the centre when a call rings', async () => {
    const { state } = setup();
    state().showView('orders');
    state().openPop({ callId: 'c1', caller: '13800138000', queue: 'general', waitMs: 0 });
    expect(state().centreView).toBe('pop');
  });
});
