import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { KbSearchResponse } from '../../../shared/hub-api.js';
import type { HubOrder } from '../../../shared/order.js';
import { sampleOrderInput, startFakeHub, type FakeHub } from '../../../tests/fakes/hub-sync.js';
import type { HubClient } from '../hub/hub-client.js';
import { eventually, startSeatKit, type SeatKit } from '../testing/seat-kit.js';
import { PopService } from './pop-service.js';

let hub: FakeHub | null = null;
let kit: SeatKit | null = null;

afterEach(async () => {
  await kit?.close();
  await hub?.close();
  kit = hub = null;
});

function hubOrder(overrides: Partial<HubOrder>): HubOrder {
  return {
    orderNo: 'DG-OLD-1',
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
    ...overrides,
  };
}

describe('pop.lookup', () => {
  it('takes the topic from the newest order and searches the KB on its Chinese label', async () => {
    hub = await startFakeHub();
    hub.history.set('13800138000', {
      orders: [
        hubOrder({ orderNo: 'DG-1', category: 'social-insurance' }),
        hubOrder({ orderNo: 'DG-2', category: 'housing-fund', createdAt: '2026-11-20T02:00:00Z' }),
        hubOrder({ orderNo: 'DG-3', category: 'noise', createdAt: '2026-11-02T02:00:00Z' }),
      ],
    });
    kit = startSeatKit({ hubUrl: hub.url });
    await kit.login();
    // Whether or not it reached the hub yet, the newest order is about the same topic.
    const mine = await kit.call('order.save', {
      order: sampleOrderInput({ category: 'housing-fund' }),
    });

    const pop = await kit.call('pop.lookup', { callerNumber: '+86 138 0013 8000' });

    expect(pop.number).toBe('13800138000');
    expect(pop.topic).toBe('housing-fund');
    expect(new Set(hub.kbQueries)).toEqual(new Set(['住房公积金']));
    expect(pop.kb?.hits[0]?.title).toContain('住房公积金');
    expect(pop.history?.orders.map((o) => o.orderNo)).toEqual(
      expect.arrayContaining(['DG-1', 'DG-2', 'DG-3']),
    );
    expect(pop.localOrders.map((o) => o.localId)).toEqual([mine.localId]);
  });

  it('searches on the summary when the category has no label', async () => {
    hub = await startFakeHub();
    hub.history.set('13800138000', {
      orders: [hubOrder({ category: 'retired-code', summary: '小区电梯故障无人维修' })],
    });
    kit = startSeatKit({ hubUrl: hub.url });
    await kit.login();

    const pop = await kit.call('pop.lookup', { callerNumber: '13800138000' });
    expect(pop.topic).toBe('retired-code');
    expect(hub.kbQueries).toEqual(['小区电梯故障无人维修']);
  });

  it('still shows the local orders when the hub is down', async () => {
    hub = await startFakeHub();
    kit = startSeatKit({ hubUrl: hub.url });
    await kit.login();
    await hub.stop();
    const saved = await kit.call('order.save', {
      order: sampleOrderInput({ category: 'traffic' }),
    });

    const pop = await kit.call('pop.lookup', { callerNumber: '138-0013-8000' });

    expect(pop.history).toBeNull();
    expect(pop.historyError).toMatch(/cannot be reached/);
    expect(pop.kb).toBeNull();
    expect(pop.topic).toBe('traffic');
    expect(pop.localOrders.map((o) => o.localId)).toEqual([saved.localId]);
  });

  it('says so for a withheld number without asking the hub', async () => {
    hub = await startFakeHub();
    kit = startSeatKit({ hubUrl: hub.url });
    await kit.login();
    const pop = await kit.call('pop.lookup', { callerNumber: 'anonymous' });
    expect(pop).toMatchObject({ history: null, historyError: expect.stringMatching(/withheld/) });
    expect(hub.requests.filter((r) => r.includes('/callers/'))).toEqual([]);
  });

  it('prefetches on call.offered, so the pop after the INVITE asks the hub nothing', async () => {
    hub = await startFakeHub();
    hub.history.set('13800138000', { orders: [hubOrder({})] });
    kit = startSeatKit({ hubUrl: hub.url });
    await kit.login();
    await eventually(() => (hub?.eventClients ?? 0) > 0);

    hub.emit({
      type: 'call.offered',
      callId: 'c-1',
      caller: '13800138000',
      queue: 'general',
      waitMs: 1200,
    });
    const offered = await kit.waitForEvent((e) => e.event === 'call.offered');
    expect(offered.payload).toMatchObject({ callId: 'c-1', waitMs: 1200 });
    await eventually(() => (hub?.kbQueries.length ?? 0) === 1);

    const before = hub.requests.length;
    const pop = await kit.call('pop.lookup', {
      callerNumber: 'sip:13800138000@127.0.0.1',
      callId: 'c-1',
    });
    expect(pop.topic).toBe('social-insurance');
    expect(hub.requests.length).toBe(before);
  });

  const historyReads = () => hub!.requests.filter((r) => r.includes('/callers/')).length;

  async function offer(callId: string, caller = '13800138000'): Promise<void> {
    const reads = historyReads();
    hub!.emit({ type: 'call.offered', callId, caller, queue: 'general', waitMs: 800 });
    await kit!.waitForEvent((e) => e.event === 'call.offered' && e.payload.callId === callId);
    await eventually(() => historyReads() === reads + 1);
  }

  async function offeredSeat(): Promise<void> {
    hub = await startFakeHub();
    hub.history.set('13800138000', { orders: [hubOrder({})] });
    kit = startSeatKit({ hubUrl: hub.url });
    await kit.login();
    await eventually(() => (hub?.eventClients ?? 0) > 0);
  }

  it("never shows one call's prefetch for another call of the same citizen", async () => {
    await offeredSeat();
    await offer('c-1');

    await kit!.call('pop.lookup', { callerNumber: '13800138000', callId: 'c-1' });
    expect(historyReads()).toBe(1);
    // A second call of the citizen (not offered by the hub): its own read at the hub.
    const pop = await kit!.call('pop.lookup', { callerNumber: '13800138000', callId: 'c-2' });
    expect(historyReads()).toBe(2);
    expect(pop.history?.orders).toHaveLength(1);
  });

  it('drops the prefetched pop when the call rang out here', async () => {
    await offeredSeat();
    await offer('c-1');
    await kit!.call('call.event', { event: 'missed', callId: 'c-1', caller: '13800138000' });

    await kit!.call('pop.lookup', { callerNumber: '13800138000', callId: 'c-1' });
    expect(historyReads()).toBe(2);
  });

  it('drops offered pops when the hub takes the agent out of ringing (rerouted)', async () => {
    await offeredSeat();
    await offer('c-1');
    hub!.emit({ type: 'agent.state', state: 'not-ready', since: new Date().toISOString() });
    await kit!.waitForEvent((e) => e.event === 'agent.state' && e.payload.state === 'not-ready');

    await kit!.call('pop.lookup', { callerNumber: '13800138000', callId: 'c-1' });
    expect(historyReads()).toBe(2);
  });

  it('keeps the offered pop while the hub says the agent is ringing', async () => {
    await offeredSeat();
    await offer('c-1');
    hub!.emit({ type: 'agent.state', state: 'ringing', since: new Date().toISOString() });
    await kit!.waitForEvent((e) => e.event === 'agent.state' && e.payload.state === 'ringing');

    await kit!.call('pop.lookup', { callerNumber: '13800138000', callId: 'c-1' });
    expect(historyReads()).toBe(1);
  });

  it("reuses a topic's KB answers for the next caller about it", async () => {
    await offeredSeat();
    hub!.history.set('13900139000', { orders: [hubOrder({ callerNumber: '13900139000' })] });
    await offer('c-1');
    await offer('c-2', '13900139000');

    const pop = await kit!.call('pop.lookup', { callerNumber: '13900139000', callId: 'c-2' });
    expect(pop.kb?.hits[0]?.title).toContain('社会保险');
    expect(hub!.kbQueries).toEqual(['社会保险']);
  });
});

