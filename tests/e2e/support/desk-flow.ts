import Database from 'better-sqlite3';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { waitForMediaBothWays } from './rtpengine.js';
import { placeHotlineCall } from './sipp.js';

/**
 * The agent's path through one call and one offline order, as steps on the desk UI.
 * The browser seat (seat host) and the Electron seat run the very same steps, so the two
 * adapters are held to one behaviour.
 */
export const CALLER = '13800138000';
/** The hub's seed gives this number 6 orders, the newest about social insurance. */
export const SEEDED_ORDERS = 6;

/**
 * Where the desk UI's elements are: the web seat's `#desk` frame (a FrameLocator or
 * Frame), or Electron's desk window (a Page).
 */
export interface DeskRoot {
  getByTestId(testId: string): Locator;
}

/**
 * A seat as the call steps need it: the desk UI, the page of the phone engine (its
 * `window.__hotlineDebug` counters) and the page a screenshot shows. In the web seat the
 * engine page is the top page that holds the desk frame; in Electron, the hidden window.
 */
export interface SeatView {
  desk: DeskRoot;
  engine: Page;
  page: Page;
}

const byId = (page: DeskRoot, id: string) => page.getByTestId(id);
const attr = (page: DeskRoot, id: string, name: string) => () =>
  byId(page, id).first().getAttribute(name);

export async function signIn(
  page: DeskRoot,
  account = 'agent01',
  extension = '1001',
): Promise<void> {
  await byId(page, 'login-account').fill(account);
  await byId(page, 'login-password').fill('demo1234');
  await byId(page, 'login-extension').fill(extension);
  await byId(page, 'login-submit').click();
  await expect.poll(attr(page, 'reg-status', 'data-state'), { timeout: 15_000 }).toBe('registered');
}

/**
 * A seeded citizen calls while the agent is not ready, so the call queues at the hub; the
 * agent goes ready, the seat rings with the pop, the agent answers, media is counted both
 * ways at rtpengine and in the page, and the agent hangs up.
 */
export async function takeQueuedCall(
  seat: SeatView,
  opts: { sipPort: number; mediaPort: number; screenshot?: string },
) {
  const page = seat.desk;
  const caller = await placeHotlineCall({
    caller: CALLER,
    sipPort: opts.sipPort,
    mediaPort: opts.mediaPort,
    holdMs: 60_000,
  });
  await new Promise((r) => setTimeout(r, 1500));
  expect(await byId(page, 'call-state').getAttribute('data-state')).toBe('idle');

  await byId(page, 'state-ready').click();
  await expect.poll(attr(page, 'call-state', 'data-state'), { timeout: 15_000 }).toBe('ringing');

  // The pop, before answering: the number's seeded orders, its queue wait, KB answers.
  await expect.poll(attr(page, 'pop', 'data-state')).toBe('ready');
  expect(await byId(page, 'pop-number').textContent()).toMatch(/138\D*0013\D*8000/);
  await expect.poll(() => byId(page, 'pop-order').count()).toBe(SEEDED_ORDERS);
  const waitMs = Number(await byId(page, 'pop-wait').getAttribute('data-wait-ms'));
  expect(waitMs).toBeGreaterThan(1000);
  expect(await byId(page, 'kb-hit').count()).toBeGreaterThan(0);
  const callId = await byId(page, 'pop').getAttribute('data-call-id');
  expect(callId).toBe(caller.callId(1));
  if (opts.screenshot) await seat.page.screenshot({ path: opts.screenshot });

  await byId(page, 'answer').click();
  await expect.poll(attr(page, 'call-state', 'data-state'), { timeout: 10_000 }).toBe('active');

  // SIP states prove nothing about media: count packets at rtpengine and in the page.
  const counts = await waitForMediaBothWays(callId!, { minPackets: 25, timeoutMs: 10_000 });
  expect(counts.legs).toHaveLength(2);
  for (const leg of counts.legs) expect(leg.packets).toBeGreaterThanOrEqual(25);
  const stats = await seat.engine.evaluate(() => window.__hotlineDebug!.getStats());
  expect(stats.packetsReceived).toBeGreaterThan(0);
  expect(stats.packetsSent).toBeGreaterThan(0);

  await byId(page, 'hangup').click();
  const result = await caller.done;
  expect(result.exitCode, result.errors || result.stderr).toBe(0);
  expect(result.messages).toMatch(/BYE sip:/);
  await expect.poll(attr(page, 'call-state', 'data-state')).not.toBe('active');
  return { callId: callId!, waitMs, counts, stats };
}

/**
 * With the hub stopped, the agent saves an order: it is pending on the seat. Then the hub
 * comes back, and the order reaches it exactly once and shows its hub number.
 */
export async function saveOrderWhileHubIsDown(
  page: DeskRoot,
  hub: { stop(): Promise<unknown>; start(): Promise<unknown>; db: string },
): Promise<string> {
  await hub.stop();

  await byId(page, 'order-type').selectOption('complaint');
  await byId(page, 'order-category').selectOption('social-insurance');
  await byId(page, 'order-territory').selectOption('NC');
  const summary = `E2E ${Date.now()}: 公司连续三个月未缴社保，要求核查`;
  await byId(page, 'order-summary').fill(summary);
  await byId(page, 'order-name').fill('陈先生');
  await byId(page, 'order-address').fill('南城街道鸿福路 88 号');
  await byId(page, 'order-save').click();

  const local = attr(page, 'local-order', 'data-status');
  await expect.poll(local, { timeout: 10_000 }).toBe('pending');
  await expect.poll(attr(page, 'sync-pending', 'data-count'), { timeout: 10_000 }).toBe('1');

  await hub.start();
  await expect.poll(local, { timeout: 20_000 }).toBe('synced');
  const orderNo = await byId(page, 'local-order').first().getAttribute('data-order-no');
  expect(orderNo).toMatch(/^DG\d{14}$/);
  await expect.poll(attr(page, 'sync-pending', 'data-count')).toBe('0');

  const db = new Database(hub.db, { readonly: true });
  try {
    const rows = db.prepare('SELECT order_no FROM orders WHERE summary = ?').all(summary);
    expect(rows).toEqual([{ order_no: orderNo }]);
  } finally {
    db.close();
  }
  return orderNo!;
}
