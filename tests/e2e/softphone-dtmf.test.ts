import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER } from './support/desk-flow.js';
import { startDeskSeat, type DeskSeat } from './support/desk-seat.js';
import { pbxConfig } from './support/pbx.js';
import {
  dtmfDigits,
  parseRtp,
  startCapture,
  telephoneEventPayloadType,
  type RtpPacket,
} from './support/rtp-capture.js';
import {
  receivedSdps,
  sippLogLines,
  startSipp,
  waitUdpBound,
  type SippProcess,
  type SippResult,
} from './support/sipp.js';

/**
 * DTMF from the desk's dial pad, checked on the wire at the far end (issue 5, Agent: "DTMF
 * (RFC 4733 by default, SIP INFO as an option)"; Tests: "DTMF: SIPp or baresip receives the
 * digits"). The agent calls a citizen through the trunk and presses keys during the call.
 * tcpdump on lo captures what rtpengine sends to the far end's media port, and the SIPp far
 * end logs each INFO it gets.
 *
 * - RFC 4733 (the default): the telephone-events of the payload type the far end answered
 *   decode to the keys pressed, in order. Two far ends: one keeps the offer's number
 *   (tests/sipp/uas-far-dtmf.xml), one answers 101 whatever was offered
 *   (tests/sipp/uas-far-dtmf-pt.xml; RFC 3264 6.1 allows it). rtpengine drops such a
 *   "stray answer codec" unless Kamailio asks codec-offer=telephone-event on the answer
 *   (resources/pbx/kamailio.cfg, MEDIA_FLAGS), and then translates the browser's 126 to
 *   the far end's 101.
 * - SIP INFO, chosen in the device settings: one INFO per key (application/dtmf-relay),
 *   in order, and no telephone-event in the media although the far end took them.
 */
const FAR_MEDIA_PORT = 25099;
const KEYS = '19*0#5';

let ds: DeskSeat;
/** The phone host page's console (the engine logs there), for failure messages. */
const consoleLines: string[] = [];

