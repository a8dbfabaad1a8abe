import { beforeAll, describe, expect, it } from 'vitest';
import type { CentreOrder, CentreOrderList } from '../../../shared/hub-api';
import { setLogSink } from '../lib/log';
import { SESSION, fail, flush, setup } from '../testing/fakes';
import { attr, byTestId, render, textOf } from '../testing/render';
import { CentreView } from './CentreView';

beforeAll(() => setLogSink(() => undefined));

const LEAD = { ...SESSION, agent: { ...SESSION.agent, account: 'lead01', role: 'lead' as const } };

const ORDER: CentreOrder = {
  orderNo: 'DG20261204000042',
  clientOrderId: 'c-42',
  type: 'consultation',
  category: 'housing-fund',
  territory: 'NC',
  summary: '公积金提取进度查询',
  citizenName: '陈先生',
  citizenAddress: '南城街道',
  callerNumber: '13800138000',
  state: 'created',
  createdAt: '2026-12-04T02:00:00.000Z',
  deadline: null,
  lastReply: null,
  assignedTo: null,
  version: 7,
  callId: 'call-42@pbx',
  agentAccount: 'agent01',
  queue: 'general',
};
const WITHOUT_CALL: CentreOrder = {
  ...ORDER,
  orderNo: 'DG20261204000041',
  callId: null,
  queue: null,
  summary: '补录工单',
};
const PAGE: CentreOrderList = { day: '20261204', orders: [ORDER, WITHOUT_CALL], next: null };

async function leadDesk(
  handlers: Parameters<typeof setup>[0] = {},
  session: typeof SESSION = LEAD,
) {
  const ctx = setup({ 'session.get': () => session, 'centreOrder.list': () => PAGE, ...handlers });
  await ctx.state().boot();
  await flush();
  ctx.state().showView('centre');
  return ctx;
}

