import { afterEach, describe, expect, it } from 'vitest';
import type { Pop } from '../../../shared/desk-api.js';
import type { Handover, KbSearchResponse, OfferedPop } from '../../../shared/hub-api.js';
import type { HubOrder } from '../../../shared/order.js';
import { sampleOrderInput, startFakeHub, type FakeHub } from '../../../tests/fakes/hub-sync.js';
import { eventually, startSeatKit, type SeatKit } from '../testing/seat-kit.js';

let hub: FakeHub | null = null;
let kit: SeatKit | null = null;

afterEach(async () => {
  await kit?.close();
  await hub?.close();
  kit = hub = null;
});

const order: HubOrder = {
  orderNo: 'DG-PUSHED-1',
  clientOrderId: null,
  type: 'consultation',
  category: 'social-insurance',
  territory: 'DC',
  summary: '咨询社保转移',
  citizenName: '',
  citizenAddress: '',
  callerNumber: '13800138000',
  state: 'closed',
  createdAt: '2026-10-01T02:00:00.000Z',
  deadline: null,
  lastReply: null,
  assignedTo: null,
  version: 1,
};

const kbAnswer: KbSearchResponse = {
  query: '社会保险',
  hits: [
    {
      id: 'kb-9',
      title: '社保转移',
      category: 'social-insurance',
      snippet: 's',
      answer: 'a',
      score: 2,
    },
  ],
  confident: true,
};

function pushed(extra: Partial<OfferedPop> = {}): OfferedPop {
  return {
    history: { number: '13800138000', orders: [order], calls: [], total: 41 },
    historyError: null,
    topic: 'social-insurance',
    kb: kbAnswer,
    kbError: null,
    handover: null,
    ...extra,
  };
}

const handover: Handover = {
  id: 'h-1',
  callId: 'citizen-call-1',
  callerNumber: '13800138000',
  target: '123454',
  fromAgent: { id: 'a2', name: 'Agent Two', extension: '1002' },
  draft: null,
  notes: '已转政策专家',
  at: '2026-12-03T02:00:00.000Z',
};

async function seat(): Promise<{ hub: FakeHub; kit: SeatKit }> {
  hub = await startFakeHub();
  // What the hub would answer if the seat asked itself: another order, so it shows.
  hub.history.set('13800138000', { orders: [{ ...order, orderNo: 'DG-ASKED-1' }] });
  kit = startSeatKit({ hubUrl: hub.url });
  await kit.login();
  await eventually(() => hub!.eventClients > 0);
  return { hub, kit };
}

const historyReads = (h: FakeHub) => h.requests.filter((r) => r.includes('/callers/')).length;
const handoverReads = (h: FakeHub) => h.requests.filter((r) => r.includes('/handovers')).length;

async function offeredPop(k: SeatKit, callId: string): Promise<Pop | undefined> {
  const event = await k.waitForEvent(
    (e) => e.event === 'call.offered' && e.payload.callId === callId,
  );
  return event.event === 'call.offered' ? event.payload.pop : undefined;
}

