import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { VideoSource } from '../../../renderer/src/phone-host/video-panel.js';
import { bundleBrowserScript, type BrowserSeat } from './browser-seat.js';
import type { VideoProbe } from './video-probe/probe-page.js';

export type { VideoProbe } from './video-probe/probe-page.js';

/**
 * Video on a call, as a test proves it (issue 5: "a video track is received and plays"):
 * a signalled m=video proves nothing, so the probe reads the decoder's frame counter and
 * the <video> element that shows the far end (its size, its clock moving on).
 */

/** Puts `window.hdVideoProbe` (support/video-probe/probe-page.ts) into `page`, once. */
export async function installVideoProbe(page: Page): Promise<void> {
  const script = await bundleBrowserScript('tests/e2e/support/video-probe/probe-page.ts');
  // evaluate, not a script tag: the seat's pages allow no inline script (CSP).
  await page.evaluate(`window.hdVideoProbe || (() => { ${script} })()`);
  await page.waitForFunction(() => window.hdVideoProbe !== undefined);
}

interface EngineVideo extends VideoSource {
  peerConnection(callId: string): RTCPeerConnection | undefined;
}

/** Call `callId` in the seat's phone host page, its video shown by the video panel. */
export function engineVideo(page: Page, callId: string): Promise<VideoProbe> {
  return page.evaluate((id) => {
    const engine = window.hotlinePhone as unknown as EngineVideo;
    const panel = document.querySelector<HTMLVideoElement>('[data-testid="remote-video"]');
    return window.hdVideoProbe!.probe(engine.peerConnection(id), panel);
  }, callId);
}

/** The current call of a browser user agent (support/seat-page), played by the probe. */
export function seatVideo(seat: BrowserSeat): Promise<VideoProbe> {
  return seat.page.evaluate(() => window.hdVideoProbe!.probe(window.hdSeat.peerConnection()));
}

/** A browser user agent calls `target` with its microphone and (fake) camera. */
export function callWithVideo(seat: BrowserSeat, target: string): Promise<void> {
  return seat.page.evaluate((t) => window.hdSeat.callWithVideo(t), target);
}

/**
 * Video from the far end is decoded and plays at `who`: within 15 s the decoder gains
 * `frames` frames and the player's clock one second, at a size above zero, not paused.
 * Answers the last probe.
 */
export async function expectVideoPlays(
  who: string,
  read: () => Promise<VideoProbe>,
  frames = 25,
): Promise<VideoProbe> {
  let base: VideoProbe | undefined;
  let last: VideoProbe | undefined;
  await expect
    .poll(
      async () => {
        last = await read();
        // Count from the first probe at which the element plays at all.
        if (!base?.element && last.element && last.element.readyState > 0) base = last;
        const from = base ?? last;
        return {
          decoding: last.framesDecoded - from.framesDecoded >= frames,
          sized: (last.element?.videoWidth ?? 0) > 0,
          playing: last.element?.paused === false,
          advancing: (last.element?.currentTime ?? 0) - (from.element?.currentTime ?? 0) >= 1,
        };
      },
      { timeout: 15_000, interval: 250, message: `video decoded and playing at ${who}` },
    )
    .toEqual({ decoding: true, sized: true, playing: true, advancing: true });
  return last!;
}