describe("the centre's orders view", () => {
  it("lists today's orders for a lead, in Chinese by default and in English", async () => {
    const ctx = await leadDesk();
    await ctx.state().loadCentreOrders();
    let html = render(ctx.store, <CentreView />);
    expect(textOf(byTestId(html, 'tab-centre')[0]!.inner)).toBe('中心工单');
    const rows = byTestId(html, 'centre-order');
    expect(rows.map((r) => attr(r.tag, 'data-order-no'))).toEqual([
      ORDER.orderNo,
      WITHOUT_CALL.orderNo,
    ]);
    expect(textOf(rows[0]!.inner)).toContain('agent01');
    expect(textOf(rows[0]!.inner)).toContain('综合咨询');
    expect(textOf(byTestId(html, 'centre-day')[0]!.inner)).toBe('2026-12-04 受理，最新在前');
    expect(byTestId(html, 'recording-play')).toHaveLength(0);

    ctx.state().setLang('en');
    html = render(ctx.store, <CentreView />);
    expect(textOf(byTestId(html, 'tab-centre')[0]!.inner)).toBe('Centre orders');
    expect(textOf(byTestId(html, 'centre-day')[0]!.inner)).toBe(
      'Taken on 2026-12-04, newest first',
    );
  });

  it('gives an admin the recording button too', async () => {
    const admin = { ...LEAD, agent: { ...LEAD.agent, account: 'admin01', role: 'admin' as const } };
    const ctx = await leadDesk({}, admin);
    await ctx.state().loadCentreOrders();
    ctx.state().openCentreOrder(ORDER);
    const [play] = byTestId(render(ctx.store, <CentreView />), 'recording-play');
    expect(attr(play!.tag, 'data-call-id')).toBe(ORDER.callId);
  });

  it('opens an order read-only with its recording button, and says when it has no call', async () => {
    const ctx = await leadDesk();
    await ctx.state().loadCentreOrders();
    ctx.state().openCentreOrder(ORDER);
    let html = render(ctx.store, <CentreView />);
    const [detail] = byTestId(html, 'centre-order-detail');
    expect(attr(detail!.tag, 'data-order-no')).toBe(ORDER.orderNo);
    expect(byTestId(html, 'centre-order')).toHaveLength(0);
    expect(byTestId(html, 'seat-order-edit')).toHaveLength(0);
    expect(html).not.toMatch(/<(input|textarea|select)[^>]*data-testid="order-/);
    const [play] = byTestId(html, 'recording-play');
    expect(attr(play!.tag, 'data-call-id')).toBe(ORDER.callId);
    expect(textOf(byTestId(html, 'centre-order-agent')[0]!.inner)).toBe('agent01');
    expect(textOf(byTestId(html, 'centre-order-summary')[0]!.inner)).toContain(ORDER.summary);

    ctx.state().openCentreOrder(WITHOUT_CALL);
    html = render(ctx.store, <CentreView />);
    expect(byTestId(html, 'recording-play')).toHaveLength(0);
    expect(textOf(byTestId(html, 'centre-order-no-call')[0]!.inner)).toBe(
      '此工单没有关联的通话，没有录音。',
    );
    ctx.state().closeCentreOrder();
    html = render(ctx.store, <CentreView />);
    expect(byTestId(html, 'centre-order')).toHaveLength(2);
  });

  it('finds an order by its number, and says so when the centre has none or the number is wrong', async () => {
    const found = { ...ORDER } as Partial<CentreOrder>;
    delete found.agentAccount;
    delete found.queue;
    const ctx = await leadDesk({
      'centreOrder.find': ({ orderNo }) => {
        if (orderNo === ORDER.orderNo) return found as CentreOrder;
        if (orderNo === 'DG20261204000099') return null;
        return fail('bad-request', 'orderNo');
      },
    });
    await ctx.state().findCentreOrder(` ${ORDER.orderNo.toLowerCase()} `);
    expect(ctx.desk.callsOf('centreOrder.find')).toEqual([{ orderNo: ORDER.orderNo }]);
    let html = render(ctx.store, <CentreView />);
    expect(attr(byTestId(html, 'centre-order-detail')[0]!.tag, 'data-phase')).toBe('ready');
    expect(attr(byTestId(html, 'recording-play')[0]!.tag, 'data-call-id')).toBe(ORDER.callId);
    // Found by number: who took it is not in the hub's order, so the line is left out.
    expect(byTestId(html, 'centre-order-agent')).toHaveLength(0);

    await ctx.state().findCentreOrder('DG20261204000099');
    html = render(ctx.store, <CentreView />);
    expect(textOf(byTestId(html, 'centre-find-missing')[0]!.inner)).toBe(
      '中心没有编号为 DG20261204000099 的工单',
    );
    await ctx.state().findCentreOrder('DG42');
    html = render(ctx.store, <CentreView />);
    expect(textOf(byTestId(html, 'centre-find-error')[0]!.inner)).toBe(
      '工单编号应为 DG 加 14 位数字',
    );
  });

  it('pages on with `next`, keeps the filter, and shows a refusal', async () => {
    const second = { ...WITHOUT_CALL, orderNo: 'DG20261204000040' };
    const ctx = await leadDesk({
      'centreOrder.list': ({ before }) =>
        before
          ? { day: '20261204', orders: [second], next: null }
          : { day: '20261204', orders: [ORDER], next: ORDER.orderNo },
    });
    await ctx.state().loadCentreOrders({ agent: ' agent01 ', queue: '' });
    let html = render(ctx.store, <CentreView />);
    expect(byTestId(html, 'centre-more')).toHaveLength(1);
    await ctx.state().moreCentreOrders();
    expect(ctx.desk.callsOf('centreOrder.list')).toEqual([
      { agent: 'agent01', limit: 30 },
      { agent: 'agent01', before: ORDER.orderNo, limit: 30 },
    ]);
    html = render(ctx.store, <CentreView />);
    expect(byTestId(html, 'centre-order').map((r) => attr(r.tag, 'data-order-no'))).toEqual([
      ORDER.orderNo,
      second.orderNo,
    ]);
    expect(byTestId(html, 'centre-more')).toHaveLength(0);

    const refused = await leadDesk({ 'centreOrder.list': () => fail('forbidden') });
    await refused.state().loadCentreOrders();
    html = render(refused.store, <CentreView />);
    expect(textOf(byTestId(html, 'centre-error')[0]!.inner)).toBe(
      '无法读取中心工单：当前账号无权执行此操作',
    );
  });

  it('gives an agent no tab and no view of the centre', async () => {
    const ctx = setup({ 'session.get': () => SESSION, 'centreOrder.list': () => PAGE });
    await ctx.state().boot();
    await flush();
    ctx.state().showView('centre');
    const html = render(ctx.store, <CentreView />);
    expect(byTestId(html, 'tab-centre')).toHaveLength(0);
    expect(byTestId(html, 'tab-orders')).toHaveLength(1);
    expect(byTestId(html, 'centre-orders')).toHaveLength(0);
  });
});