describe('call.event', () => {
  it('logs one masked line per event and reports the agent state in order', async () => {
    hub = await startFakeHub();
    kit = startSeatKit({ hubUrl: hub.url });
    await kit.login();

    const calls = [
      ['call-7', 'ringing'],
      ['call-7', 'answered'],
      ['call-7', 'ended'],
      ['call-8', 'ringing'],
      ['call-8', 'missed'],
    ] as const;
    for (const [callId, event] of calls) {
      await kit.call('call.event', { event, callId, caller: '13800138000', queue: 'general' });
    }
    await eventually(() => (hub?.stateReports.length ?? 0) === 5);

    // A direct call missed (the hub did not route it) is over: `ready` puts the agent back.
    expect(hub.stateReports).toEqual(['ringing', 'on-call', 'wrap-up', 'ringing', 'ready']);
    const lines = kit.logs.filter((l) => l.category === 'seat.call');
    expect(lines.map((l) => [l.callId, l.event])).toEqual(calls);
    expect(lines.every((l) => l.caller === '138****8000')).toBe(true);
    expect(JSON.stringify(kit.logs)).not.toContain('13800138000');
    expect(JSON.stringify(kit.logs)).not.toContain('测试坐席');
  });

  it('answers at once while the hub is down, and logs the failed report', async () => {
    hub = await startFakeHub();
    kit = startSeatKit({ hubUrl: hub.url });
    await kit.login();
    await hub.stop();

    await kit.call('call.event', { event: 'ringing', callId: 'c-9', caller: '075512345678' });
    await eventually(() =>
      kit!.logs.some(
        (l) => l.category === 'seat.call' && String(l.msg).includes('Could not report'),
      ),
    );
    const refused = await kit.core.handle('agent.setState', { state: 'ready' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'hub-unreachable' } });
  });
});

describe('PopService KB answers', () => {
  function service(kbSearch: (q: string) => Promise<KbSearchResponse>) {
    const hub = {
      callerHistory: (number: string) =>
        Promise.resolve({
          number,
          orders: [hubOrder({ callerNumber: number })],
          calls: [],
          total: 1,
        }),
      kbSearch,
      handover: () => Promise.resolve(null),
    } as unknown as HubClient;
    return new PopService({
      hub,
      store: () => ({ list: () => [] }),
      log: pino({ level: 'silent' }),
    });
  }
  const answer = (q: string): KbSearchResponse => ({
    query: q,
    hits: [{ id: 'kb-1', title: q, category: 'other', snippet: q, answer: q, score: 1 }],
    confident: true,
  });

  it('does not keep a failed search: the next caller about the topic asks again', async () => {
    const asked: string[] = [];
    const pops = service((q) => {
      asked.push(q);
      return asked.length === 1
        ? Promise.reject(new Error('hub busy'))
        : Promise.resolve(answer(q));
    });
    expect((await pops.lookup('13800138000', undefined, 'c-1')).kb).toBeNull();
    expect((await pops.lookup('13900139000', undefined, 'c-2')).kb?.hits).toHaveLength(1);
    expect((await pops.lookup('13700137000', undefined, 'c-3')).kb?.hits).toHaveLength(1);
    expect(asked).toEqual(['社会保险', '社会保险']);
  });
});
