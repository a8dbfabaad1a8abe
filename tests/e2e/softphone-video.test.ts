import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_OF_DIALLED } from '../../shared/acd-protocol.js';
import type { PhoneCall } from '../../renderer/src/phone/phone-types.js';
import type { VideoSource } from '../../renderer/src/phone-host/video-panel.js';
import { openDesk, startBrowserSeat, type BrowserSeat } from './support/browser-seat.js';
import { CALLER } from './support/desk-flow.js';
import {
  engineMediaRises,
  engineStats,
  startDeskSeat,
  type DeskSeat,
} from './support/desk-seat.js';
import { setAgentQueues } from './support/hub-agents.js';
import { pbxConfig } from './support/pbx.js';
import {
  callWithVideo,
  engineVideo,
  expectVideoPlays,
  installVideoProbe,
  seatVideo,
} from './support/video-probe.js';

/**
 * A video call to the sign-language seat on the real PBX (issue 5, Tests: "video call to
 * the sign-language seat (a video track is received and plays)"). The citizen is a browser
 * user agent (support/seat-page) with Chromium's fake camera, dialling the sign-language
 * line through Kamailio and rtpengine; the hub's ACD routes it by skill to agent01, whose
 * only queue in this file is 'sign-language'; the agent answers in the desk. Video is
 * proved by decoded frames and a playing <video> at both ends, not by the SDP.
 */
const SIGN_LANGUAGE_LINE = Object.entries(QUEUE_OF_DIALLED).find(
  ([, queue]) => queue === 'sign-language',
)![0];

const cfg = pbxConfig();
let ds: DeskSeat;
let caller: BrowserSeat;

beforeAll(async () => {
  // No wrap-up: the second call reaches the agent at once.
  ds = await startDeskSeat({ name: 'video', openDesk: false, hubEnv: { HUB_WRAP_UP_S: '0' } });
  await setAgentQueues(ds, 'agent01', ['sign-language']);
  await ds.browser.grantPermissions(['microphone', 'camera']);
}, 180_000);

afterAll(async () => {
  await caller?.close();
  await ds?.stop();
});

// A failed test must not leave its call up for the next one.
afterEach(async () => {
  await caller?.hangup().catch(() => undefined);
  await ds?.page
    .evaluate(async () => {
      const phone = window.hotlinePhone!;
      const { calls } = await phone.snapshot();
      await Promise.all(
        calls.filter((c) => c.phase !== 'ended').map((c) => phone.hangup(c.callId)),
      );
    })
    .catch(() => undefined);
});

const byId = (id: string) => ds.byId(id);
const attr = (id: string, name: string) => ds.attr(id, name);

let prepared: Promise<void> | undefined;

/** agent01 signs in and goes ready; the citizen's user agent registers. Once, in a test. */
function prepare(): Promise<void> {
  prepared ??= (async () => {
    await openDesk(ds.page, ds.seat.url);
    await ds.ensureSignedIn();
    await byId('state-ready').click();
    await expect.poll(attr('agent-state', 'data-state'), { timeout: 10_000 }).toBe('ready');
    await installVideoProbe(ds.page);

    caller = await startBrowserSeat({ extension: CALLER, wsUrl: cfg.wsUrl, domain: cfg.domain });
    await caller.page.context().grantPermissions(['microphone', 'camera']);
    await caller.waitRegistered();
    await installVideoProbe(caller.page);
  })();
  return prepared;
}

function engineCall(callId: string): Promise<PhoneCall | undefined> {
  return ds.page.evaluate(
    (id) => window.hotlinePhone!.snapshot().then((s) => s.calls.find((c) => c.callId === id)),
    callId,
  );
}

/** The seat rings with the citizen's call on the sign-language queue; answers its Call-ID. */
async function ringsOnSignLanguage(): Promise<string> {
  await expect.poll(attr('call-state', 'data-state'), { timeout: 15_000 }).toBe('ringing');
  const callId = (await attr('call-state', 'data-call-id')())!;
  expect(await byId('call-queue').textContent()).toBe('手语服务');
  expect(await engineCall(callId)).toMatchObject({ queue: 'sign-language', remote: CALLER });
  return callId;
}

