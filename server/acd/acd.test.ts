import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { silentLogger } from '../logger.js';
import { openAcdRig, type AcdRig } from '../testing/acd-rig.js';
import { FakeKamailio } from '../testing/fake-kamailio.js';
import { freeTcpPort } from '../testing/free-port.js';
import type { AcdOptions } from './acd.js';
import { EvapiClient } from './evapi-client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Rig extends AcdRig {
  kamailio: FakeKamailio;
  evapi: EvapiClient;
  /** The port the ACD's evapi client dials, where Kamailio listens (or will). */
  port: number;
}

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

/** A store with agents a1..aN at 100N, an ACD and its evapi client to a fake Kamailio. */
async function setup(
  agents = 2,
  options: Partial<AcdOptions> = {},
  kamailioFirst = true,
): Promise<Rig> {
  const skills: Record<string, string[]> = {};
  for (let i = 1; i <= agents; i++) skills[`a${i}`] = ['general'];
  const base = await openAcdRig(skills, systemClock, { sweepIntervalMs: 20, ...options });
  const { acd } = base;
  const kamailio = new FakeKamailio();
  const port = kamailioFirst ? await kamailio.listen() : await freeTcpPort();
  const evapi = new EvapiClient(
    { host: '127.0.0.1', port, log: silentLogger(), minBackoffMs: 20, maxBackoffMs: 100 },
    {
      onMessage: (m) => acd.handleMessage(m),
      onUp: () => acd.linkUp(),
      onDown: () => acd.linkDown(),
    },
  );
  acd.attach(evapi);
  evapi.start();
  if (kamailioFirst) await kamailio.connected();
  return {
    acd,
    store: base.store,
    seat: base.seat,
    kamailio,
    evapi,
    port,
    async close() {
      evapi.stop();
      await kamailio.close();
      await base.close();
    },
  };
}

function queued(callId: string, caller = '13800138000', tindex = 11, tlabel = 22) {
  return { event: 'call.queued', tindex, tlabel, callId, caller, queue: 'general' };
}

