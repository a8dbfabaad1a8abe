import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { PhoneCall } from '../../renderer/src/phone/phone-types.js';
import { HUB_PATHS } from '../../shared/hub-api.js';
import { openDesk, startBrowserSeat, type BrowserSeat } from './support/browser-seat.js';
import { CALLER, signIn } from './support/desk-flow.js';
import { startDeskSeat, type DeskSeat } from './support/desk-seat.js';
import { setAgentQueues } from './support/hub-agents.js';
import { hubClient } from './support/hub-client.js';
import { pbxConfig, readKamailioLogSinceStart } from './support/pbx.js';
import { detectTone } from './support/tone.js';

/**
 * Transfers and the three-way call on the real PBX (issue 5). Kamailio is a proxy, so a
 * REFER reaches the caller's own user agent: the citizen is a browser user agent that
 * follows REFER (support/seat-page), calling the hotline through the hub's queue; the
 * agent is the real web seat (agent01 on 1001: desk frame, phone engine in the top page,
 * driven through window.hotlinePhone); the specialist is a browser user agent on 1101.
 * For a consult to a queue line, specialist01 (policy-expert queue) is signed in at the hub
 * on 1101, and the specialist's user agent names its extension in its 200 OK as a desk's
 * engine does (X-Hotline-Seat).
 */
const SPECIALIST = '1101';
/** The policy-expert line (shared/acd-protocol.ts QUEUE_OF_DIALLED). */
const POLICY_EXPERT_LINE = '123454';
const CALLER_TONE = 697;
const SPECIALIST_TONE = 1209;

const cfg = pbxConfig();
let ds: DeskSeat;
let page: Page;
let caller: BrowserSeat;
let specialist: BrowserSeat;

beforeAll(async () => {
  // No wrap-up: each test's citizen call reaches the agent at once.
  ds = await startDeskSeat({ name: 'transfer', openDesk: false, hubEnv: { HUB_WRAP_UP_S: '0' } });
  ({ page } = ds);
  await setAgentQueues(ds, 'specialist01', ['policy-expert']);
}, 180_000);

afterAll(async () => {
  await caller?.close();
  await specialist?.close();
  await ds?.stop();
});

let prepared: Promise<void> | undefined;

/**
 * agent01 signs in and goes ready; the citizen's and the specialist's user agents register.
 * Once, from the first test (the desk steps poll, which vitest allows inside a test only).
 */
function prepare(): Promise<void> {
  prepared ??= (async () => {
    const desk = await openDesk(page, ds.seat.url);
    await signIn(desk.desk);
    await desk.desk.getByTestId('state-ready').click();

    const seatOpts = { wsUrl: cfg.wsUrl, domain: cfg.domain, answerDelayMs: 200 };
    caller = await startBrowserSeat({ ...seatOpts, extension: CALLER });
    specialist = await startBrowserSeat({
      ...seatOpts,
      extension: SPECIALIST,
      answerHeaders: [`X-Hotline-Seat: ${SPECIALIST}`],
    });
    await Promise.all([caller.waitRegistered(), specialist.waitRegistered()]);
    // A trusted click lets each page's AudioContext run (the tones, the analysers).
    await caller.page.mouse.click(2, 2);
    await specialist.page.mouse.click(2, 2);
  })();
  return prepared;
}

// ── The agent's phone engine ──────────────────────────────────────────────────

async function engineCalls(): Promise<PhoneCall[]> {
  return page.evaluate(() => window.hotlinePhone!.snapshot().then((snap) => snap.calls));
}

async function waitCall(
  what: string,
  match: (call: PhoneCall) => boolean,
  timeout = 15_000,
): Promise<PhoneCall> {
  let found: PhoneCall | undefined;
  await expect
    .poll(
      async () => {
        found = (await engineCalls()).find(match);
        return found !== undefined;
      },
      { timeout, message: what },
    )
    .toBe(true);
  return found!;
}

const engine = {
  answer: (id: string) => page.evaluate((c) => window.hotlinePhone!.answer(c), id),
  hangup: (id: string) => page.evaluate((c) => window.hotlinePhone!.hangup(c), id),
  hold: (id: string) => page.evaluate((c) => window.hotlinePhone!.hold(c), id),
  dial: (target: string, contextCallId: string) =>
    page.evaluate(
      ([t, c]) => window.hotlinePhone!.dial(t!, { contextCallId: c! }),
      [target, contextCallId],
    ),
  transfer: (id: string, target: string) =>
    page.evaluate(([c, t]) => window.hotlinePhone!.transfer(c!, t!), [id, target]),
  completeTransfer: (id: string, consult: string) =>
    page.evaluate(([c, k]) => window.hotlinePhone!.completeTransfer(c!, k!), [id, consult]),
  conference: (a: string, b: string) =>
    page.evaluate(([x, y]) => window.hotlinePhone!.conference(x!, y!), [a, b]),
};

