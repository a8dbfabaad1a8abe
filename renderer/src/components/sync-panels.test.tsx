import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalConflict, RejectedMutation } from '../../../shared/desk-api';
import type { OrderInput } from '../../../shared/order';
import { setLogSink } from '../lib/log';
import { SEAT_STATUS, SESSION, SYNC, localOrder, setup } from '../testing/fakes';
import { attr, byTestId, render, textOf } from '../testing/render';
import { ConflictsPanel } from './ConflictsPanel';
import { KbPanel } from './KbPanel';
import { OrderForm } from './OrderForm';
import { RejectedPanel } from './RejectedPanel';
import { SeatNotices } from './SeatNotices';
import { SeatOrders } from './SeatOrders';
import { SignIn } from './SignIn';
import { SyncStrip } from './SyncStrip';
import { TopBar } from './TopBar';

beforeAll(() => setLogSink(() => undefined));

const INPUT: OrderInput = {
  type: 'complaint',
  category: 'noise',
  territory: 'NC',
  summary: '夜间施工噪音扰民',
  citizenName: '陈先生',
  citizenAddress: '鸿福路 88 号',
  callerNumber: '13800138000',
};

const one = (html: string, id: string) => {
  const found = byTestId(html, id);
  expect(found, id).toHaveLength(1);
  return found[0] as { tag: string; inner: string };
};

describe('sync strip and top bar', () => {
  it('shows last success, the error, the next retry and the catch-up progress', () => {
    const { store, state } = setup();
    const now = Date.now();
    state().syncStatusChanged({
      ...SYNC,
      hubReachable: false,
      pending: 340,
      lastSuccessAt: new Date(now - 5.5 * 60_000).toISOString(),
      lastError: 'connect ECONNREFUSED 10.0.0.5:8443',
      nextRetryAt: new Date(now + 12_000).toISOString(),
      catchUp: { total: 1000, done: 660 },
    });
    const html = render(store, <SyncStrip />);

    expect(textOf(one(html, 'sync-last').inner)).toBe('上次同步 5 分钟前');
    const error = one(html, 'sync-error');
    expect(textOf(error.inner)).toBe('最近错误：无法连接 12345 中心');
    expect(attr(error.tag, 'title')).toBe('connect ECONNREFUSED 10.0.0.5:8443');
    expect(attr(error.tag, 'data-code')).toBe('hub-unreachable');
    const retry = Number(attr(one(html, 'sync-retry').tag, 'data-seconds'));
    expect(retry).toBeGreaterThanOrEqual(11);
    expect(retry).toBeLessThanOrEqual(13);
    const bar = one(html, 'sync-progress').tag;
    expect([attr(bar, 'aria-valuenow'), attr(bar, 'aria-valuemax')]).toEqual(['660', '1000']);
    expect(attr(bar, 'aria-label')).toBe('正在补传 660/1000');
  });

  it('has no retry or progress when sync is well', () => {
    const { store, state } = setup();
    state().syncStatusChanged({ ...SYNC, lastSuccessAt: new Date().toISOString() });
    const html = render(store, <SyncStrip />);
    expect(textOf(one(html, 'sync-last').inner)).toBe('上次同步 刚刚');
    expect(byTestId(html, 'sync-retry')).toEqual([]);
    expect(byTestId(html, 'sync-progress')).toEqual([]);
  });

  it('counts conflicts and refusals, keeps sync now, badges an offline sign-in', async () => {
    const { store, state } = setup({ 'session.login': () => ({ ...SESSION, offline: true }) });
    await state().login({ account: 'a', password: 'p', extension: '1001' });
    state().syncStatusChanged({ ...SYNC, conflicts: 2, rejected: 1 });
    state().setLang('en');
    const html = render(store, <TopBar />);
    expect(textOf(one(html, 'sync-now').inner)).toBe('Sync now');

    const strip = render(store, <SyncStrip />);
    expect(textOf(one(strip, 'session-offline').inner)).toBe('Signed in offline (hub unreachable)');
    const conflicts = one(strip, 'sync-conflicts');
    expect(textOf(conflicts.inner)).toBe('2 conflicts');
    expect(attr(conflicts.tag, 'aria-label')).toBe('Show the 2 conflicts to decide');
    expect(attr(one(strip, 'sync-rejected').tag, 'aria-label')).toBe('Show the 1 refused');
  });
});

