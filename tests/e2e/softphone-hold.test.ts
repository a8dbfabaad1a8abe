import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaCounters } from '../../renderer/src/phone/debug-stats.js';
import { CALLER } from './support/desk-flow.js';
import {
  engineMediaRises,
  engineStats,
  fewestLegPackets,
  startDeskSeat,
  stopSippAfterEach,
  type DeskSeat,
} from './support/desk-seat.js';
import { coverageOf, pcmuStreams, type ReceivedStream } from './support/rtp-audio.js';
import { startCapture } from './support/rtp-capture.js';
import { placeReinviteCall, sippLogLines, startFarEnd } from './support/sipp.js';

/**
 * Hold and resume as the agent does them in the web seat's desk, checked at the real far
 * end behind the PBX (issue 5, Tests: "hold/resume: check the SDP direction each side
 * sees"), and the far end's own hold towards the seat (case F05).
 *
 * RFC 3264 section 8.4: the side that holds offers a=sendonly, the held side answers
 * a=recvonly; resuming offers sendrecv again.
 *
 * While the seat holds, the held party hears the PBX's hold music (kamailio.cfg
 * route[HOLD_MUSIC]: rtpengine plays PBX_HOLD_MUSIC, by default the generated notes C5 E5
 * G5 E5), checked in an RTP capture at the far end; after the resume the music stops.
 */
const FAR_MEDIA_PORT = 25099;
/** The notes of the generated hold music (scripts/pbx/start make_hold_music), in Hz. */
const HOLD_NOTES = [523.25, 659.25, 783.99];
let ds: DeskSeat;
const track = stopSippAfterEach();

beforeAll(async () => {
  ds = await startDeskSeat({ name: 'hold', cleanSipp: true });
}, 120_000);

afterAll(async () => {
  await ds?.stop();
});

const ensureSignedIn = (): Promise<void> => ds.ensureSignedIn();
const byId = (id: string) => ds.byId(id);
const attr = (id: string, name: string) => ds.attr(id, name);

/** Both directions in the phone host page gained at least `more` packets over `base`. */
const mediaRises = (base: MediaCounters, more = 40): Promise<MediaCounters> =>
  engineMediaRises(ds.page, base, more, 'RTP packets in the phone host page rise both ways');