/** The citizen dials the hotline; the hub routes it to agent01, who answers. */
async function citizenReachesAgent(): Promise<string> {
  await prepare();
  await caller.call(cfg.hotline);
  const ringing = await waitCall(
    'the agent rings',
    (c) => c.direction === 'inbound' && c.phase === 'ringing',
  );
  await engine.answer(ringing.callId);
  await waitCall('the agent talks', (c) => c.callId === ringing.callId && c.phase === 'active');
  await caller.waitForSessionState('Established');
  await caller.waitForMedia(20);
  return ringing.callId;
}

/** The agent holds the citizen and calls the specialist (`line`) about the citizen's call. */
async function consultSpecialist(citizenCall: string, line = SPECIALIST): Promise<string> {
  await engine.hold(citizenCall);
  // Hold is a re-INVITE with a=sendonly; the citizen answers recvonly (through rtpengine).
  await expect
    .poll(() => caller.descriptions(), { message: 'the citizen sees the hold' })
    .toMatchObject({
      remote: expect.stringContaining('a=sendonly'),
      local: expect.stringContaining('a=recvonly'),
    });
  const consultId = await engine.dial(line, citizenCall);
  const invite = await specialist.waitForInvite(15_000);
  expect(invite.callId).toBe(consultId);
  expect(invite.headers['x-hotline-context']).toBe(citizenCall);
  await waitCall('the consult call is up', (c) => c.callId === consultId && c.phase === 'active');
  await specialist.waitForSessionState('Established');
  await specialist.waitForMedia(20);
  return consultId;
}

/** Call-IDs Kamailio queued at the hub's ACD (its `queued in` log lines), in order. */
function queuedCalls(log: string): string[] {
  return [...log.matchAll(/hub\.acd: call (\S+) from .* queued in /g)].map((m) => m[1]!);
}

async function heard(seatUa: BrowserSeat, freq: number) {
  const block = await seatUa.page.evaluate(() => window.hdSeat.remoteSamples());
  return detectTone(block.samples, block.sampleRate, freq);
}

/** `freq` is in none of three blocks of what `seatUa` hears (one quiet block proves little). */
async function neverHeard(seatUa: BrowserSeat, freq: number): Promise<void> {
  for (let i = 0; i < 3; i += 1) {
    const verdict = await heard(seatUa, freq);
    expect(verdict.present, `${freq} Hz heard (ratio ${verdict.ratio.toFixed(1)})`).toBe(false);
  }
}

/** Both directions gain `more` packets at `seatUa` from now on. */
async function mediaRises(seatUa: BrowserSeat, more = 25): Promise<void> {
  const base = await seatUa.stats();
  await expect
    .poll(
      async () => {
        const now = await seatUa.stats();
        return Math.min(
          now.packetsReceived - base.packetsReceived,
          now.packetsSent - base.packetsSent,
        );
      },
      { timeout: 10_000, message: 'RTP packets rise both ways' },
    )
    .toBeGreaterThanOrEqual(more);
}

async function endCall(): Promise<void> {
  await caller.hangup();
  await caller.waitForSessionState('Terminated');
}