describe('conflicts panel', () => {
  const conflict: LocalConflict = {
    conflictId: 'cf-1',
    localId: 'L-1',
    orderNo: 'DG20261204000601',
    field: 'category',
    seatValue: 'noise',
    hubValue: 'traffic',
    hubChangedBy: 'lead01',
    seatId: 'seat-1',
    mutationId: 'm-1',
    detectedAt: '2026-12-04T02:00:00.000Z',
    resolution: null,
  };

  it('shows the field, both values by name, who changed the hub’s, and both choices', () => {
    const { store } = setup();
    store.setState({
      conflicts: [
        conflict,
        { ...conflict, conflictId: 'cf-2', field: 'summary', seatValue: '', hubValue: '改过' },
      ],
    });
    const html = render(store, <ConflictsPanel />);

    expect(textOf(one(html, 'conflict-rule').inner)).toContain('暂以中心的值为准');
    const [first, second] = byTestId(html, 'conflict');
    if (!first || !second) throw new Error('two conflicts expected');
    expect(textOf(first.inner)).toContain('诉求分类');
    expect(textOf(one(first.inner, 'conflict-seat').inner)).toBe('本机的值噪音扰民');
    expect(textOf(one(first.inner, 'conflict-hub').inner)).toBe('中心的值 · lead01 修改交通出行');
    expect(attr(one(first.inner, 'conflict-keep-hub').tag, 'aria-label')).toBe(
      '诉求分类：保留中心的值',
    );
    expect(attr(one(first.inner, 'conflict-use-mine').tag, 'aria-label')).toBe(
      '诉求分类：改用本机的值',
    );
    expect(textOf(one(second.inner, 'conflict-seat').inner)).toBe('本机的值（空）');
  });

  it('disables the choices while a decision is on its way, and says why one failed', () => {
    const { store } = setup();
    store.setState({
      conflicts: [conflict],
      resolvingId: 'cf-1',
      resolveError: { conflictId: 'cf-1', error: { code: 'not-found', message: 'gone' } },
    });
    const html = render(store, <ConflictsPanel />);
    expect(one(html, 'conflict-keep-hub').tag).toContain('disabled');
    expect(textOf(html)).toContain('未能提交：本机没有找到该记录');
  });
});

describe('refusals panel', () => {
  const created: RejectedMutation = {
    mutationId: 'm1',
    name: 'order.create',
    localId: 'L-1',
    orderNo: null,
    code: 'invalid',
    reason: 'territory: XX is not a territory',
    at: '2026-12-04T02:00:00.000Z',
  };
  const edited: RejectedMutation = {
    ...created,
    mutationId: 'm2',
    name: 'order.update',
    orderNo: 'DG20261204000601',
    code: 'forbidden',
    reason: 'the order is assigned to another agent',
  };

  it('shows the translated code, the hub’s reason and the order; copy only for a new order', () => {
    const { store } = setup();
    store.setState({ rejected: [created, edited], lang: 'en' });
    const html = render(store, <RejectedPanel />);
    const [first, second] = byTestId(html, 'rejected');
    if (!first || !second) throw new Error('two refusals expected');

    expect(textOf(first.inner)).toContain('Breaks an order rule');
    expect(textOf(first.inner)).toContain('Seat order (no number yet)');
    expect(textOf(one(first.inner, 'rejected-reason').inner)).toBe(
      'The hub says: territory: XX is not a territory',
    );
    expect(byTestId(first.inner, 'rejected-copy')).toHaveLength(1);
    expect(textOf(second.inner)).toContain('Not allowed to change this order');
    expect(textOf(second.inner)).toContain('Order DG20261204000601');
    expect(byTestId(second.inner, 'rejected-copy')).toEqual([]);
    expect(attr(one(second.inner, 'rejected-dismiss').tag, 'aria-label')).toBe(
      'Dismiss this refusal',
    );
  });

  it('will not copy over a form holding unsaved text', () => {
    const { store, state } = setup();
    store.setState({ rejected: [created] });
    state().setField('summary', '还没保存');
    const html = render(store, <RejectedPanel />);
    expect(one(html, 'rejected-copy').tag).toContain('disabled');
  });
});

