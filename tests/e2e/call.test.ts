import Database from 'better-sqlite3';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_CALL_FLAGS, CHROMIUM_PATH } from './support/browser-seat.js';
import { startPbx, stopPbx } from './support/pbx.js';
import { waitForMediaBothWays } from './support/rtpengine.js';
import { startHub, startSeatHost, type Service } from './support/services.js';
import { placeHotlineCall } from './support/sipp.js';

/**
 * The walking skeleton, all real: Kamailio + rtpengine, the hub on SQLite, the seat host,
 * the renderer in headless Chromium, and a SIPp citizen whose number the hub's seed knows.
 * Run inside a network namespace with only `lo` (tests/e2e/run does).
 */
const HUB_PORT = 4000;
const SEAT_PORT = 4100;
const CALLER = '13800138000';
/** The seed gives this number 6 orders, the newest about social insurance. */
const SEEDED_ORDERS = 6;

let work: string;
let hub: Service;
let seat: Service;
let browser: BrowserContext;
let page: Page;
let hubDb: string;

async function restartHub(): Promise<void> {
  hub = await startHub({ port: HUB_PORT, db: hubDb, logDir: work });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hd-e2e-call-'));
  hubDb = join(work, 'hub.sqlite');
  await startPbx();
  await restartHub();
  seat = await startSeatHost({
    port: SEAT_PORT,
    hubUrl: hub.url,
    dataDir: join(work, 'seat'),
    logDir: work,
  });
  browser = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_CALL_FLAGS,
    permissions: ['microphone'],
    viewport: { width: 1366, height: 768 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await seat?.stop();
  await hub?.stop();
  await stopPbx();
  if (process.env.KEEP_E2E_WORK) console.log(`e2e work dir kept: ${work}`);
  else if (work) await rm(work, { recursive: true, force: true });
});

const byId = (id: string) => page.getByTestId(id);

describe('one real call, end to end', () => {
  it('registers, queues, rings with the pop, carries media both ways and hangs up', async () => {
    await page.goto(seat.url);
    await byId('login-account').fill('agent01');
    await byId('login-password').fill('demo1234');
    await byId('login-extension').fill('1001');
    await byId('login-submit').click();
    await expect
      .poll(() => byId('reg-status').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('registered');

    // The agent is not ready yet, so the citizen waits in the hub's queue.
    const caller = await placeHotlineCall({
      caller: CALLER,
      sipPort: 5070,
      mediaPort: 16000,
      holdMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await byId('call-state').getAttribute('data-state')).toBe('idle');

    await byId('state-ready').click();
    await expect
      .poll(() => byId('call-state').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('ringing');

    // The pop, before answering: the number's seeded orders, its queue wait, KB answers.
    await expect.poll(() => byId('pop').getAttribute('data-state')).toBe('ready');
    expect(await byId('pop-number').textContent()).toMatch(/138\D*0013\D*8000/);
    await expect.poll(() => byId('pop-order').count()).toBe(SEEDED_ORDERS);
    const waitMs = Number(await byId('pop-wait').getAttribute('data-wait-ms'));
    expect(waitMs).toBeGreaterThan(1000);
    expect(await byId('kb-hit').count()).toBeGreaterThan(0);
    const callId = await byId('pop').getAttribute('data-call-id');
    expect(callId).toBe(caller.callId(1));

    await byId('answer').click();
    await expect
      .poll(() => byId('call-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('active');

    // SIP states prove nothing about media: count packets at rtpengine and in the browser.
    const counts = await waitForMediaBothWays(callId!, { minPackets: 25, timeoutMs: 10_000 });
    expect(counts.legs).toHaveLength(2);
    for (const leg of counts.legs) expect(leg.packets).toBeGreaterThanOrEqual(25);
    const stats = await page.evaluate(() => window.__hotlineDebug!.getStats());
    expect(stats.packetsReceived).toBeGreaterThan(0);
    expect(stats.packetsSent).toBeGreaterThan(0);

    await byId('hangup').click();
    const result = await caller.done;
    expect(result.exitCode, result.errors || result.stderr).toBe(0);
    expect(result.messages).toMatch(/BYE sip:/);
    await expect.poll(() => byId('call-state').getAttribute('data-state')).not.toBe('active');
  });

  it('saves an order while the hub is down and syncs it exactly once when it is back', async () => {
    await hub.stop();

    await byId('order-type').selectOption('complaint');
    await byId('order-category').selectOption('social-insurance');
    await byId('order-territory').selectOption('NC');
    const summary = `E2E ${Date.now()}: 公司连续三个月未缴社保，要求核查`;
    await byId('order-summary').fill(summary);
    await byId('order-name').fill('陈先生');
    await byId('order-address').fill('南城街道鸿福路 88 号');
    await byId('order-save').click();

    const local = byId('local-order').first();
    await expect.poll(() => local.getAttribute('data-status'), { timeout: 10_000 }).toBe('pending');
    await expect
      .poll(() => byId('sync-pending').getAttribute('data-count'), { timeout: 10_000 })
      .toBe('1');

    await restartHub();
    await expect.poll(() => local.getAttribute('data-status'), { timeout: 20_000 }).toBe('synced');
    const orderNo = await local.getAttribute('data-order-no');
    expect(orderNo).toMatch(/^DG\d{14}$/);
    await expect.poll(() => byId('sync-pending').getAttribute('data-count')).toBe('0');

    const db = new Database(hubDb, { readonly: true });
    try {
      const rows = db.prepare('SELECT order_no FROM orders WHERE summary = ?').all(summary);
      expect(rows).toEqual([{ order_no: orderNo }]);
    } finally {
      db.close();
    }
  });

  it('refuses a malformed desk call from the page and keeps what was stored', async () => {
    const reply = await page.evaluate(async () => {
      const socket = new WebSocket(`ws://${location.host}/desk`);
      await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
      const answer = (frame: unknown) =>
        new Promise<unknown>((resolve) => {
          socket.addEventListener('message', (e) => resolve(JSON.parse(String(e.data))), {
            once: true,
          });
          socket.send(JSON.stringify(frame));
        });
      const bad = await answer({
        id: 7,
        method: 'order.save',
        params: { order: { category: 'noise', territory: 'Atlantis', summary: 'x' } },
      });
      const list = await answer({ id: 8, method: 'order.list', params: {} });
      socket.close();
      return { bad, list };
    });
    expect(reply.bad).toMatchObject({ id: 7, ok: false, error: { code: 'bad-request' } });
    expect(JSON.stringify(reply.bad)).toMatch(/order\.(type|territory)/);
    expect(reply.list).toMatchObject({ id: 8, ok: true });
    expect((reply.list as { result: unknown[] }).result).toHaveLength(1);
  });

  it('wrote one log line per call event at the seat and at the hub', async () => {
    const seatLog = await readFile(seat.logFile, 'utf8');
    for (const event of ['ringing', 'answered', 'ended']) {
      expect(seatLog).toMatch(new RegExp(`"event":"${event}"`));
    }
    const hubLog = await readFile(hub.logFile, 'utf8');
    for (const msg of ['call queued', 'call routed', 'call answered', 'call ended']) {
      expect(hubLog).toContain(`"msg":"${msg}"`);
    }
    expect(hubLog).toMatch(/"msg":"sync push applied"/);
    for (const log of [seatLog, hubLog]) expect(log).not.toContain('陈先生');
    expect(hubLog).not.toContain(CALLER);
    expect(seatLog).not.toContain(CALLER);
  });
});