async function answerInDesk(): Promise<void> {
  await byId('answer').click();
  await expect.poll(attr('call-state', 'data-state'), { timeout: 10_000 }).toBe('active');
  await caller.waitForSessionState('Established');
}

/** The agent hangs up in the desk; the citizen's user agent gets the BYE. */
async function hangupInDesk(): Promise<void> {
  await byId('hangup').click();
  await caller.waitForSessionState('Terminated');
  await expect.poll(attr('call-state', 'data-state'), { timeout: 10_000 }).not.toBe('active');
}

/** The test ids of the engine page's media elements that play sound of a far end. */
function audiblePlayers(): Promise<string[]> {
  return ds.page.evaluate(() =>
    [...document.querySelectorAll<HTMLMediaElement>('audio, video')]
      .filter((el) => !el.muted && !el.paused && el.srcObject instanceof MediaStream)
      .filter((el) => (el.srcObject as MediaStream).getAudioTracks().length > 0)
      .map((el) => el.dataset.testid ?? el.tagName),
  );
}

describe('video call to the sign-language seat', () => {
  it('video plays both ways; the desk marks it; hanging up ends the call and the camera', async () => {
    await prepare();
    await callWithVideo(caller, SIGN_LANGUAGE_LINE);
    const callId = await ringsOnSignLanguage();
    expect(await engineCall(callId)).toMatchObject({ video: true });
    await expect.poll(() => byId('call-video').textContent()).toBe('视频');

    await answerInDesk();
    await engineMediaRises(ds.page, await engineStats(ds.page), 25, 'audio flows with the video');

    // The seat: the caller's test pattern is decoded and plays in the video panel.
    await expectVideoPlays('the seat (video panel)', () => engineVideo(ds.page, callId));
    expect(await ds.page.getByTestId('video-panel').getAttribute('data-call-id')).toBe(callId);
    expect(await ds.page.getByTestId('video-panel').isVisible()).toBe(true);
    // The caller's voice plays once, from the line's audio element (its speaker, its mix).
    expect(await audiblePlayers()).toEqual(['remote-audio']);
    // The citizen: the seat's camera is decoded and plays.
    await expectVideoPlays('the citizen', () => seatVideo(caller));
    const seat = await engineVideo(ds.page, callId);
    expect(seat.localVideo).toEqual(['live']);
    expect(seat.framesSent).toBeGreaterThan(0);

    // The marker in English too.
    await byId('lang-en').click();
    await expect.poll(() => byId('call-video').textContent()).toBe('Video');
    await byId('lang-zh-CN').click();

    // Keep the camera track to see it stopped once the call is over.
    await ds.page.evaluate((id) => {
      const engine = window.hotlinePhone as unknown as VideoSource;
      const [camera] = engine.localMediaStream?.(id)?.getVideoTracks() ?? [];
      (window as unknown as { hdCamera?: MediaStreamTrack }).hdCamera = camera;
    }, callId);
    await hangupInDesk();
    const camera = await ds.page.evaluate(
      () => (window as unknown as { hdCamera?: MediaStreamTrack }).hdCamera?.readyState ?? 'none',
    );
    expect(camera).toBe('ended');
    await expect.poll(() => ds.page.getByTestId('video-panel').isHidden()).toBe(true);
  });

  it('an audio-only call to the same line leaves the camera off', async () => {
    await prepare();
    await expect.poll(attr('agent-state', 'data-state'), { timeout: 10_000 }).toBe('ready');
    await caller.call(SIGN_LANGUAGE_LINE);
    const callId = await ringsOnSignLanguage();
    expect(await engineCall(callId)).toMatchObject({ video: false });

    await answerInDesk();
    await engineMediaRises(
      ds.page,
      await engineStats(ds.page),
      25,
      'audio flows on the audio call',
    );
    expect(await byId('call-video').count()).toBe(0);
    const seat = await engineVideo(ds.page, callId);
    expect(seat).toMatchObject({ localVideo: [], framesSent: 0, videoNegotiated: false });
    expect((await caller.descriptions()).remote).not.toMatch(/^m=video/m);
    expect(await ds.page.getByTestId('video-panel').isHidden()).toBe(true);

    await hangupInDesk();
  });
});
