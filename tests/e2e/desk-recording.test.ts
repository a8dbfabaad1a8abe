import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_PATHS, RecordingSchema } from '../../shared/hub-api.js';
import { signIn } from './support/desk-flow.js';
import { startDeskSeat, stopSippAfterEach, type DeskSeat } from './support/desk-seat.js';
import { startExtraDesk, type ExtraDesk } from './support/extra-desk.js';
import { hubClient, type HubClient } from './support/hub-client.js';
import { pbxConfig } from './support/pbx.js';
import { waitUntil } from './support/ports.js';
import { waitForMediaBothWays } from './support/rtpengine.js';
import { placeHotlineCall } from './support/sipp.js';

/**
 * Playing a call's recording in the desk (issue 5, Recording: "the order links to its
 * recording, and a shift lead can play it back in the desk"). All real: Kamailio has
 * rtpengine record each hotline call, the hub turns the capture into a WAV
 * (HUB_RECORDING_DIR), and the desk plays it through the seat core's recording.get.
 *
 * agent01 takes the call on the main desk and saves the order; the hub keeps the order's
 * call id. The lead, signed in on a desk of their own (own seat host and store), finds the
 * order among the centre's orders by its official number and plays its recording.
 */
const cfg = pbxConfig();
const LEAD = { account: 'lead01', extension: '1901' };
const TALK_MS = 4000;

let ds: DeskSeat;
let leadDesk: ExtraDesk;
let lead: HubClient;
let agent02: HubClient;
const track = stopSippAfterEach();

beforeAll(async () => {
  ds = await startDeskSeat({
    name: 'recording',
    cleanSipp: true,
    hubEnv: { HUB_WRAP_UP_S: '0', HUB_RECORDING_DIR: join(cfg.runDir, 'recordings') },
  });
  leadDesk = await startExtraDesk(ds, { name: 'lead', seatPort: 4101, ...LEAD });
  lead = await hubClient(ds.hub.url, LEAD.account, LEAD.extension);
  agent02 = await hubClient(ds.hub.url, 'agent02', '1002');
}, 120_000);

afterAll(async () => {
  await leadDesk?.stop();
  await ds?.stop();
});

const byId = (id: string) => ds.byId(id);
const attr = (id: string, name: string) => ds.attr(id, name);

/**
 * A citizen calls while the desk's account is ready; the desk answers, saves an order for
 * the call, talks TALK_MS and hangs up. Answers the call's id.
 */
async function recordedCallWithOrder(caller: string, sipPort: number): Promise<string> {
  const citizen = track(
    await placeHotlineCall({ caller, sipPort, mediaPort: sipPort + 16_000, holdMs: 60_000 }),
  );
  await byId('state-ready').click();
  await expect.poll(attr('call-state', 'data-state'), { timeout: 15_000 }).toBe('ringing');
  await byId('answer').click();
  await expect.poll(attr('call-state', 'data-state'), { timeout: 10_000 }).toBe('active');
  const callId = (await attr('call-state', 'data-call-id')())!;
  await waitForMediaBothWays(callId, { minPackets: 25, timeoutMs: 10_000 });
  const talking = Date.now();

  await byId('order-type').selectOption('consultation');
  await byId('order-category').selectOption('housing-fund');
  await byId('order-territory').selectOption('NC');
  await byId('order-summary').fill(`录音回放测试 ${callId.slice(0, 8)}：公积金提取进度查询`);
  await byId('order-save').click();
  await expect.poll(attr('order-status', 'data-local-id'), { timeout: 10_000 }).not.toBeNull();

  await new Promise((r) => setTimeout(r, Math.max(0, TALK_MS - (Date.now() - talking))));
  await byId('hangup').click();
  const res = await citizen.done;
  expect(res.exitCode, res.errors || res.stderr).toBe(0);
  await expect.poll(attr('call-state', 'data-state')).not.toBe('active');
  return callId;
}

/** The seat's order saved for `callId`, in the orders tab. */
async function orderRowOf(callId: string) {
  await byId('tab-orders').click();
  const rows = byId('seat-order');
  await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
  const all = await rows.all();
  for (const row of all) {
    if ((await row.textContent())?.includes(callId.slice(0, 8))) return row;
  }
  throw new Error(`no order of call ${callId} in the seat's orders`);
}

