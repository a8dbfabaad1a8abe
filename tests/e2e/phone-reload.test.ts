import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaCounters } from '../../renderer/src/phone/debug-stats.js';
import { openDesk, type WebDesk } from './support/browser-seat.js';
import { CALLER, signIn } from './support/desk-flow.js';
import {
  engineMediaRises,
  fewestLegPackets,
  startDeskSeat,
  timerSeconds,
  type DeskSeat,
} from './support/desk-seat.js';
import { waitForMediaBothWays } from './support/rtpengine.js';
import { placeHotlineCall } from './support/sipp.js';

/**
 * The call outlives the desk UI (issue 5, Resilience): the phone engine runs in the web
 * seat's top page, the desk in its frame. A SIPp citizen calls through the hub's queue,
 * the agent answers in the desk frame; then the frame is reloaded, and then its page is
 * thrown away (navigated to about:blank) and brought back. Throughout, the call stays up
 * and RTP keeps flowing both ways (the engine page's packet counters and rtpengine's keep
 * rising); each new desk shows the call active with its timer running from the original
 * answer; the last one hangs up, and SIPp gets the BYE and exits 0.
 */
let ds: DeskSeat;

beforeAll(async () => {
  ds = await startDeskSeat({ name: 'reload', openDesk: false });
}, 120_000);

afterAll(async () => {
  await ds?.stop();
});

/** Both directions gained at least `more` packets over `base`, in the engine page. */
const mediaKeepsFlowing = (base: MediaCounters, more = 50): Promise<MediaCounters> =>
  engineMediaRises(ds.page, base, more, 'RTP packets in the phone host page keep rising');

/** rtpengine, on the media path, also sees both legs gain `more` packets over `base`. */
async function rtpengineKeepsCounting(callId: string, base: number, more = 50): Promise<void> {
  await expect
    .poll(() => fewestLegPackets(callId), {
      timeout: 10_000,
      message: 'rtpengine counts more packets on both legs',
    })
    .toBeGreaterThan(base + more);
}

/**
 * The desk (a new document after each reload) shows `callId` active, and its timer
 * counts from `answeredAt` (engine page clock = this machine's), not from the reload.
 */
async function deskShowsCall(seatView: WebDesk, callId: string, answeredAt: number) {
  const card = seatView.desk.getByTestId('call-state');
  await expect.poll(() => card.getAttribute('data-state'), { timeout: 15_000 }).toBe('active');
  expect(await card.getAttribute('data-call-id')).toBe(callId);
  const shown = timerSeconds(await seatView.desk.getByTestId('call-timer').textContent());
  const since = (Date.now() - answeredAt) / 1000;
  expect(shown).toBeGreaterThanOrEqual(Math.floor(since) - 2);
  expect(shown).toBeLessThanOrEqual(Math.ceil(since) + 1);
}

describe('the call outlives the desk UI', () => {
  it('keeps the call, its media and its timer through a reload and a re-creation of the desk', async () => {
    const { page, seat } = ds;
    const seatView = await openDesk(page, seat.url);
    const byId = (id: string) => seatView.desk.getByTestId(id);
    await signIn(seatView.desk);

    const caller = await placeHotlineCall({
      caller: CALLER,
      sipPort: 5076,
      mediaPort: 16200,
      // Longer than the test: the BYE must come from the seat, after the reloads.
      holdMs: 110_000,
    });
    await byId('state-ready').click();
    await expect
      .poll(() => byId('call-state').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('ringing');
    await byId('answer').click();
    await expect
      .poll(() => byId('call-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('active');
    const callId = (await byId('call-state').getAttribute('data-call-id'))!;
    expect(callId).toBe(caller.callId(1));

    await waitForMediaBothWays(callId, { minPackets: 25, timeoutMs: 10_000 });
    const snapshot = await page.evaluate(() => window.hotlinePhone!.snapshot());
    const answeredAt = snapshot.calls.find((c) => c.callId === callId)?.answeredAt;
    expect(answeredAt, 'the engine knows when the call was answered').toEqual(expect.any(Number));
    let stats = await mediaKeepsFlowing({ packetsReceived: 0, packetsSent: 0 }, 25);
    // Let the timer run a while, so a desk that restarted it at 0 is told apart.
    await new Promise((r) => setTimeout(r, 4000));
    await deskShowsCall(seatView, callId, answeredAt!);

    // 1. The desk frame reloads (F5 in the desk, or a deploy of a new desk build).
    let rtp = await fewestLegPackets(callId);
    const frame = await seatView.deskFrame();
    await frame.evaluate(() => Object.assign(window, { hdOldDesk: true }));
    await page.evaluate(() =>
      (document.getElementById('desk') as HTMLIFrameElement).contentWindow!.location.reload(),
    );
    // A new document, not the old one still showing the call.
    await expect
      .poll(() => frame.evaluate(() => !('hdOldDesk' in window)).catch(() => false))
      .toBe(true);
    await deskShowsCall(seatView, callId, answeredAt!);
    stats = await mediaKeepsFlowing(stats);
    await rtpengineKeepsCounting(callId, rtp);

    // 2. The desk's page is gone altogether (as after a renderer crash), then comes back.
    rtp = await fewestLegPackets(callId);
    await page.evaluate(() => {
      (document.getElementById('desk') as HTMLIFrameElement).src = 'about:blank';
    });
    await expect.poll(() => seatView.desk.locator('#root').count()).toBe(0);
    stats = await mediaKeepsFlowing(stats);
    await page.evaluate(() => {
      (document.getElementById('desk') as HTMLIFrameElement).src = 'desk.html';
    });
    await deskShowsCall(seatView, callId, answeredAt!);
    await mediaKeepsFlowing(stats);
    await rtpengineKeepsCounting(callId, rtp);

    // The desk that came back still drives the call: it hangs up, SIPp gets the BYE.
    await byId('hangup').click();
    const result = await caller.done;
    expect(result.exitCode, result.errors || result.stderr).toBe(0);
    expect(result.messages).toMatch(/BYE sip:/);
    await expect.poll(() => byId('call-state').getAttribute('data-state')).not.toBe('active');

    // The engine page reported the call once, whatever the desk went through.
    const seatLog = await readFile(seat.logFile, 'utf8');
    const reports = (event: string) =>
      seatLog
        .split('\n')
        .filter((l) => l.includes(`"callId":"${callId}"`) && l.includes(`"event":"${event}"`));
    expect(reports('ringing')).toHaveLength(1);
    expect(reports('answered')).toHaveLength(1);
    expect(reports('ended')).toHaveLength(1);
  });
});