beforeAll(async () => {
  ds = await startDeskSeat({
    name: 'dtmf',
    cleanSipp: true,
    onPage: (page) => page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`)),
  });
}, 120_000);

afterAll(async () => {
  await ds?.stop();
});

const byId = (id: string) => ds.byId(id);
const attr = (id: string, name: string) => ds.attr(id, name);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A DTMF far end on the trunk port: tests/sipp/uas-far-dtmf.xml (uas-far.xml with the
 * offer's telephone-event number in its answer; startFarEnd() always runs uas-far.xml),
 * or `scenario` with its `sets`.
 */
async function startDtmfFarEnd(
  scenario = 'uas-far-dtmf.xml',
  sets: Record<string, string | number> = { ring_ms: 0, early_media: 0 },
): Promise<SippProcess> {
  const port = pbxConfig().trunkPort;
  const far = await startSipp({
    scenario,
    localPort: port,
    mediaPort: FAR_MEDIA_PORT,
    sets,
    timeoutMs: 60_000,
  });
  await waitUdpBound(far, '127.0.0.1', port, 10_000);
  return far;
}

const PAD_ID: Record<string, string> = { '*': 'dialpad-star', '#': 'dialpad-hash' };

interface PressedCall {
  res: SippResult;
  /** The RTP the far end was sent, parsed. */
  rtp: RtpPacket[];
  /** The telephone-event payload type of the offer the far end got, if any. */
  offeredPt: number | undefined;
}

/**
 * Calls CALLER through `far`, presses KEYS on the dial pad, hangs up, and answers what
 * the far end logged and was sent.
 */
async function callAndPress(far: SippProcess, name: string): Promise<PressedCall> {
  const capture = await startCapture({ file: join(ds.work, name), port: FAR_MEDIA_PORT });
  let failed: unknown = null;
  try {
    await byId('dial-number').fill(CALLER);
    await byId('dial-call').click();
    await expect.poll(attr('call-state', 'data-state'), { timeout: 15_000 }).toBe('active');
    await expect.poll(attr('dialpad', 'data-mode')).toBe('dtmf');

    for (const key of KEYS) {
      await byId(PAD_ID[key] ?? `dialpad-${key}`).click();
      await sleep(150);
    }
    await expect.poll(() => byId('dtmf-sent').textContent()).toContain(KEYS);
    expect(
      await byId('phone-error').count(),
      `the engine took every key:\n${consoleLines.filter((l) => /dtmf/i.test(l)).join('\n')}`,
    ).toBe(0);
    // The last digit lasts ~100 ms plus its end packets (or its INFO); give it time.
    await sleep(1500);
    await byId('hangup').click();
  } catch (error) {
    failed = error;
  }
  // A failed step above leaves the call up: end the far end rather than wait for it.
  const res = await Promise.race([far.done, sleep(5_000).then(() => far.stop())]);
  const datagrams = await capture.stop();
  if (failed) throw failed;
  expect(res.exitCode, res.errors || res.stderr).toBe(0);
  const offer = receivedSdps(res.messages).find((m) => m.startLine.startsWith('INVITE'));
  const rtp = datagrams.map((d) => parseRtp(d.payload)).filter((p): p is RtpPacket => !!p);
  return { res, rtp, offeredPt: offer && telephoneEventPayloadType(offer.sdp) };
}

/** The telephone-events of `pt` in `rtp`: one stream of them, decoded to keys. */
function eventKeys(rtp: RtpPacket[], pt: number): string {
  const events = rtp.filter((p) => p.payloadType === pt);
  const types = [...new Set(rtp.map((p) => p.payloadType))].join(', ');
  expect(
    new Set(events.map((p) => p.ssrc)).size,
    `one stream of telephone-events (payload type ${pt}) among types ${types}`,
  ).toBe(1);
  return dtmfDigits(rtp, pt);
}

describe('DTMF from the dial pad (RFC 4733)', () => {
  it('reaches the far end as telephone-events, the keys in the order pressed', async () => {
    await ds.ensureSignedIn();
    const far = await startDtmfFarEnd();
    const { res, rtp, offeredPt } = await callAndPress(far, 'far.pcap');
    const [invite] = sippLogLines(res.logs, 'invite');
    expect(offeredPt, 'telephone-event in the offer').toEqual(expect.any(Number));
    // Audio flowed too (PCMU, payload type 0), and the events came on that stream.
    expect(rtp.filter((p) => p.payloadType === 0).length).toBeGreaterThan(50);
    expect(eventKeys(rtp, offeredPt!)).toBe(KEYS);
    expect(invite?.['dtmf-pt']).toBe(String(offeredPt));
  });

  it('reaches a far end that answers telephone-event with a number of its own', async () => {
    await ds.ensureSignedIn();
    const far = await startDtmfFarEnd('uas-far-dtmf-pt.xml', { answer_pt: 101 });
    const { res, rtp, offeredPt } = await callAndPress(far, 'far-101.pcap');
    const [invite] = sippLogLines(res.logs, 'invite');
    // The browser's offer (through rtpengine) used another number than the far end's.
    expect(invite?.['offered-pt']).toBe(String(offeredPt));
    expect(offeredPt).not.toBe(101);
    expect(rtp.filter((p) => p.payloadType === 0).length).toBeGreaterThan(50);
    expect(eventKeys(rtp, 101)).toBe(KEYS);
    expect(rtp.filter((p) => p.payloadType === offeredPt)).toEqual([]);
    expect(sippLogLines(res.logs, 'info')).toEqual([]);
  });
});

describe('DTMF by SIP INFO, as the agent chose in the device settings', () => {
  /** Picks `mode` (device-dtmf: '', 'rfc4733' or 'info') in the devices panel and saves. */
  async function chooseDtmf(mode: string): Promise<void> {
    await byId('open-devices').click();
    await byId('device-dtmf').selectOption(mode);
    await byId('devices-save').click();
    await expect.poll(() => byId('devices-status').textContent()).not.toBe('');
    await byId('overlay-close').click();
  }

  it('sends one INFO per key, in order, and no telephone-event', async () => {
    await ds.ensureSignedIn();
    await chooseDtmf('info');
    try {
      const far = await startDtmfFarEnd();
      const { res, rtp, offeredPt } = await callAndPress(far, 'far-info.pcap');
      const infos = sippLogLines(res.logs, 'info');
      expect(infos.map((l) => l.signal).join('')).toBe(KEYS);
      const callId = sippLogLines(res.logs, 'invite')[0]?.['call-id'];
      expect(new Set(infos.map((l) => l['call-id']))).toEqual(new Set([callId]));
      // The far end took telephone-events; the seat still sent none, as chosen.
      expect(offeredPt).toEqual(expect.any(Number));
      expect(rtp.filter((p) => p.payloadType === 0).length).toBeGreaterThan(50);
      expect(rtp.filter((p) => p.payloadType === offeredPt)).toEqual([]);
    } finally {
      await chooseDtmf('');
    }
  });
});
