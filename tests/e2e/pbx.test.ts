import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_QUEUE } from '../../shared/acd-protocol.js';
import { FakeAcd, type FakeAcdMode } from '../fakes/evapi-acd.js';
import { startBrowserSeat, type BrowserSeat } from './support/browser-seat.js';
import { pbxConfig, readKamailioLog, startPbx, stopPbx } from './support/pbx.js';
import { waitForMediaBothWays } from './support/rtpengine.js';
import {
  cleanSippWorkDirs,
  placeCancellingCall,
  placeHotlineCall,
  receivedRequest,
  sipHeader,
  startSippSeat,
  type SippProcess,
  type SippResult,
} from './support/sipp.js';

// The dev PBX on its own: Kamailio + rtpengine with SIPp callers, a SIPp or browser seat and
// a fake ACD on evapi (tests/fakes/evapi-acd.ts) in place of the hub.

const cfg = pbxConfig();
let acd: FakeAcd | undefined;

beforeAll(async () => {
  await cleanSippWorkDirs();
  await startPbx();
});

afterEach(async () => {
  await acd?.close();
  acd = undefined;
});

afterAll(async () => {
  await stopPbx();
});

const connectAcd = (mode: FakeAcdMode, delayMs = 1000): Promise<FakeAcd> =>
  FakeAcd.connect({ host: cfg.evapiHost, port: cfg.evapiPort, mode, delayMs });

/**
 * The routed call was answered, carried RTP both ways through rtpengine, and ended with the
 * seat's BYE, which both SIPp sides and the ACD saw.
 */
async function expectAnsweredWithMedia(
  fake: FakeAcd,
  callId: string,
  seat: SippProcess,
  call: SippProcess,
): Promise<{ seatRes: SippResult; callRes: SippResult }> {
  await fake.waitForEvent('call.answered', callId);
  const counts = await waitForMediaBothWays(callId, { minPackets: 20 });
  expect(counts.legs).toHaveLength(2);
  for (const leg of counts.legs) expect(leg.packets).toBeGreaterThanOrEqual(20);

  const [seatRes, callRes] = await Promise.all([seat.done, call.done]);
  expect(seatRes.exitCode, seatRes.errors).toBe(0);
  expect(callRes.exitCode, `${callRes.errors}\n${await readKamailioLog()}`).toBe(0);
  expect(callRes.logs).toContain(`seat hung up call-id=${callId}`);
  await fake.waitForEvent('call.ended', callId);
  return { seatRes, callRes };
}

