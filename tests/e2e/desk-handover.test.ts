import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDesk, startBrowserSeat, type BrowserSeat } from './support/browser-seat.js';
import { CALLER, signIn } from './support/desk-flow.js';
import {
  engineMediaRises,
  engineStats,
  startDeskSeat,
  type DeskSeat,
} from './support/desk-seat.js';
import { startExtraDesk, type ExtraDesk } from './support/extra-desk.js';
import { setAgentQueues } from './support/hub-agents.js';
import { pbxConfig } from './support/pbx.js';

/**
 * An attended transfer to a specialist, driven through both desks (issue 5, Transfers:
 * "the order draft and the agent's notes travel with the call so the specialist seat's
 * pop shows them"). All real: the citizen is a browser user agent that follows REFER
 * (Kamailio is a proxy); agent01 works the call in the web desk; specialist01 serves the
 * policy-expert queue on a second web desk. agent01 types a draft, opens the transfer
 * dialog by its shortcut and consults the policy-expert line (the hub's ACD picks
 * specialist01), whose pop shows the draft and notes; the specialist takes the draft into
 * the form; agent01 completes the transfer from the consult bar. The REFER names the seat
 * that answered the queue line (its engine says so in the 200 OK, X-Hotline-Seat), so the
 * citizen's INVITE with Replaces reaches specialist01 instead of queueing again. Then the
 * citizen calls again, and agent01 opens the dialog by its button, consults specialist01's
 * extension and completes the transfer again.
 */
const SPECIALIST = { account: 'specialist01', extension: '1101' };
const SUMMARY = '个体户营业执照变更经营范围需要哪些材料';
const NOTES = '来电人已提供营业执照号，想确认申报截止时间';

const cfg = pbxConfig();
let ds: DeskSeat;
let specialist: ExtraDesk;
let citizen: BrowserSeat;

beforeAll(async () => {
  ds = await startDeskSeat({ name: 'handover', openDesk: false, hubEnv: { HUB_WRAP_UP_S: '30' } });
  await setAgentQueues(ds, SPECIALIST.account, ['policy-expert']);
  specialist = await startExtraDesk(ds, {
    name: 'specialist',
    seatPort: 4101,
    account: SPECIALIST.account,
    extension: SPECIALIST.extension,
  });
  citizen = await startBrowserSeat({
    extension: CALLER,
    wsUrl: cfg.wsUrl,
    domain: cfg.domain,
    answerDelayMs: 200,
  });
}, 180_000);

afterAll(async () => {
  await citizen?.close();
  await specialist?.stop();
  await ds?.stop();
});