describe('hold and resume from the desk', () => {
  it('offers sendonly to the far end on hold, plays it hold music, sendrecv on resume, and media flows again', async () => {
    await ensureSignedIn();
    const far = track(await startFarEnd({ mediaPort: FAR_MEDIA_PORT }));
    const capture = await startCapture({ file: join(ds.work, 'far.pcap'), port: FAR_MEDIA_PORT });

    await byId('dial-number').fill(CALLER);
    await byId('dial-call').click();
    await expect.poll(attr('call-state', 'data-state'), { timeout: 15_000 }).toBe('active');
    expect(await attr('call-state', 'data-direction')()).toBe('outbound');
    const callId = (await attr('call-state', 'data-call-id')())!;
    const before = await mediaRises({ packetsReceived: 0, packetsSent: 0 }, 25);

    await byId('call-hold').click();
    await expect.poll(attr('call-hold', 'data-held'), { timeout: 10_000 }).toBe('true');
    const heldUs = Date.now() * 1000;
    await expect.poll(() => byId('call-held-flag').count()).toBe(1);
    await new Promise((r) => setTimeout(r, 3000));

    const resumeUs = Date.now() * 1000;
    await byId('call-hold').click();
    await expect.poll(attr('call-hold', 'data-held'), { timeout: 10_000 }).toBe('false');
    const resumedUs = Date.now() * 1000;
    await expect.poll(() => byId('call-held-flag').count()).toBe(0);

    // After the resume, media flows both ways again: in the page and at rtpengine.
    const rtp = await fewestLegPackets(callId);
    await mediaRises(before);
    await expect
      .poll(() => fewestLegPackets(callId), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(rtp + 40);

    await new Promise((r) => setTimeout(r, 1000));
    const hangupUs = Date.now() * 1000;
    await byId('hangup').click();
    const res = await far.done;
    const datagrams = await capture.stop();
    expect(res.exitCode, res.errors || res.stderr).toBe(0);

    // Held: one stream the far end got carries the hold music's notes ...
    const summary = (streams: ReceivedStream[]): string =>
      streams
        .map(
          (st) =>
            `ssrc ${st.ssrc}: ${st.packets} packets, ${JSON.stringify(coverageOf(st, HOLD_NOTES))}`,
        )
        .join('; ');
    const held = pcmuStreams(datagrams, heldUs + 500_000, resumeUs);
    const music = held.find((st) => HOLD_NOTES.every((hz) => coverageOf(st, [hz])[hz]! >= 0.1));
    expect(music, `hold music while held: ${summary(held)}`).toBeDefined();
    // ... and after the resume no stream does, while the seat's audio flows to it again.
    const resumed = pcmuStreams(datagrams, resumedUs + 1_000_000, hangupUs);
    for (const st of resumed) {
      const cover = coverageOf(st, HOLD_NOTES);
      expect(
        Math.max(...Object.values(cover)),
        `no hold music after resume: ${summary(resumed)}`,
      ).toBeLessThan(0.05);
    }
    expect(Math.max(0, ...resumed.map((st) => st.packets)), summary(resumed)).toBeGreaterThan(50);

    const [invite] = sippLogLines(res.logs, 'invite');
    expect(invite).toMatchObject({ 'call-id': callId, dialled: CALLER, offer: 'sendrecv' });
    // What the far end was offered and what it answered, in order.
    expect(sippLogLines(res.logs, 'reinvite').map((l) => [l.offer, l.answer])).toEqual([
      ['sendonly', 'recvonly'],
      ['sendrecv', 'sendrecv'],
    ]);
    expect(sippLogLines(res.logs, 'bye')).toHaveLength(1);
  });
});

describe('the far end holds the seat (F05)', () => {
  it('shows "remote held", answers the SDP-less re-INVITE with sendrecv, and keeps media', async () => {
    await ensureSignedIn();
    await byId('state-ready').click();
    await expect.poll(attr('agent-state', 'data-state'), { timeout: 10_000 }).toBe('ready');
    const caller = track(
      await placeReinviteCall({
        caller: CALLER,
        number: '12345',
        sipPort: 5077,
        mediaPort: 16210,
        gapMs: 3000,
        holdMs: 6000,
      }),
    );
    await expect.poll(attr('call-state', 'data-state'), { timeout: 15_000 }).toBe('ringing');
    await byId('answer').click();
    await expect.poll(attr('call-state', 'data-state'), { timeout: 10_000 }).toBe('active');
    const answeredAt = Date.now();
    expect(await attr('call-state', 'data-call-id')()).toBe(caller.callId());

    // 3 s after the answer the caller holds (sendonly), 3 s later it resumes.
    await expect.poll(() => byId('call-remote-held').count(), { timeout: 8_000 }).toBe(1);
    await expect.poll(() => byId('call-remote-held').count(), { timeout: 8_000 }).toBe(0);

    // 3 s later the re-INVITE without SDP; the seat offers, and media goes on after it.
    await new Promise((r) => setTimeout(r, Math.max(0, answeredAt + 9_500 - Date.now())));
    await mediaRises(await engineStats(ds.page));

    const res = await caller.done;
    expect(res.exitCode, res.errors || res.stderr).toBe(0);
    expect(sippLogLines(res.logs, 'hold')[0]?.answer).toBe('recvonly');
    expect(sippLogLines(res.logs, 'resume')[0]?.answer).toBe('sendrecv');
    expect(sippLogLines(res.logs, 'late')[0]?.offer).toBe('sendrecv');
    await expect.poll(attr('call-state', 'data-state'), { timeout: 10_000 }).not.toBe('active');
  });
});