describe('hotline queue over evapi', () => {
  test('answers 503 at once when no ACD is connected', async () => {
    const call = await placeHotlineCall({
      caller: '13800138009',
      sipPort: 5071,
      mediaPort: 20000,
      holdMs: 1000,
    });
    const res = await call.done;
    expect(res.exitCode).not.toBe(0);
    expect(res.logs).toContain(`final=503 call-id=${call.callId()}`);
  });

  test('routes a queued call to a UDP seat with the queue headers, media both ways, clean BYE', async () => {
    acd = await connectAcd({ kind: 'route', agent: '1001' }, 1000);
    const seat = await startSippSeat({
      extension: '1001',
      sipPort: 5090,
      mediaPort: 20100,
      holdMs: 4000,
    });
    const call = await placeHotlineCall({
      caller: '13800138000',
      sipPort: 5071,
      mediaPort: 20010,
      holdMs: 30_000,
    });
    const callId = call.callId();

    const queued = await acd.waitForEvent('call.queued', callId);
    expect(queued).toMatchObject({ caller: '13800138000', queue: DEFAULT_QUEUE });
    const { seatRes } = await expectAnsweredWithMedia(acd, callId, seat.uas, call);
    expect(seatRes.logs).toContain(`seat hangs up call-id=${callId}`);

    const invite = receivedRequest(seatRes.messages, 'INVITE');
    expect(invite).toBeDefined();
    expect(sipHeader(invite ?? '', 'X-Hotline-Queue')).toBe(DEFAULT_QUEUE);
    expect(Number(sipHeader(invite ?? '', 'X-Hotline-Wait-Ms'))).toBeGreaterThanOrEqual(900);
    expect(acd.invalid).toEqual([]);
    await seat.unregister();
  });

  test('a caller who hangs up while queued is reported as call.cancelled; a late route fails', async () => {
    acd = await connectAcd({ kind: 'hold' });
    const call = await placeCancellingCall({
      caller: '13800138001',
      sipPort: 5072,
      mediaPort: 20020,
      cancelMs: 1000,
    });
    const callId = call.callId();
    const queued = await acd.waitForEvent('call.queued', callId);
    const res = await call.done;
    expect(res.exitCode, res.errors).toBe(0);
    expect(res.logs).toContain(`final=487 call-id=${callId}`);
    await acd.waitForEvent('call.cancelled', callId);

    // The hub answers too late: Kamailio cannot continue the transaction and says so.
    if (queued.event !== 'call.queued') throw new Error('unreachable');
    acd.send({
      action: 'route',
      tindex: queued.tindex,
      tlabel: queued.tlabel,
      callId,
      agent: '1001',
      queue: queued.queue,
      waitMs: 1000,
    });
    const failed = await acd.waitForEvent('call.failed', callId);
    expect(failed).toMatchObject({ code: 481 });
  });

  test('a reject from the ACD reaches the caller with its code', async () => {
    acd = await connectAcd({ kind: 'reject', code: 486, reason: 'All Agents Busy' }, 300);
    const call = await placeHotlineCall({
      caller: '13800138002',
      sipPort: 5073,
      mediaPort: 20030,
      holdMs: 1000,
    });
    const res = await call.done;
    expect(res.exitCode).not.toBe(0);
    expect(res.logs).toContain(`final=486 call-id=${call.callId()}`);
    expect(res.messages).toContain('SIP/2.0 486 All Agents Busy');
  });

  test('a route to an agent who is not registered re-queues the call (480); a reject ends it', async () => {
    acd = await connectAcd({ kind: 'route', agent: '1999' }, 200);
    const call = await placeHotlineCall({
      caller: '13800138004',
      sipPort: 5075,
      mediaPort: 20050,
      holdMs: 1000,
    });
    const res = await call.done;
    expect(res.exitCode).not.toBe(0);
    expect(res.logs).toContain(`final=480 call-id=${call.callId()}`);
    expect(await acd.waitForEvent('call.requeued', call.callId())).toMatchObject({ code: 480 });
    expect(acd.events.some((e) => e.event === 'call.failed')).toBe(false);
  });

  test('a seat that answers busy re-queues the call, and the next seat takes it', async () => {
    acd = await connectAcd(
      { kind: 'route', agent: '1004', requeued: { kind: 'route', agent: '1001' } },
      500,
    );
    const busy = await startSippSeat({
      extension: '1004',
      sipPort: 5094,
      mediaPort: 20140,
      holdMs: 0,
      behaviour: 'busy',
    });
    const seat = await startSippSeat({
      extension: '1001',
      sipPort: 5090,
      mediaPort: 20100,
      holdMs: 3000,
    });
    const call = await placeHotlineCall({
      caller: '13800138006',
      sipPort: 5078,
      mediaPort: 20080,
      holdMs: 30_000,
    });
    const callId = call.callId();

    const queued = await acd.waitForEvent('call.queued', callId);
    const requeued = await acd.waitForEvent('call.requeued', callId);
    expect(requeued).toMatchObject({ code: 486 });
    if (queued.event !== 'call.queued' || requeued.event !== 'call.requeued')
      throw new Error('unreachable');
    expect([requeued.tindex, requeued.tlabel]).toEqual([queued.tindex, queued.tlabel]);
    const { seatRes } = await expectAnsweredWithMedia(acd, callId, seat.uas, call);
    const busyRes = await busy.uas.done;
    expect(busyRes.exitCode, busyRes.errors).toBe(0);
    expect(busyRes.logs).toContain(`busy call-id=${callId}`);
    expect(acd.events.some((e) => e.event === 'call.failed')).toBe(false);

    // The second seat's INVITE carries one set of queue headers, with the whole wait.
    const first = receivedRequest(busyRes.messages, 'INVITE') ?? '';
    const invite = receivedRequest(seatRes.messages, 'INVITE') ?? '';
    expect(invite.match(/^X-Hotline-Queue:/gim)).toHaveLength(1);
    expect(invite.match(/^X-Hotline-Wait-Ms:/gim)).toHaveLength(1);
    expect(Number(sipHeader(invite, 'X-Hotline-Wait-Ms'))).toBeGreaterThan(
      Number(sipHeader(first, 'X-Hotline-Wait-Ms')) + 400,
    );
    expect(acd.invalid).toEqual([]);
    await Promise.all([busy.unregister(), seat.unregister()]);
  });

  test('a caller who hangs up while re-queued is reported as call.cancelled', async () => {
    acd = await connectAcd({ kind: 'route', agent: '1004', requeued: { kind: 'hold' } }, 300);
    const busy = await startSippSeat({
      extension: '1004',
      sipPort: 5094,
      mediaPort: 20140,
      holdMs: 0,
      behaviour: 'busy',
    });
    const call = await placeCancellingCall({
      caller: '13800138007',
      sipPort: 5079,
      mediaPort: 20090,
      cancelMs: 2500,
    });
    const callId = call.callId();
    expect(await acd.waitForEvent('call.requeued', callId)).toMatchObject({ code: 486 });
    const res = await call.done;
    expect(res.exitCode, res.errors).toBe(0);
    expect(res.logs).toContain(`final=487 call-id=${callId}`);
    await acd.waitForEvent('call.cancelled', callId);
    await new Promise((r) => setTimeout(r, 300));
    expect(acd.events.filter((e) => e.callId === callId).map((e) => e.event)).toEqual([
      'call.queued',
      'call.requeued',
      'call.cancelled',
    ]);
    await busy.unregister();
  });
});