describe('handover to a specialist desk', () => {
  let citizenCall = '';
  const agent = {
    byId: (id: string) => ds.byId(id),
    attr: (id: string, name: string) => ds.attr(id, name),
  };

  /** The citizen calls the hotline; agent01 (ready) answers in the desk. */
  async function citizenReachesAgent(): Promise<string> {
    await citizen.call(cfg.hotline);
    await expect.poll(agent.attr('call-state', 'data-state'), { timeout: 15_000 }).toBe('ringing');
    const callId = (await agent.attr('call-state', 'data-call-id')())!;
    await agent.byId('answer').click();
    await expect.poll(agent.attr('call-state', 'data-state'), { timeout: 10_000 }).toBe('active');
    await citizen.waitForSessionState('Established');
    return callId;
  }

  /**
   * agent01 completes the transfer from the consult bar: the citizen's UA follows the REFER
   * with Replaces to specialist01's extension and takes over the consult call there; media
   * flows both ways; agent01 is free and in wrap-up. Then the citizen hangs up.
   */
  async function completeFromConsultBar(consultCall: string, referral: number): Promise<void> {
    await agent.byId('consult-complete').click();
    await expect
      .poll(specialist.attr('call-state', 'data-call-id'), { timeout: 15_000 })
      .not.toBe(consultCall);
    const referrals = await citizen.page.evaluate(() => window.hdSeat.referrals);
    expect(referrals).toHaveLength(referral);
    expect(referrals.at(-1)).toContain(`sip:${SPECIALIST.extension}@`);
    expect(referrals.at(-1)).toContain('Replaces=');
    await expect
      .poll(specialist.attr('call-state', 'data-state'), { timeout: 10_000 })
      .toBe('active');
    expect(await specialist.attr('call-number', 'data-number')()).toBe(CALLER);

    // Media both ways between the citizen and the specialist's engine.
    await citizen.waitForSessionState('Established');
    await engineMediaRises(
      specialist.page,
      await engineStats(specialist.page),
      25,
      'RTP both ways at the specialist',
    );
    const citizenBase = await citizen.stats();
    await expect
      .poll(
        async () => {
          const now = await citizen.stats();
          return Math.min(
            now.packetsReceived - citizenBase.packetsReceived,
            now.packetsSent - citizenBase.packetsSent,
          );
        },
        { timeout: 10_000, message: 'RTP both ways at the citizen' },
      )
      .toBeGreaterThanOrEqual(25);

    // agent01's desk is free and in wrap-up.
    await expect
      .poll(agent.attr('call-state', 'data-state'), { timeout: 10_000 })
      .not.toMatch(/active|ringing|connecting/);
    expect(await agent.byId('consult-bar').count()).toBe(0);
    await expect.poll(agent.attr('agent-state', 'data-state'), { timeout: 10_000 }).toBe('wrap-up');

    await citizen.hangup();
    await expect
      .poll(specialist.attr('call-state', 'data-state'), { timeout: 10_000 })
      .not.toBe('active');
  }

  it('consults the policy-expert line (the pop shows the draft and notes) and transfers there', async () => {
    const agentDesk = await openDesk(ds.page, ds.seat.url);
    await signIn(agentDesk.desk);
    await specialist.signIn();
    await citizen.waitRegistered();
    await citizen.page.mouse.click(2, 2);
    await specialist.byId('state-ready').click();
    await expect.poll(specialist.attr('agent-state', 'data-state')).toBe('ready');
    await agent.byId('state-ready').click();
    await expect.poll(agent.attr('agent-state', 'data-state')).toBe('ready');

    // The citizen calls the hotline; agent01 answers in the desk.
    citizenCall = await citizenReachesAgent();

    // A draft in the order form, then the transfer dialog by its shortcut.
    await agent.byId('order-category').selectOption('business-licence');
    await agent.byId('order-summary').fill(SUMMARY);
    await agent.byId('order-summary').press('Control+Shift+X');
    const dialog = agent.byId('transfer-dialog');
    await dialog.waitFor({ timeout: 5_000 });
    expect(await dialog.locator('form').getAttribute('data-call-id')).toBe(citizenCall);
    await dialog.locator('[data-testid="transfer-choice"][data-choice="policy-expert"]').check();
    await agent.byId('transfer-notes').fill(NOTES);
    await agent.byId('transfer-consult').click();

    // The citizen is held; the hub's ACD rings specialist01 with the handover in the pop.
    await expect
      .poll(agent.attr('consult-bar', 'data-state'), { timeout: 15_000 })
      .toMatch(/dialing|consulting/);
    const consultCall = (await agent.attr('consult-bar', 'data-consult-call')())!;
    expect(await agent.attr('consult-bar', 'data-citizen-call')()).toBe(citizenCall);
    await expect
      .poll(specialist.attr('call-state', 'data-state'), { timeout: 15_000 })
      .toBe('ringing');
    expect(await specialist.attr('call-state', 'data-call-id')()).toBe(consultCall);
    const handover = specialist.byId('pop-handover');
    await handover.waitFor({ timeout: 10_000 });
    expect(await handover.getAttribute('data-from')).toBe('1001');
    expect(await specialist.byId('handover-notes').textContent()).toBe(NOTES);
    expect(await specialist.byId('handover-draft').textContent()).toContain(SUMMARY);

    await specialist.byId('answer').click();
    await expect
      .poll(specialist.attr('call-state', 'data-state'), { timeout: 10_000 })
      .toBe('active');
    await expect.poll(agent.attr('consult-bar', 'data-state')).toBe('consulting');

    // "Use the handed-over draft" fills the specialist's form.
    await specialist.byId('handover-use').click();
    await expect.poll(() => specialist.byId('order-summary').inputValue()).toBe(SUMMARY);
    expect(await specialist.byId('order-category').inputValue()).toBe('business-licence');

    // The transfer goes to the seat that answered the queue line, not back to the queue.
    await completeFromConsultBar(consultCall, 1);
  });

  it('consults the specialist extension and completes the attended transfer', async () => {
    expect(citizenCall, 'the first test put the citizen through').not.toBe('');
    // The citizen calls again; agent01 ends the wrap-up and takes it.
    await agent.byId('state-ready').click();
    await expect.poll(agent.attr('agent-state', 'data-state')).toBe('ready');
    citizenCall = await citizenReachesAgent();
    // The first call's unsaved draft is still in the form, which says so; the agent starts
    // one for this call, writes it again, then opens the dialog by its button this time.
    await agent.byId('order-other-call').waitFor({ timeout: 5_000 });
    await agent.byId('order-for-call').click();
    await agent.byId('order-category').selectOption('business-licence');
    await agent.byId('order-summary').fill(SUMMARY);
    await agent.byId('call-transfer').click();
    const dialog = agent.byId('transfer-dialog');
    await dialog.waitFor({ timeout: 5_000 });
    await dialog.locator('[data-testid="transfer-choice"][data-choice="extension"]').check();
    await agent.byId('transfer-typed').fill(SPECIALIST.extension);
    await agent.byId('transfer-notes').fill(`${NOTES}（转 ${SPECIALIST.extension}）`);
    await agent.byId('transfer-consult').click();

    await expect
      .poll(specialist.attr('call-state', 'data-state'), { timeout: 15_000 })
      .toBe('ringing');
    const consultCall = (await agent.attr('consult-bar', 'data-consult-call')())!;
    expect(await specialist.attr('call-state', 'data-call-id')()).toBe(consultCall);
    await expect
      .poll(() => specialist.byId('handover-notes').textContent(), { timeout: 10_000 })
      .toBe(`${NOTES}（转 ${SPECIALIST.extension}）`);
    expect(await specialist.byId('handover-draft').textContent()).toContain(SUMMARY);
    await specialist.byId('answer').click();
    await expect
      .poll(agent.attr('consult-bar', 'data-state'), { timeout: 10_000 })
      .toBe('consulting');

    await completeFromConsultBar(consultCall, 2);
  });
});