describe('a pop the hub sent with the offer', () => {
  it('goes to the desk complete with the offer; the seat asks the hub for no part', async () => {
    const { hub, kit } = await seat();
    hub.emit({
      type: 'call.offered',
      callId: 'c-1',
      caller: '13800138000',
      queue: 'general',
      waitMs: 700,
      pop: pushed(),
    });

    const pop = await offeredPop(kit, 'c-1');
    expect(pop?.history?.orders.map((o) => o.orderNo)).toEqual(['DG-PUSHED-1']);
    expect(pop).toMatchObject({ number: '13800138000', topic: 'social-insurance', handover: null });
    expect(pop?.kb?.hits[0]?.id).toBe('kb-9');
    // The desk's lookup of the call (a reload) is served from it too.
    const again = await kit.call('pop.lookup', { callerNumber: '13800138000', callId: 'c-1' });
    expect(again.history?.total).toBe(41);
    expect(historyReads(hub)).toBe(0);
    expect(handoverReads(hub)).toBe(0);
    expect(hub.kbQueries).toEqual([]);
  });

  it('shows the handover the hub put in the offer, and adds the seat’s own orders', async () => {
    const { hub, kit } = await seat();
    const mine = await kit.call('order.save', {
      order: sampleOrderInput({ category: 'social-insurance' }),
    });
    hub.emit({
      type: 'call.offered',
      callId: 'c-7',
      caller: '13800138000',
      queue: 'policy-expert',
      waitMs: 0,
      pop: pushed({ handover }),
    });

    const pop = await offeredPop(kit, 'c-7');
    expect(pop?.handover).toEqual(handover);
    expect(pop?.localOrders.map((o) => o.localId)).toEqual([mine.localId]);
    // A reloaded desk's lookup gets the same handover without asking.
    const again = await kit.call('pop.lookup', { callerNumber: '13800138000', callId: 'c-7' });
    expect(again.handover?.id).toBe('h-1');
    expect(handoverReads(hub)).toBe(0);
  });

  it('forwards a pop without the handover lookup (an older hub) at once, without the pop', async () => {
    const { hub, kit } = await seat();
    const { handover: _none, ...older } = pushed();
    hub.emit({
      type: 'call.offered',
      callId: 'c-8',
      caller: '13800138000',
      queue: 'general',
      waitMs: 0,
      pop: older,
    });

    expect(await offeredPop(kit, 'c-8')).toBeUndefined();
    const pop = await kit.call('pop.lookup', {
      callerNumber: '13800138000',
      callId: 'c-8',
      queue: 'general',
    });
    expect(pop.history?.orders.map((o) => o.orderNo)).toEqual(['DG-PUSHED-1']);
    expect(handoverReads(hub)).toBe(1);
    expect(historyReads(hub)).toBe(0);
  });

  it('asks for the history itself when the hub sent an error for it', async () => {
    const { hub, kit } = await seat();
    const failed = pushed({
      history: null,
      historyError: 'history not read: disk I/O error',
      topic: null,
      kb: null,
    });
    hub.emit({
      type: 'call.offered',
      callId: 'c-2',
      caller: '13800138000',
      queue: 'general',
      waitMs: 0,
      pop: failed,
    });

    // The offer goes on at once; the desk's lookup gets what the seat asked for.
    expect(await offeredPop(kit, 'c-2')).toBeUndefined();
    const pop = await kit.call('pop.lookup', {
      callerNumber: '13800138000',
      callId: 'c-2',
      queue: 'general',
    });
    expect(pop.history?.orders.map((o) => o.orderNo)).toEqual(['DG-ASKED-1']);
    expect(historyReads(hub)).toBe(1);
    expect(hub.kbQueries).toEqual(['社会保险']);
  });

  it('searches the KB itself when only the KB part failed at the hub', async () => {
    const { hub, kit } = await seat();
    const noKb = pushed({ kb: null, kbError: 'KB search failed: the KB is still being indexed' });
    hub.emit({
      type: 'call.offered',
      callId: 'c-3',
      caller: '13800138000',
      queue: 'general',
      waitMs: 0,
      pop: noKb,
    });

    expect(await offeredPop(kit, 'c-3')).toBeUndefined();
    const pop = await kit.call('pop.lookup', {
      callerNumber: '13800138000',
      callId: 'c-3',
      queue: 'general',
    });
    expect(pop.history?.orders.map((o) => o.orderNo)).toEqual(['DG-PUSHED-1']);
    expect(pop.kb?.hits.length).toBeGreaterThan(0);
    expect(hub.kbQueries).toEqual(['社会保险']);
    expect(historyReads(hub)).toBe(0);
  });

  it('sends an offer without a pop on, and the desk looks it up (an older hub)', async () => {
    const { hub, kit } = await seat();
    hub.emit({
      type: 'call.offered',
      callId: 'c-4',
      caller: '13800138000',
      queue: 'general',
      waitMs: 0,
    });

    expect(await offeredPop(kit, 'c-4')).toBeUndefined();
    const pop = await kit.call('pop.lookup', {
      callerNumber: '13800138000',
      callId: 'c-4',
      queue: 'general',
    });
    expect(pop.history?.orders.map((o) => o.orderNo)).toEqual(['DG-ASKED-1']);
    expect(historyReads(hub)).toBe(1);
  });

  it("holds the lookup of a queue call that beat its offer, and answers with the offer's pop", async () => {
    const { hub, kit } = await seat();
    const early = kit.call('pop.lookup', {
      callerNumber: '13800138000',
      callId: 'c-5',
      queue: 'general',
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    hub.emit({
      type: 'call.offered',
      callId: 'c-5',
      caller: '13800138000',
      queue: 'general',
      waitMs: 0,
      pop: pushed(),
    });

    expect((await early).history?.orders.map((o) => o.orderNo)).toEqual(['DG-PUSHED-1']);
    expect(historyReads(hub)).toBe(0);
  });

  it('does not hold the lookup of a direct call (no queue)', async () => {
    const { hub, kit } = await seat();
    const started = Date.now();
    const pop = await kit.call('pop.lookup', { callerNumber: '13800138000', callId: 'c-6' });
    expect(pop.history?.orders.map((o) => o.orderNo)).toEqual(['DG-ASKED-1']);
    expect(Date.now() - started).toBeLessThan(300);
    expect(historyReads(hub)).toBe(1);
  });
});