describe('SIP over WebSocket', () => {
  test('answers a CRLF CRLF keep-alive frame with a single CRLF (case F01)', async () => {
    const ws = new WebSocket(cfg.wsUrl, 'sip');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe('sip');
    const pong = new Promise<string>((resolve) =>
      ws.once('message', (d: Buffer) => resolve(d.toString())),
    );
    ws.send('\r\n\r\n');
    expect(await pong).toBe('\r\n');
    ws.close();
  });
});

describe('WebRTC seat', () => {
  let seat: BrowserSeat | undefined;

  afterEach(async () => {
    await seat?.close();
    seat = undefined;
  });

  test('a sip.js seat in Chromium registers over ws, takes the routed call, RTP flows both ways', async () => {
    seat = await startBrowserSeat({ extension: '1002', wsUrl: cfg.wsUrl, domain: cfg.domain });
    await seat.waitRegistered();
    acd = await connectAcd({ kind: 'route', agent: '1002' }, 500);

    const call = await placeHotlineCall({
      caller: '13800138003',
      sipPort: 5074,
      mediaPort: 20040,
      holdMs: 30_000,
    });
    const callId = call.callId();
    await acd.waitForEvent('call.answered', callId);

    const invite = await seat.waitForInvite();
    expect(invite.headers['x-hotline-queue']).toBe(DEFAULT_QUEUE);
    expect(Number(invite.headers['x-hotline-wait-ms'])).toBeGreaterThanOrEqual(400);

    const counts = await waitForMediaBothWays(callId, { minPackets: 20 });
    expect(counts.legs).toHaveLength(2);
    for (const leg of counts.legs) expect(leg.packets).toBeGreaterThanOrEqual(20);
    expect(counts.legs.some((l) => l.protocols.includes('UDP/TLS/RTP/SAVPF'))).toBe(true);
    expect(counts.legs.some((l) => l.protocols.includes('RTP/AVP'))).toBe(true);

    const stats = await seat.waitForMedia(20);
    expect(stats.packetsReceived).toBeGreaterThanOrEqual(20);
    expect(stats.packetsSent).toBeGreaterThanOrEqual(20);

    await seat.hangup();
    const res = await call.done;
    expect(res.exitCode, `${res.errors}\n${await readKamailioLog()}`).toBe(0);
    expect(res.logs).toContain(`seat hung up call-id=${callId}`);
    await acd.waitForEvent('call.ended', callId);
  });

  test('a UDP phone dials the extension of a WebRTC seat directly (no queue)', async () => {
    seat = await startBrowserSeat({ extension: '1002', wsUrl: cfg.wsUrl, domain: cfg.domain });
    await seat.waitRegistered();
    const call = await placeHotlineCall({
      caller: '1001',
      number: '1002',
      sipPort: 5076,
      mediaPort: 20060,
      holdMs: 30_000,
    });
    const invite = await seat.waitForInvite();
    expect(invite.headers).toEqual({});
    const counts = await waitForMediaBothWays(call.callId(), { minPackets: 20 });
    for (const leg of counts.legs) expect(leg.packets).toBeGreaterThanOrEqual(20);
    await seat.waitForMedia(20);
    await seat.hangup();
    const res = await call.done;
    expect(res.exitCode, res.errors).toBe(0);
  });

  test('one WebRTC seat calls another by extension (specialist consult path)', async () => {
    seat = await startBrowserSeat({ extension: '1002', wsUrl: cfg.wsUrl, domain: cfg.domain });
    const other = await startBrowserSeat({
      extension: '1003',
      wsUrl: cfg.wsUrl,
      domain: cfg.domain,
    });
    try {
      await Promise.all([seat.waitRegistered(), other.waitRegistered()]);
      await seat.call('1003');
      const invite = await other.waitForInvite();
      expect(invite.from).toBe('1002');
      await seat.waitForSessionState('Established');
      const [a, b] = await Promise.all([seat.waitForMedia(20), other.waitForMedia(20)]).catch(
        async (err: unknown) => {
          const sdp = JSON.stringify([await seat?.descriptions(), await other.descriptions()]);
          throw new Error(`${String(err)}\n${sdp}\n${other.console.join('\n')}`);
        },
      );
      expect(a.packetsReceived).toBeGreaterThanOrEqual(20);
      expect(b.packetsReceived).toBeGreaterThanOrEqual(20);
      const counts = await waitForMediaBothWays(invite.callId, { minPackets: 20 });
      expect(counts.legs.every((l) => l.protocols.includes('UDP/TLS/RTP/SAVPF'))).toBe(true);
      await seat.hangup();
      await other.waitForSessionState('Terminated');
    } finally {
      await other.close();
    }
  });
});

