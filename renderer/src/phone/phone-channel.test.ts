import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLogSink } from '../lib/log';
import { DEFAULT_PREFS, FakePhone, phoneCall } from '../testing/fakes';
import { PhoneChannelError, PhoneClient, servePhone, type PortLike } from './phone-channel';
import type { DialOptions, PhoneEvent } from './phone-types';

/**
 * Both ends over a real MessageChannel: Node's global one is node:worker_threads', the
 * same structured clone and asynchronous delivery as between two pages.
 */
const channels: MessageChannel[] = [];
function pair(): [PortLike, PortLike] {
  const channel = new MessageChannel();
  channels.push(channel);
  return [channel.port1 as unknown as PortLike, channel.port2 as unknown as PortLike];
}

/** What a broken or hostile desk would send: a raw port and the answers it gets. */
function rawDesk(port: PortLike) {
  const got: unknown[] = [];
  port.addEventListener('message', (e) => got.push(e.data));
  port.start?.();
  return {
    got,
    send: (frame: unknown) => port.postMessage(frame),
    next: () => vi.waitFor(() => expect(got.length).toBeGreaterThan(0)).then(() => got.shift()),
  };
}

const SIP = {
  wsUrl: 'ws://127.0.0.1:8080',
  domain: 'hotline.local',
  user: '1001',
  displayName: '1001',
};

