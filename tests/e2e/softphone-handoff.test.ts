import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PSYCH_CARE_HOTLINE } from '../../renderer/src/lib/transfer-targets.js';
import { startBrowserSeat, type BrowserSeat } from './support/browser-seat.js';
import { CALLER } from './support/desk-flow.js';
import {
  fewestLegPackets,
  startDeskSeat,
  stopSippAfterEach,
  type DeskSeat,
} from './support/desk-seat.js';
import { setAgentQueues } from './support/hub-agents.js';
import { pbxConfig } from './support/pbx.js';
import { sippLogLines, type SippProcess } from './support/sipp.js';
import { startTrunkFarEnd } from './support/trunk.js';

/**
 * The psychological seat hands the caller to the outside psychological care hotline
 * (issue 5, Specialist seats), through the desk's transfer dialog and the PBX's trunk.
 * The citizen is a browser user agent that acts on REFER (support/seat-page) and calls
 * the psychological line (12345 + 3); agent01, skilled for the psychological queue only,
 * answers on the web seat; the care hotline is SIPp (tests/sipp/uas-far.xml) on the
 * trunk port. Kamailio lets the citizen's INVITE out to the trunk because it names the
 * seat in Referred-By (kamailio.cfg route[OUTBOUND]).
 */
const PSYCH_LINE = `${pbxConfig().hotline}3`;
const FAR_MEDIA_PORT = 25199;

const cfg = pbxConfig();
let ds: DeskSeat;
let citizen: BrowserSeat;
const track = stopSippAfterEach();

beforeAll(async () => {
  ds = await startDeskSeat({ name: 'handoff', cleanSipp: true, hubEnv: { HUB_WRAP_UP_S: '0' } });
  await setAgentQueues(ds, 'agent01', ['psychological']);
  citizen = await startBrowserSeat({ wsUrl: cfg.wsUrl, domain: cfg.domain, extension: CALLER });
  await citizen.waitRegistered();
}, 180_000);

afterAll(async () => {
  await citizen?.close();
  await ds?.stop();
});

const byId = (id: string) => ds.byId(id);
const attr = (id: string, name: string) => ds.attr(id, name);

/** The citizen calls the psychological line; agent01 answers it in the desk. */
async function psychologicalCallAnswered(): Promise<string> {
  await ds.ensureSignedIn();
  await byId('state-ready').click();
  await expect.poll(attr('agent-state', 'data-state'), { timeout: 10_000 }).toBe('ready');
  await citizen.call(PSYCH_LINE);
  await expect.poll(attr('call-state', 'data-state'), { timeout: 15_000 }).toBe('ringing');
  const callId = (await attr('call-state', 'data-call-id')())!;
  await byId('answer').click();
  await expect.poll(attr('call-state', 'data-state'), { timeout: 10_000 }).toBe('active');
  await citizen.waitForSessionState('Established');
  await citizen.waitForMedia(20);
  return callId;
}

/** Opens the transfer dialog on the call in hand and picks the care hotline. */
async function pickCareHotline(): Promise<void> {
  await byId('call-transfer').click();
  await byId('transfer-dialog').waitFor();
  await byId('transfer-choice').and(ds.desk.desk.locator('[data-choice="care-hotline"]')).check();
}

/**
 * The citizen talks with the care hotline: its INVITE reached the trunk with the hotline's
 * number, and RTP flows both ways through rtpengine (both legs of the new call) and at the
 * citizen's browser. Answers the new call's Call-ID.
 */