describe('queue timeout', () => {
  beforeAll(async () => {
    await stopPbx();
    await startPbx({ PBX_QUEUE_TIMEOUT_MS: '2000' });
  });

  afterAll(async () => {
    // Back to the defaults for whatever runs next.
    await stopPbx();
    await startPbx();
  });

  test('a call the hub never answers ends with 408 after PBX_QUEUE_TIMEOUT_MS, reported as call.failed', async () => {
    acd = await connectAcd({ kind: 'hold' });
    const started = Date.now();
    const call = await placeHotlineCall({
      caller: '13800138005',
      sipPort: 5077,
      mediaPort: 20070,
      holdMs: 1000,
    });
    const res = await call.done;
    expect(res.logs).toContain(`final=408 call-id=${call.callId()}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(await acd.waitForEvent('call.failed', call.callId())).toMatchObject({ code: 408 });
  });

  test('a seat failure once the caller wait is spent ends the call with call.failed', async () => {
    acd = await connectAcd(
      { kind: 'route', agent: '1004', requeued: { kind: 'route', agent: '1001' } },
      1500,
    );
    const busy = await startSippSeat({
      extension: '1004',
      sipPort: 5094,
      mediaPort: 20140,
      holdMs: 0,
      behaviour: 'busy',
    });
    const call = await placeHotlineCall({
      caller: '13800138008',
      sipPort: 5080,
      mediaPort: 20110,
      holdMs: 1000,
    });
    const res = await call.done;
    expect(res.logs).toContain(`final=486 call-id=${call.callId()}`);
    expect(await acd.waitForEvent('call.failed', call.callId())).toMatchObject({ code: 486 });
    expect(acd.events.some((e) => e.event === 'call.requeued')).toBe(false);
    await busy.unregister();
  });
});
