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
} from './support/sipp.js';

/**
 * DTMF from the desk's dial pad, as RFC 4733 telephone-events (the engine's default),
 * checked on the wire at the far end (issue 5, Tests: "DTMF: SIPp or baresip receives the
 * digits"). The agent calls a citizen through the trunk (tests/sipp/uas-far.xml, which
 * accepts telephone-event/8000), presses keys during the call; tcpdump on lo captures what
 * rtpengine sends to the far end's media port, and the telephone-events of the payload
 * type the far end was offered decode to the keys pressed, in order.
 */
const FAR_MEDIA_PORT = 25099;

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
/**
 * tests/sipp/uas-far-dtmf.xml on the trunk port: uas-far.xml with the offer's
 * telephone-event payload type in its answer. (startFarEnd() always runs uas-far.xml.)
 */
async function startDtmfFarEnd(): Promise<SippProcess> {
  const port = pbxConfig().trunkPort;
  const far = await startSipp({
    scenario: 'uas-far-dtmf.xml',
    localPort: port,
    mediaPort: FAR_MEDIA_PORT,
    sets: { ring_ms: 0, early_media: 0 },
    timeoutMs: 60_000,
  });
  await waitUdpBound(far, '127.0.0.1', port, 10_000);
  return far;
}

const PAD_ID: Record<string, string> = { '*': 'dialpad-star', '#': 'dialpad-hash' };

describe('DTMF from the dial pad (RFC 4733)', () => {
  it('reaches the far end as telephone-events, the keys in the order pressed', async () => {
    await ds.ensureSignedIn();
    const far = await startDtmfFarEnd();
    const capture = await startCapture({ file: join(ds.work, 'far.pcap'), port: FAR_MEDIA_PORT });
    try {
      await byId('dial-number').fill(CALLER);
      await byId('dial-call').click();
      await expect.poll(attr('call-state', 'data-state'), { timeout: 15_000 }).toBe('active');
      await expect.poll(attr('dialpad', 'data-mode')).toBe('dtmf');

      const keys = '19*0#5';
      for (const key of keys) {
        await byId(PAD_ID[key] ?? `dialpad-${key}`).click();
        await new Promise((r) => setTimeout(r, 150));
      }
      await expect.poll(() => byId('dtmf-sent').textContent()).toContain(keys);
      expect(
        await byId('phone-error').count(),
        `the engine took every key:\n${consoleLines.filter((l) => /dtmf/i.test(l)).join('\n')}`,
      ).toBe(0);
      // The last digit lasts ~100 ms plus its end packets; give it time to be sent.
      await new Promise((r) => setTimeout(r, 1500));
      await byId('hangup').click();
    } finally {
      // A failed step above leaves the call up: end the far end rather than wait for it.
      const res = await Promise.race([
        far.done,
        new Promise((r) => setTimeout(r, 5_000)).then(() => far.stop()),
      ]);
      const datagrams = await capture.stop();
      expect(res.exitCode, res.errors || res.stderr).toBe(0);
      const [invite] = sippLogLines(res.logs, 'invite');
      const offer = receivedSdps(res.messages).find((m) => m.startLine.startsWith('INVITE'));
      expect(offer, 'the far end got an INVITE with SDP').toBeDefined();
      const pt = telephoneEventPayloadType(offer!.sdp);
      expect(pt, `telephone-event in the offer:\n${offer!.sdp}`).toEqual(expect.any(Number));

      const rtp = datagrams.map((d) => parseRtp(d.payload)).filter((p): p is RtpPacket => !!p);
      // Audio flowed too (PCMU, payload type 0), and the events came on that stream.
      expect(rtp.filter((p) => p.payloadType === 0).length).toBeGreaterThan(50);
      const events = rtp.filter((p) => p.payloadType === pt);
      const types = [...new Set(rtp.map((p) => p.payloadType))].join(', ');
      expect(
        new Set(events.map((p) => p.ssrc)).size,
        `one stream of telephone-events (payload type ${pt}) among types ${types}`,
      ).toBe(1);
      expect(dtmfDigits(rtp, pt!)).toBe('19*0#5');
      expect(invite?.['dtmf-pt']).toBe(String(pt));
    }
  });
});