async function citizenTalksToCareHotline(far: SippProcess, agentCall: string): Promise<string> {
  let invite: Record<string, string> | undefined;
  await expect
    .poll(
      async () => {
        const logs = await readFile(join(far.workDir, 'logs.log'), 'utf8').catch(() => '');
        invite = sippLogLines(logs, 'invite').find((l) => l.from === CALLER);
        return invite !== undefined;
      },
      { timeout: 15_000, message: "the care hotline gets the citizen's INVITE" },
    )
    .toBe(true);
  expect(invite).toMatchObject({ dialled: PSYCH_CARE_HOTLINE });
  const handedOff = invite!['call-id']!;
  expect(handedOff).not.toBe(agentCall);
  await citizen.waitForSessionState('Established');
  const base = await citizen.stats();
  await expect
    .poll(
      async () => {
        const now = await citizen.stats();
        return Math.min(
          now.packetsReceived - base.packetsReceived,
          now.packetsSent - base.packetsSent,
        );
      },
      { timeout: 10_000, message: "RTP both ways at the citizen's browser" },
    )
    .toBeGreaterThanOrEqual(40);
  await expect
    .poll(() => fewestLegPackets(handedOff), { timeout: 10_000, message: 'RTP on both legs' })
    .toBeGreaterThanOrEqual(50);
  return handedOff;
}

/** agent01 has no call left and is ready for the next one (no wrap-up in this run). */
async function seatIsFree(): Promise<void> {
  await expect
    .poll(attr('call-state', 'data-state'), { timeout: 10_000 })
    .not.toMatch(/ringing|active|dialing/);
  await expect.poll(attr('agent-state', 'data-state'), { timeout: 10_000 }).toBe('ready');
}

describe('the psychological seat hands the caller to the care hotline', () => {
  it('blind: the citizen follows the REFER to 12356 through the trunk, the seat is free', async () => {
    const far = track(await startTrunkFarEnd({ mediaPort: FAR_MEDIA_PORT, calls: 1 }));
    const agentCall = await psychologicalCallAnswered();
    await pickCareHotline();
    await byId('transfer-blind').click();

    await citizenTalksToCareHotline(far, agentCall);
    expect(await citizen.page.evaluate(() => window.hdSeat.referrals)).toEqual([
      `<sip:${PSYCH_CARE_HOTLINE}@${cfg.domain}>`,
    ]);
    await seatIsFree();

    await citizen.hangup();
    const res = await far.done;
    expect(res.exitCode, res.errors || res.stderr).toBe(0);
    expect(sippLogLines(res.logs, 'bye')).toHaveLength(1);
  });

  it('attended: the agent consults 12356 first, then completes; the citizen replaces the consult', async () => {
    // Two calls at the trunk: the agent's consult, then the citizen's INVITE with Replaces.
    const far = track(await startTrunkFarEnd({ mediaPort: FAR_MEDIA_PORT, calls: 2 }));
    const agentCall = await psychologicalCallAnswered();
    await pickCareHotline();
    await byId('transfer-consult').click();

    // The consult: agent01 holds the citizen and talks with the care hotline.
    await expect.poll(attr('consult-bar', 'data-state'), { timeout: 15_000 }).toBe('consulting');
    const consultCall = (await attr('consult-bar', 'data-consult-call')())!;
    expect(await attr('consult-bar', 'data-citizen-call')()).toBe(agentCall);
    await expect
      .poll(() => citizen.descriptions(), { message: 'the citizen is held meanwhile' })
      .toMatchObject({ remote: expect.stringContaining('a=sendonly') });

    await byId('consult-complete').click();
    const handedOff = await citizenTalksToCareHotline(far, agentCall);
    expect(handedOff).not.toBe(consultCall);
    await seatIsFree();

    await citizen.hangup();
    const res = await far.done;
    expect(res.exitCode, res.errors || res.stderr).toBe(0);
    const invites = sippLogLines(res.logs, 'invite');
    expect(invites.map((l) => [l['call-id'], l.dialled])).toEqual([
      [consultCall, PSYCH_CARE_HOTLINE],
      [handedOff, PSYCH_CARE_HOTLINE],
    ]);
    // The agent ended the consult once the REFER succeeded; the citizen ended its call.
    expect(
      sippLogLines(res.logs, 'bye')
        .map((l) => l['call-id'])
        .sort(),
    ).toEqual([consultCall, handedOff].sort());
  });
});