describe('seat orders', () => {
  it('lists the seat core’s order with state, edits, conflicts and the hub’s facts', () => {
    const { store } = setup();
    store.setState({
      localOrders: [
        localOrder(INPUT, { localId: 'L-2', status: 'pending', pendingEdits: 2 }),
        localOrder(INPUT, {
          localId: 'L-1',
          status: 'synced',
          origin: 'hub',
          orderNo: 'DG20261204000601',
          openConflicts: 1,
          hub: {
            version: 3,
            state: 'dispatched',
            createdAt: '2026-12-01T02:00:00.000Z',
            deadline: '2026-12-08T02:00:00.000Z',
            lastReply: '已转南城分局',
            assignedTo: 'gh0137',
          },
        }),
        localOrder(INPUT, { localId: 'L-3', status: 'rejected', rejectReason: 'invalid' }),
      ],
    });
    const html = render(store, <SeatOrders />);
    const rows = byTestId(html, 'seat-order');
    expect(rows.map((r) => attr(r.tag, 'data-local-id'))).toEqual(['L-2', 'L-1', 'L-3']);
    const [pending, synced, refused] = rows as [
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
    ];

    expect(textOf(one(pending.inner, 'seat-order-edits').inner)).toBe('2 处修改待同步');
    const facts = textOf(synced.inner);
    expect(facts).toContain('中心指派');
    expect(textOf(one(synced.inner, 'seat-order-hub-state').inner)).toBe('已派单');
    expect(textOf(one(synced.inner, 'seat-order-conflicts').inner)).toBe('1 个冲突');
    expect(facts).toContain('2026-12-08');
    expect(facts).toContain('已转南城分局');
    expect(facts).toContain('指派给 gh0137');
    expect(attr(one(synced.inner, 'seat-order-edit').tag, 'aria-label')).toBe(
      '修改工单 DG20261204000601',
    );
    expect(one(refused.inner, 'seat-order-edit').tag).toContain('disabled');
  });

  it('offers no edit while the form holds unsaved text', () => {
    const { store, state } = setup();
    store.setState({ localOrders: [localOrder(INPUT)] });
    state().setField('summary', '还没保存');
    const html = render(store, <SeatOrders />);
    expect(one(html, 'seat-order-edit').tag).toContain('disabled');
  });
});

describe('order form in edit mode', () => {
  it('names the order being edited and saves changes', () => {
    const { store, state } = setup();
    state().editOrder(localOrder(INPUT, { localId: 'L-1', orderNo: 'DG20261204000601' }));
    const html = render(store, <OrderForm />);
    expect(textOf(one(html, 'order-editing').inner)).toBe('修改工单 DG20261204000601');
    expect(textOf(one(html, 'order-save').inner)).toBe('保存修改');
    expect(byTestId(html, 'order-cancel-edit')).toHaveLength(1);
  });
});

describe('seat notices, sign-in and KB offline', () => {
  it('names the kept file of a damaged store, and warns of an unencrypted one', () => {
    const { store } = setup();
    store.setState({
      seatStatus: {
        ...SEAT_STATUS,
        notices: [
          {
            id: 'n1',
            kind: 'store-damaged',
            message: 'damaged',
            file: '/data/seat.db.damaged-20261204',
            at: '2026-12-04T02:00:00.000Z',
          },
          { id: 'n2', kind: 'store-unencrypted', message: 'plain', file: null, at: 'x' },
        ],
      },
    });
    const html = render(store, <SeatNotices />);
    const [damaged, plain] = byTestId(html, 'seat-notice');
    if (!damaged || !plain) throw new Error('two notices expected');
    expect(attr(damaged.tag, 'role')).toBe('alert');
    expect(textOf(damaged.inner)).toContain('原文件已保留为 /data/seat.db.damaged-20261204');
    expect(attr(plain.tag, 'role')).toBe('status');
    expect(attr(plain.tag, 'class')).toContain('banner--warn');
    expect(byTestId(html, 'seat-notice-dismiss')).toHaveLength(2);
  });

  it('explains each sign-in refusal of the offline cases', () => {
    const cases = {
      'offline-sign-in-unavailable': '网页坐席的数据密钥',
      'offline-credentials-unknown': '离线登录只适用于',
      'store-locked': '登录成功后才能解锁',
      'not-found': '本机没有找到该记录',
    } as const;
    for (const [code, words] of Object.entries(cases)) {
      const { store } = setup();
      store.setState({
        phase: 'signed-out',
        loginError: { code: code as keyof typeof cases, message: 'x' },
      });
      const error = one(render(store, <SignIn />), 'login-error');
      expect(attr(error.tag, 'data-code')).toBe(code);
      expect(textOf(error.inner)).toContain(words);
    }
  });

  it('says when KB answers come from this seat’s cache', () => {
    const { store } = setup();
    const result = { query: '社保', hits: [], confident: false };
    store.setState({ kbQuery: '社保', kbStatus: 'ready', kbResult: { ...result, offline: true } });
    expect(textOf(one(render(store, <KbPanel />), 'kb-offline').inner)).toContain('本机缓存');

    store.setState({ kbResult: { ...result, offline: false } });
    expect(byTestId(render(store, <KbPanel />), 'kb-offline')).toEqual([]);
  });
});