describe('ACD over evapi', () => {
  it('routes a queued call when an agent goes ready later, with the wait so far', async () => {
    rig = await setup(1);
    await rig.acd.login('a1', '1001');
    rig.kamailio.send(queued('call-1@pbx'));
    await sleep(80);
    expect(rig.acd.snapshot().waiting).toBe(1);
    await expect(rig.kamailio.nextReply(50)).rejects.toThrow('no reply');

    expect(await rig.acd.setStateBySeat('a1', '1001', 'ready')).toBe('ringing');
    const route = await rig.kamailio.nextReply();
    expect(route).toMatchObject({
      action: 'route',
      tindex: 11,
      tlabel: 22,
      callId: 'call-1@pbx',
      agent: '1001',
      queue: 'general',
    });
    expect(route.action === 'route' && route.waitMs).toBeGreaterThanOrEqual(70);
    const offered = rig.seat.get('a1')?.find((e) => e.type === 'call.offered');
    expect(offered).toMatchObject({ callId: 'call-1@pbx', caller: '13800138000' });

    rig.kamailio.send({ event: 'call.answered', callId: 'call-1@pbx' });
    await sleep(50);
    expect(rig.acd.stateOf('a1')).toBe('on-call');
    rig.kamailio.send({ event: 'call.ended', callId: 'call-1@pbx' });
    await sleep(50);
    expect(rig.acd.stateOf('a1')).toBe('wrap-up');

    await rig.acd.flush();
    const call = await rig.store.calls.get('call-1@pbx');
    expect(call).toMatchObject({ caller: '13800138000', callerKey: '13800138000', agent: '1001' });
    expect(call?.outcome).toBe('answered');
    expect(call?.routedAt).toBeGreaterThan(call!.queuedAt);
    expect(call?.answeredAt).toBeGreaterThanOrEqual(call!.routedAt!);
    expect(call?.endedAt).toBeGreaterThanOrEqual(call!.answeredAt!);
    expect(call?.waitMs).toBe(route.action === 'route' ? route.waitMs : -1);
    expect((await rig.store.agents.get('a1'))?.state).toBe('wrap-up');
  });

  it('gives the oldest call to the longest-idle ready agent', async () => {
    rig = await setup(2);
    await rig.acd.login('a1', '1001');
    await rig.acd.login('a2', '1002');
    await rig.acd.setStateBySeat('a2', '1002', 'ready');
    await sleep(20);
    await rig.acd.setStateBySeat('a1', '1001', 'ready');
    rig.kamailio.send(queued('first@pbx'));
    rig.kamailio.send(queued('second@pbx'));
    rig.kamailio.send(queued('third@pbx'));
    const r1 = await rig.kamailio.nextReply();
    const r2 = await rig.kamailio.nextReply();
    expect([r1.callId, r1.action === 'route' && r1.agent]).toEqual(['first@pbx', '1002']);
    expect([r2.callId, r2.action === 'route' && r2.agent]).toEqual(['second@pbx', '1001']);
    await expect(rig.kamailio.nextReply(100)).rejects.toThrow('no reply');
    expect(rig.acd.snapshot().waiting).toBe(1);
  });

  it('drops a call cancelled while queued and never routes it', async () => {
    rig = await setup(1);
    await rig.acd.login('a1', '1001');
    rig.kamailio.send(queued('gone@pbx'));
    await sleep(40);
    rig.kamailio.send({ event: 'call.cancelled', callId: 'gone@pbx' });
    await sleep(40);
    expect(rig.acd.snapshot().waiting).toBe(0);
    expect(await rig.acd.setStateBySeat('a1', '1001', 'ready')).toBe('ready');
    await expect(rig.kamailio.nextReply(150)).rejects.toThrow('no reply');
    await rig.acd.flush();
    const call = await rig.store.calls.get('gone@pbx');
    expect(call?.outcome).toBe('abandoned');
    expect(call?.waitMs).toBeGreaterThan(0);
    expect(call?.routedAt).toBeNull();
  });

  it('puts a ringing agent back to ready, first in line, when the caller hangs up', async () => {
    rig = await setup(2);
    await rig.acd.login('a1', '1001');
    await rig.acd.login('a2', '1002');
    await rig.acd.setStateBySeat('a1', '1001', 'ready');
    await sleep(20);
    await rig.acd.setStateBySeat('a2', '1002', 'ready');
    rig.kamailio.send(queued('short@pbx'));
    expect(await rig.kamailio.nextReply()).toMatchObject({ callId: 'short@pbx', agent: '1001' });
    rig.kamailio.send({ event: 'call.cancelled', callId: 'short@pbx' });
    await sleep(40);
    expect(rig.acd.stateOf('a1')).toBe('ready');
    expect(
      rig.seat
        .get('a1')
        ?.filter((e) => e.type === 'agent.state')
        .at(-1),
    ).toEqual({
      type: 'agent.state',
      state: 'ready',
      since: expect.any(String),
    });
    // The caller who gave up is on both agents' callback list.
    await rig.acd.flush();
    expect(rig.seat.get('a2')?.at(-1)).toEqual({ type: 'callbacks.changed', open: 1 });
    rig.kamailio.send(queued('next@pbx'));
    expect(await rig.kamailio.nextReply()).toMatchObject({ callId: 'next@pbx', agent: '1001' });
  });

  it('does not take ready from an agent still in a call, so no second call is offered', async () => {
    rig = await setup(1);
    await rig.acd.login('a1', '1001');
    await rig.acd.setStateBySeat('a1', '1001', 'ready');
    rig.kamailio.send(queued('talking@pbx'));
    await rig.kamailio.nextReply();
    rig.kamailio.send({ event: 'call.answered', callId: 'talking@pbx' });
    await sleep(40);
    expect(rig.acd.stateOf('a1')).toBe('on-call');

    rig.kamailio.send(queued('second@pbx', '13900139000', 12, 23));
    await sleep(40);
    expect(await rig.acd.setStateBySeat('a1', '1001', 'ready')).toBe('on-call');
    await expect(rig.kamailio.nextReply(80)).rejects.toThrow('no reply');

    rig.kamailio.send({ event: 'call.ended', callId: 'talking@pbx' });
    await sleep(40);
    expect(await rig.acd.setStateBySeat('a1', '1001', 'ready')).toBe('ringing');
    expect(await rig.kamailio.nextReply()).toMatchObject({ callId: 'second@pbx', agent: '1001' });
  });

  it('takes a signed-out agent out of routing; a call in hand ends without wrap-up', async () => {
    rig = await setup(2);
    await rig.acd.login('a1', '1001');
    await rig.acd.setStateBySeat('a1', '1001', 'ready');
    rig.kamailio.send(queued('in-hand@pbx'));
    await rig.kamailio.nextReply();
    rig.kamailio.send({ event: 'call.answered', callId: 'in-hand@pbx' });
    await sleep(40);

    // An older desk's sign-out leaves the agent where they are now.
    expect(await rig.acd.signOut('a1', '1999')).toBe(false);
    expect(rig.acd.stateOf('a1')).toBe('on-call');
    expect(await rig.acd.signOut('a1', '1001')).toBe(true);
    expect(rig.acd.stateOf('a1')).toBe('logged-out');

    rig.kamailio.send({ event: 'call.ended', callId: 'in-hand@pbx' });
    await sleep(40);
    expect(rig.acd.stateOf('a1')).toBe('logged-out');
    // The next call waits for an agent who is signed in, and goes to them.
    rig.kamailio.send(queued('next@pbx', '13900139000', 12, 23));
    await sleep(40);
    await expect(rig.kamailio.nextReply(80)).rejects.toThrow('no reply');
    await rig.acd.login('a2', '1002');
    expect(await rig.acd.setStateBySeat('a2', '1002', 'ready')).toBe('ringing');
    expect(await rig.kamailio.nextReply()).toMatchObject({ callId: 'next@pbx', agent: '1002' });
    expect(await rig.acd.signOut('a1', null)).toBe(false);
  });

  it('makes an agent who missed a routed call not-ready', async () => {
    rig = await setup(1);
    await rig.acd.login('a1', '1001');
    await rig.acd.setStateBySeat('a1', '1001', 'ready');
    rig.kamailio.send(queued('missed@pbx'));
    await rig.kamailio.nextReply();
    rig.kamailio.send({ event: 'call.failed', callId: 'missed@pbx', code: 408 });
    await sleep(40);
    expect(rig.acd.stateOf('a1')).toBe('not-ready');
    expect(rig.seat.get('a1')?.at(-1)).toEqual({
      type: 'agent.state',
      state: 'not-ready',
      reason: 'missed-call',
      since: expect.any(String),
    });
    await rig.acd.flush();
    expect((await rig.store.calls.get('missed@pbx'))?.outcome).toBe('failed');
  });

  it('re-queues a call a seat failed at the head of the queue and routes it to the next agent', async () => {
    rig = await setup(2);
    await rig.acd.login('a1', '1001');
    await rig.acd.login('a2', '1002');
    await rig.acd.setStateBySeat('a1', '1001', 'ready');
    rig.kamailio.send(queued('busy@pbx', '13800138000', 11, 22));
    const first = await rig.kamailio.nextReply();
    expect(first).toMatchObject({ action: 'route', callId: 'busy@pbx', agent: '1001' });
    rig.kamailio.send(queued('later@pbx', '13900139000', 12, 23));
    await sleep(60);

    rig.kamailio.send({
      event: 'call.requeued',
      tindex: 11,
      tlabel: 22,
      callId: 'busy@pbx',
      code: 486,
    });
    await sleep(40);
    expect(rig.acd.stateOf('a1')).toBe('not-ready');
    expect(rig.seat.get('a1')?.at(-1)).toEqual({
      type: 'agent.state',
      state: 'not-ready',
      reason: 'missed-call',
      since: expect.any(String),
    });
    expect(rig.acd.snapshot().waiting).toBe(2);

    // The re-queued call is ahead of the one queued after it, and its wait kept counting.
    expect(await rig.acd.setStateBySeat('a2', '1002', 'ready')).toBe('ringing');
    const second = await rig.kamailio.nextReply();
    expect(second).toMatchObject({
      action: 'route',
      tindex: 11,
      tlabel: 22,
      callId: 'busy@pbx',
      agent: '1002',
    });
    const w1 = first.action === 'route' ? first.waitMs : -1;
    const w2 = second.action === 'route' ? second.waitMs : -1;
    expect(w2).toBeGreaterThanOrEqual(w1 + 80);

    rig.kamailio.send({ event: 'call.answered', callId: 'busy@pbx' });
    await sleep(40);
    expect(rig.acd.stateOf('a2')).toBe('on-call');
    await rig.acd.flush();
    expect(await rig.store.calls.get('busy@pbx')).toMatchObject({
      outcome: 'answered',
      agent: '1002',
      waitMs: w2,
    });
  });

  it('refuses with 480 a call re-queued more often than maxRequeues', async () => {
    rig = await setup(1, { maxRequeues: 1 });
    await rig.acd.login('a1', '1001');
    await rig.acd.setStateBySeat('a1', '1001', 'ready');
    rig.kamailio.send(queued('loop@pbx', '13800138000', 7, 8));
    await rig.kamailio.nextReply();
    rig.kamailio.send({
      event: 'call.requeued',
      tindex: 7,
      tlabel: 8,
      callId: 'loop@pbx',
      code: 486,
    });
    await sleep(40);
    await rig.acd.setStateBySeat('a1', '1001', 'ready');
    expect(await rig.kamailio.nextReply()).toMatchObject({ action: 'route', callId: 'loop@pbx' });
    rig.kamailio.send({
      event: 'call.requeued',
      tindex: 7,
      tlabel: 8,
      callId: 'loop@pbx',
      code: 408,
    });
    expect(await rig.kamailio.nextReply()).toEqual({
      action: 'reject',
      tindex: 7,
      tlabel: 8,
      callId: 'loop@pbx',
      code: 480,
      reason: 'Temporarily Unavailable',
    });
    await sleep(20);
    expect(rig.acd.stateOf('a1')).toBe('not-ready');
    expect(rig.acd.snapshot().waiting).toBe(0);
    await rig.acd.flush();
    expect((await rig.store.calls.get('loop@pbx'))?.outcome).toBe('failed');
  });

  it('counts a caller who hangs up after a re-queue as abandoned', async () => {
    rig = await setup(1);
    await rig.acd.login('a1', '1001');
    await rig.acd.setStateBySeat('a1', '1001', 'ready');
    rig.kamailio.send(queued('gaveup@pbx'));
    await rig.kamailio.nextReply();
    rig.kamailio.send({
      event: 'call.requeued',
      tindex: 11,
      tlabel: 22,
      callId: 'gaveup@pbx',
      code: 486,
    });
    await sleep(40);
    rig.kamailio.send({ event: 'call.cancelled', callId: 'gaveup@pbx' });
    await sleep(40);
    expect(rig.acd.snapshot().waiting).toBe(0);
    expect(await rig.acd.setStateBySeat('a1', '1001', 'ready')).toBe('ready');
    await expect(rig.kamailio.nextReply(80)).rejects.toThrow('no reply');
    await rig.acd.flush();
    expect((await rig.store.calls.get('gaveup@pbx'))?.outcome).toBe('abandoned');
  });

  it('survives garbage on the socket and keeps the same link', async () => {
    rig = await setup(1);
    await rig.acd.login('a1', '1001');
    await rig.acd.setStateBySeat('a1', '1001', 'ready');
    rig.kamailio.sendRaw('garbage without framing\r\n');
    rig.kamailio.sendRaw('5:hello,');
    rig.kamailio.sendRaw('12:{"event":1},'); // wrong length
    rig.kamailio.send({ event: 'call.exploded', callId: 'x' });
    rig.kamailio.send({ event: 'call.queued', callId: 'no-transaction' });
    rig.kamailio.sendRaw('7:[1,2,3],');
    rig.kamailio.sendRaw('{"event":"call.queued"}');
    rig.kamailio.send({ event: 'call.ended', callId: 'never-seen' });
    rig.kamailio.send(queued('good@pbx'));
    expect(await rig.kamailio.nextReply()).toMatchObject({ action: 'route', callId: 'good@pbx' });
    expect(rig.kamailio.connections).toBe(1);
  });

  it('refuses with 480 a call that waited too long', async () => {
    rig = await setup(1, { queueTimeoutMs: 150 });
    rig.kamailio.send(queued('late@pbx', '0769-22345678', 5, 6));
    const reply = await rig.kamailio.nextReply();
    expect(reply).toEqual({
      action: 'reject',
      tindex: 5,
      tlabel: 6,
      callId: 'late@pbx',
      code: 480,
      reason: 'Temporarily Unavailable',
    });
    await rig.acd.flush();
    const call = await rig.store.calls.get('late@pbx');
    expect(call).toMatchObject({ outcome: 'timeout', callerKey: '076922345678' });
    expect(call?.waitMs).toBeGreaterThanOrEqual(150);
  });

  it('puts a caller turned away after the queue timeout on the callback list', async () => {
    rig = await setup(1, { queueTimeoutMs: 150 });
    // Signed in but not ready: the agent serves the queue and hears of the list.
    await rig.acd.login('a1', '1001');
    rig.kamailio.send(queued('late@pbx', '0769-22345678', 5, 6));
    expect(await rig.kamailio.nextReply()).toMatchObject({ action: 'reject', code: 480 });
    await rig.acd.flush();
    const [entry, ...more] = await rig.store.callbacks.list(null, 10);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      number: '076922345678',
      queue: 'general',
      abandons: 1,
      status: 'open',
    });
    expect(entry?.waitMs).toBeGreaterThanOrEqual(150);
    expect(rig.seat.get('a1')?.at(-1)).toEqual({ type: 'callbacks.changed', open: 1 });
  });

  it('reconnects when Kamailio restarts, dropping the calls it had queued', async () => {
    rig = await setup(1);
    await rig.acd.login('a1', '1001');
    rig.kamailio.send(queued('before@pbx'));
    await sleep(40);
    rig.kamailio.dropClients();
    await rig.kamailio.connected(2);
    await sleep(20);
    expect(rig.evapi.connected).toBe(true);
    expect(rig.acd.snapshot().waiting).toBe(0);

    await rig.acd.setStateBySeat('a1', '1001', 'ready');
    await expect(rig.kamailio.nextReply(100)).rejects.toThrow('no reply');
    rig.kamailio.send(queued('after@pbx'));
    expect(await rig.kamailio.nextReply()).toMatchObject({ callId: 'after@pbx', agent: '1001' });
    await rig.acd.flush();
    expect((await rig.store.calls.get('before@pbx'))?.outcome).toBe('failed');
  });

  it('keeps dialling until Kamailio starts', async () => {
    rig = await setup(1, {}, false);
    await sleep(150);
    expect(rig.evapi.connected).toBe(false);
    await rig.kamailio.listen(rig.port);
    await rig.kamailio.connected();
    await sleep(20);
    expect(rig.evapi.connected).toBe(true);
    expect(rig.acd.snapshot().kamailio).toBe('connected');
  });

  it('ignores a repeated call.queued for a call it already has', async () => {
    rig = await setup(1);
    rig.kamailio.send(queued('twice@pbx'));
    rig.kamailio.send(queued('twice@pbx'));
    await sleep(40);
    expect(rig.acd.snapshot().waiting).toBe(1);
  });
});