describe('transfers through the PBX', () => {
  it('blind transfer: the citizen follows the REFER to 1101 and agent01 drops out', async () => {
    const citizenCall = await citizenReachesAgent();
    await engine.transfer(citizenCall, SPECIALIST);

    const invite = await specialist.waitForInvite(15_000);
    expect(invite.from).toBe(CALLER);
    expect(invite.callId).not.toBe(citizenCall);
    expect(await caller.page.evaluate(() => window.hdSeat.referrals)).toEqual([
      `<sip:${SPECIALIST}@${cfg.domain}>`,
    ]);
    await specialist.waitForSessionState('Established');
    await caller.waitForSessionState('Established');
    await Promise.all([caller.waitForMedia(20), specialist.waitForMedia(20)]);
    await Promise.all([mediaRises(caller), mediaRises(specialist)]);

    const ended = await waitCall(
      "agent01's line ends",
      (c) => c.callId === citizenCall && c.phase === 'ended',
    );
    expect(ended).toMatchObject({
      outcome: 'ended',
      transfer: { kind: 'blind', target: SPECIALIST, state: 'accepted' },
    });
    await endCall();
    await specialist.waitForSessionState('Terminated');
  });

  it('attended transfer: consult 1101 with the citizen held, then REFER with Replaces', async () => {
    const citizenCall = await citizenReachesAgent();
    const consultId = await consultSpecialist(citizenCall);
    await engine.completeTransfer(citizenCall, consultId);

    const replacing = await specialist.waitForInvite(15_000);
    expect(replacing.from).toBe(CALLER);
    expect(replacing.headers.replaces).toContain(consultId);
    await Promise.all([
      waitCall('the citizen line ends', (c) => c.callId === citizenCall && c.phase === 'ended'),
      waitCall('the consult line ends', (c) => c.callId === consultId && c.phase === 'ended'),
    ]);
    const calls = await engineCalls();
    expect(calls.find((c) => c.callId === citizenCall)?.transfer).toMatchObject({
      kind: 'attended',
      state: 'accepted',
    });
    expect(calls.filter((c) => c.phase !== 'ended')).toEqual([]);

    await specialist.waitForSessionState('Established');
    await caller.waitForSessionState('Established');
    await Promise.all([caller.waitForMedia(20), specialist.waitForMedia(20)]);
    await Promise.all([mediaRises(caller), mediaRises(specialist)]);
    await endCall();
    await specialist.waitForSessionState('Terminated');
  });

  it('attended transfer after a consult to a queue line: the citizen reaches the seat that answered', async () => {
    await prepare();
    const expert = await hubClient(ds.hub.url, 'specialist01', SPECIALIST);
    await expert.json(HUB_PATHS.agentState, { state: 'ready' });
    const citizenCall = await citizenReachesAgent();
    const consultId = await consultSpecialist(citizenCall, POLICY_EXPERT_LINE);
    const queuedBefore = queuedCalls(await readKamailioLogSinceStart());
    expect(queuedBefore, 'the consult went through the queue').toContain(consultId);

    await engine.completeTransfer(citizenCall, consultId);
    const replacing = await specialist.waitForInvite(15_000);
    expect(replacing.from).toBe(CALLER);
    expect(replacing.headers.replaces).toContain(consultId);
    expect(await caller.page.evaluate(() => window.hdSeat.referrals.at(-1))).toMatch(
      new RegExp(`^<sip:${SPECIALIST}@${cfg.domain}\\?Replaces=`),
    );
    await Promise.all([
      waitCall('the citizen line ends', (c) => c.callId === citizenCall && c.phase === 'ended'),
      waitCall('the consult line ends', (c) => c.callId === consultId && c.phase === 'ended'),
    ]);
    expect((await engineCalls()).find((c) => c.callId === citizenCall)?.transfer).toMatchObject({
      kind: 'attended',
      target: POLICY_EXPERT_LINE,
      state: 'accepted',
    });
    await caller.waitForSessionState('Established');
    await Promise.all([mediaRises(caller), mediaRises(specialist)]);
    // The citizen's new call went to 1101 directly: nothing more was queued at the hub.
    expect(queuedCalls(await readKamailioLogSinceStart())).toEqual(queuedBefore);
    await endCall();
    await specialist.waitForSessionState('Terminated');
  });

  it('three-way call: each hears the other through the mix; dropping 1101 leaves two-way', async () => {
    const citizenCall = await citizenReachesAgent();
    const consultId = await consultSpecialist(citizenCall);
    await caller.page.evaluate((f) => window.hdSeat.sendTone(f), CALLER_TONE);
    await specialist.page.evaluate((f) => window.hdSeat.sendTone(f), SPECIALIST_TONE);

    // Before the mix the held citizen is not heard at the specialist (the detector can say no).
    await neverHeard(specialist, CALLER_TONE);

    await engine.conference(citizenCall, consultId);
    await waitCall(
      'both lines are mixed',
      (c) => c.callId === citizenCall && c.conferencedWith === consultId,
    );
    await expect
      .poll(async () => (await heard(specialist, CALLER_TONE)).present, {
        timeout: 10_000,
        message: `the specialist hears the citizen's ${CALLER_TONE} Hz`,
      })
      .toBe(true);
    await expect
      .poll(async () => (await heard(caller, SPECIALIST_TONE)).present, {
        timeout: 10_000,
        message: `the citizen hears the specialist's ${SPECIALIST_TONE} Hz`,
      })
      .toBe(true);

    // Drop the specialist: the citizen and the agent go on, two-way.
    await engine.hangup(consultId);
    await specialist.waitForSessionState('Terminated');
    const rest = await waitCall(
      'the citizen line is two-way again',
      (c) => c.callId === citizenCall && c.conferencedWith === null,
    );
    expect(rest).toMatchObject({ phase: 'active', held: false });
    await mediaRises(caller);
    // The tone fades out of the citizen's audio path over a second or two (what was in
    // flight, the receiver's concealment); then it stays gone.
    await expect
      .poll(async () => (await heard(caller, SPECIALIST_TONE)).present, {
        timeout: 10_000,
        message: 'the specialist leaves what the citizen hears',
      })
      .toBe(false);
    await neverHeard(caller, SPECIALIST_TONE);

    await caller.page.evaluate(() => window.hdSeat.sendTone(0));
    await engine.hangup(citizenCall);
    await caller.waitForSessionState('Terminated');
  });
});