let logs: string[];
beforeEach(() => {
  logs = [];
  setLogSink((level, category, message) => logs.push(`${level} ${category} ${message}`));
});
afterEach(() => {
  setLogSink(null);
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

describe('the phone channel', () => {
  it('carries every command with its arguments and the results back', async () => {
    const engine = new FakePhone();
    const [enginePort, deskPort] = pair();
    servePhone(engine, enginePort);
    const client = new PhoneClient();
    client.connect(deskPort);

    await client.start(SIP, { dtmf: 'info' });
    await client.answer('c1');
    await client.setMuted('c1', true);
    await client.sendDtmf('c1', '12#');
    expect(await client.dial('13800138000')).toBe('out-1');
    await client.hangup('c1');
    engine.snap = { ...engine.snap, started: true, calls: [phoneCall({ phase: 'active' })] };
    expect(await client.snapshot()).toEqual(engine.snap);
    expect((await client.listDevices()).microphones).toEqual(engine.devices.microphones);
    await client.setDevicePrefs({ ...DEFAULT_PREFS, ringVolume: 0.2 });

    expect(engine.started).toEqual(SIP);
    expect(engine.commands).toEqual([
      'start',
      'answer c1',
      'mute c1',
      'dtmf c1 12#',
      'dial 13800138000',
      'hangup c1',
      'setDevicePrefs',
    ]);
    expect(engine.savedPrefs[0]?.ringVolume).toBe(0.2);
  });

  it('carries transfers, three-way calls, dial options and the ring test', async () => {
    const engine = new FakePhone();
    const [enginePort, deskPort] = pair();
    servePhone(engine, enginePort);
    const client = new PhoneClient();
    client.connect(deskPort);

    await client.dial('1101', { contextCallId: 'c1@pbx', video: true });
    await client.transfer('c1', '1101');
    await client.completeTransfer('c1', 'out-1');
    await client.conference('c1', 'out-1');
    await client.split('c1');
    await client.testRing({ ...DEFAULT_PREFS, ringTone: 'soft' });
    expect(engine.commands).toEqual([
      'dial 1101 context=c1@pbx video',
      'transfer c1 1101',
      'complete c1 out-1',
      'conference c1 out-1',
      'split c1',
      'testRing',
    ]);
    expect(engine.rungWith.map((prefs) => prefs.ringTone)).toEqual(['soft']);

    const transferred = phoneCall({
      phase: 'active',
      contextCallId: 'citizen-1',
      conferencedWith: 'out-1',
      transfer: { kind: 'blind', target: '1101', state: 'failed', failure: null },
    });
    const events: PhoneEvent[] = [];
    client.subscribe((e) => events.push(e));
    engine.emit({ type: 'call', call: transferred });
    await vi.waitFor(() => expect(events).toEqual([{ type: 'call', call: transferred }]));

    await expect(client.conference('c1', '')).rejects.toMatchObject({ code: 'bad-frame' });
    await expect(
      client.dial('1101', { video: 'yes' } as unknown as DialOptions),
    ).rejects.toMatchObject({ code: 'bad-frame', message: expect.stringMatching(/dial args/) });
    await expect(client.transfer('c1', 'x'.repeat(65))).rejects.toMatchObject({
      code: 'bad-frame',
    });
    expect(engine.commands).toHaveLength(6);
  });

  it("passes the engine's events to subscribers, and an engine failure as the call's error", async () => {
    const engine = new FakePhone();
    const [enginePort, deskPort] = pair();
    servePhone(engine, enginePort);
    const client = new PhoneClient();
    client.connect(deskPort);
    const events: PhoneEvent[] = [];
    client.subscribe((e) => events.push(e));

    engine.emit({ type: 'registration', state: 'registered', detail: null });
    engine.emit({ type: 'call', call: phoneCall() });
    await vi.waitFor(() => expect(events).toHaveLength(2));
    expect(events[1]).toEqual({ type: 'call', call: phoneCall() });

    engine.failWith = new Error('no call c9 on this seat');
    const failed = await client.hold('c9').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(PhoneChannelError);
    expect(failed).toMatchObject({ code: 'engine', message: 'hold #1: no call c9 on this seat' });
  });

  it('answers bad frames with an error naming what is wrong, and never throws in the engine', async () => {
    const engine = new FakePhone();
    const [enginePort, deskPort] = pair();
    servePhone(engine, enginePort);
    const desk = rawDesk(deskPort);

    desk.send('hello');
    expect(await desk.next()).toMatchObject({ id: null, ok: false, error: { code: 'bad-frame' } });

    desk.send({ kind: 'request', id: 3, method: 'teleport', args: [] });
    expect(await desk.next()).toEqual({
      kind: 'response',
      id: 3,
      ok: false,
      error: { code: 'unknown-method', message: 'unknown phone method: teleport' },
    });

    desk.send({ kind: 'request', id: 4, method: 'sendDtmf', args: ['c1', '12x'] });
    expect(await desk.next()).toMatchObject({
      id: 4,
      ok: false,
      error: { code: 'bad-frame', message: expect.stringMatching(/^sendDtmf args 1: DTMF digits/) },
    });

    desk.send({ kind: 'request', id: 5, method: 'answer', args: [42] });
    expect(await desk.next()).toMatchObject({
      id: 5,
      error: { message: expect.stringMatching(/^answer args 0: /) },
    });

    desk.send({ kind: 'request', id: 6, method: 'toString', args: [] });
    expect(await desk.next()).toMatchObject({ id: 6, error: { code: 'unknown-method' } });

    // Nothing of that reached the engine, and it still answers a good frame.
    desk.send({ kind: 'request', id: 7, method: 'answer', args: ['c1'] });
    expect(await desk.next()).toEqual({ kind: 'response', id: 7, ok: true, result: undefined });
    expect(engine.commands).toEqual(['answer c1']);
  });

  it('gives events to the newest desk only and tells the one before it was superseded', async () => {
    const engine = new FakePhone();
    const [e1, d1] = pair();
    const [e2, d2] = pair();
    servePhone(engine, e1);
    const first = new PhoneClient({ callTimeoutMs: 500 });
    first.connect(d1);
    const firstEvents: PhoneEvent[] = [];
    first.subscribe((e) => firstEvents.push(e));

    servePhone(engine, e2);
    const second = new PhoneClient();
    second.connect(d2);
    const secondEvents: PhoneEvent[] = [];
    second.subscribe((e) => secondEvents.push(e));

    engine.emit({ type: 'call', call: phoneCall({ phase: 'active' }) });
    await vi.waitFor(() => expect(secondEvents).toHaveLength(1));
    await vi.waitFor(() => expect(first.connected).toBe(false));
    expect(firstEvents).toEqual([
      { type: 'registration', state: 'failed', detail: 'another desk window took over the phone' },
    ]);
    await expect(first.answer('c1')).rejects.toMatchObject({ code: 'no-engine' });
    await second.answer('c1');
    expect(engine.commands).toEqual(['answer c1']);
  });

  it('sends calls made before the port arrives once it does', async () => {
    const engine = new FakePhone();
    const client = new PhoneClient();
    const answered = client.answer('c1');
    await new Promise((r) => setTimeout(r, 20));
    expect(engine.commands).toEqual([]);

    const [enginePort, deskPort] = pair();
    servePhone(engine, enginePort);
    client.connect(deskPort);
    await answered;
    expect(engine.commands).toEqual(['answer c1']);
  });

  it('fails a call after its timeout, saying whether an engine was there at all', async () => {
    const lonely = new PhoneClient({ callTimeoutMs: 50 });
    await expect(lonely.snapshot()).rejects.toThrow(
      'snapshot #1: no phone engine connected within 50 ms',
    );

    const [, deskPort] = pair(); // nobody serves the other end
    const client = new PhoneClient({ callTimeoutMs: 50 });
    client.connect(deskPort);
    await expect(client.hangup('c1')).rejects.toMatchObject({
      code: 'timeout',
      message: 'hangup #1: the phone engine did not answer within 50 ms',
    });
  });

  it('gives the methods that wait on the far end or the devices 40 s, the others 10 s', async () => {
    vi.useFakeTimers();
    try {
      const [, deskPort] = pair(); // nobody serves the other end
      const client = new PhoneClient();
      client.connect(deskPort);
      const outcomes: string[] = [];
      const track = (name: string, call: Promise<unknown>) =>
        call.catch((error: Error) => outcomes.push(`${name}: ${error.message}`));
      void track('hangup', client.hangup('c1'));
      void track('answer', client.answer('c1'));
      void track('hold', client.hold('c1'));
      void track('dial', client.dial('12345'));
      void track('listDevices', client.listDevices());
      await vi.advanceTimersByTimeAsync(10_000);
      expect(outcomes).toEqual([
        'hangup: hangup #1: the phone engine did not answer within 10000 ms',
      ]);
      await vi.advanceTimersByTimeAsync(29_999);
      expect(outcomes).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(outcomes.slice(1)).toEqual([
        'answer: answer #2: the phone engine did not answer within 40000 ms',
        'hold: hold #3: the phone engine did not answer within 40000 ms',
        'dial: dial #4: the phone engine did not answer within 40000 ms',
        'listDevices: listDevices #5: the phone engine did not answer within 40000 ms',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fails at once while detached, and tells subscribers why', async () => {
    const client = new PhoneClient();
    const events: PhoneEvent[] = [];
    client.subscribe((e) => events.push(e));
    const waiting = client.answer('c1');
    client.detach('this desk was opened without its phone host');
    await expect(waiting).rejects.toMatchObject({ code: 'no-engine' });
    await expect(client.dial('12345')).rejects.toThrow(
      'dial: this desk was opened without its phone host',
    );
    expect(events).toEqual([
      {
        type: 'registration',
        state: 'failed',
        detail: 'this desk was opened without its phone host',
      },
    ]);
  });

  it('rejects an answer that breaks the contract instead of believing it', async () => {
    const engine = new FakePhone();
    engine.snap = { ...engine.snap, registration: 'sort-of' as never };
    const [enginePort, deskPort] = pair();
    servePhone(engine, enginePort);
    const client = new PhoneClient();
    client.connect(deskPort);
    await expect(client.snapshot()).rejects.toMatchObject({
      code: 'bad-answer',
      message: expect.stringMatching(/^the answer to snapshot #1 registration: /),
    });
  });

  it('replays the engine state as events when it reconnects to a new engine port', async () => {
    const engine = new FakePhone();
    const [e1, d1] = pair();
    servePhone(engine, e1);
    const client = new PhoneClient();
    client.connect(d1);
    const events: PhoneEvent[] = [];
    client.subscribe((e) => events.push(e));
    await client.snapshot();
    expect(events).toEqual([]);

    const active = phoneCall({ phase: 'active', answeredAt: 1_000_500 });
    engine.snap = { ...engine.snap, started: true, registration: 'registered', calls: [active] };
    const [e2, d2] = pair();
    servePhone(engine, e2);
    client.connect(d2);
    await vi.waitFor(() => expect(events).toHaveLength(2));
    expect(events).toEqual([
      { type: 'registration', state: 'registered', detail: null },
      { type: 'call', call: active },
    ]);
  });

  it('drops malformed events and keeps listening', async () => {
    const [enginePort, deskPort] = pair();
    const client = new PhoneClient();
    client.connect(deskPort);
    const events: PhoneEvent[] = [];
    client.subscribe((e) => events.push(e));
    enginePort.start?.();
    enginePort.postMessage({ kind: 'event', event: { type: 'call', call: { callId: 'c1' } } });
    enginePort.postMessage({
      kind: 'event',
      event: { type: 'registration', state: 'registered', detail: null },
    });
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]).toMatchObject({ type: 'registration' });
    expect(logs.some((l) => l.startsWith('warn seat.phone.channel.desk Dropped a malformed'))).toBe(
      true,
    );
  });
});