/** The official number the hub gave the seat's order of `callId`, once it is synced. */
async function orderNoOf(callId: string): Promise<string> {
  const row = await orderRowOf(callId);
  await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('synced');
  const orderNo = (await row.getAttribute('data-order-no'))!;
  expect(orderNo).toMatch(/^DG\d{14}$/);
  return orderNo;
}

describe('recordings in the desk', () => {
  it('an agent gets no player and the hub refuses agents the audio', async () => {
    await ds.ensureSignedIn();
    const callId = await recordedCallWithOrder('13800138000', 5173);
    const row = await orderRowOf(callId);
    expect(await row.getByTestId('seat-order-edit').count()).toBe(1);
    expect(await row.getByTestId('recording-play').count()).toBe(0);
    expect(await byId('recording-play').count()).toBe(0);
    // Nor the centre's orders: that tab is a lead's.
    expect(await byId('tab-centre').count()).toBe(0);

    // The recording is there for the lead, and refused to an agent.
    await waitUntil(
      `the recording of ${callId} at the hub`,
      async () => ((await lead.fetch(HUB_PATHS.recording(callId))).ok ? true : undefined),
      20_000,
      250,
    );
    expect((await agent02.fetch(HUB_PATHS.recording(callId))).status).toBe(403);
    expect((await agent02.fetch(HUB_PATHS.recordingAudio(callId))).status).toBe(403);
    expect((await agent02.fetch(HUB_PATHS.orders)).status).toBe(403);

    await byId('logout').click();
    await byId('login-account').waitFor({ timeout: 10_000 });
  });

  it("a shift lead finds an agent's order by its number on another desk and plays its recording", async () => {
    // agent01 signed out at the end of the last test: back on the main desk.
    await signIn(ds.desk.desk);
    const callId = await recordedCallWithOrder('13800138001', 5175);
    const orderNo = await orderNoOf(callId);
    const meta = await waitUntil(
      `the recording of ${callId} at the hub`,
      async () => {
        const res = await lead.fetch(HUB_PATHS.recording(callId));
        return res.ok ? RecordingSchema.parse(await res.json()) : undefined;
      },
      20_000,
      250,
    );
    expect(meta.durationMs).toBeGreaterThanOrEqual(TALK_MS - 500);

    await leadDesk.signIn();
    const at = leadDesk.byId;
    await at('tab-centre').click();
    // Today's orders of the centre list it, with the call it was taken on.
    const listed = leadDesk.desk.desk.locator(
      `[data-testid="centre-order"][data-order-no="${orderNo}"]`,
    );
    await expect.poll(() => listed.count(), { timeout: 10_000 }).toBe(1);
    expect(await listed.getAttribute('data-call-id')).toBe(callId);

    await at('centre-find-no').fill(orderNo.toLowerCase());
    await at('centre-find').click();
    const detail = at('centre-order-detail');
    await expect.poll(() => detail.getAttribute('data-phase'), { timeout: 10_000 }).toBe('ready');
    expect(await detail.getAttribute('data-order-no')).toBe(orderNo);
    expect(await at('centre-order-summary').textContent()).toContain(callId.slice(0, 8));

    const play = detail.getByTestId('recording-play');
    expect(await play.getAttribute('data-call-id')).toBe(callId);
    await play.click();
    const player = at('recording-player');
    await expect.poll(() => player.getAttribute('data-phase'), { timeout: 15_000 }).toBe('ready');
    expect(await player.getAttribute('data-call-id')).toBe(callId);
    const shown = (await at('recording-duration').textContent())!;
    expect(shown).toMatch(/^\d\d:\d\d$/);

    // The <audio> element loads the WAV and plays it.
    const audio = at('recording-audio');
    await expect
      .poll(() => audio.evaluate((el: HTMLAudioElement) => el.duration), { timeout: 10_000 })
      .toBeGreaterThan(0);
    const duration = await audio.evaluate((el: HTMLAudioElement) => el.duration);
    expect(Math.abs(duration * 1000 - meta.durationMs)).toBeLessThan(500);
    await audio.evaluate((el: HTMLAudioElement) => el.play());
    await expect
      .poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime), { timeout: 10_000 })
      .toBeGreaterThan(0.5);
    expect(await audio.evaluate((el: HTMLAudioElement) => el.error)).toBeNull();

    await at('recording-close').click();
    expect(await player.count()).toBe(0);
  });
});
