import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_PATHS } from '../../shared/hub-api.js';
import { dropWorkDir, openDeskBrowser, webDesk } from './support/browser-seat.js';
import { signIn } from './support/desk-flow.js';
import { startPbx, stopPbx } from './support/pbx.js';
import { startHub, startSeatHost, type Service } from './support/services.js';

/**
 * The browser seat when things go wrong: the desk page reloaded or the seat host killed
 * while an order is half typed, a sign-in while the hub is down, and an order edited
 * offline while a lead edits it at the hub. All real: Kamailio + rtpengine, the hub on
 * SQLite and the seat host as processes, the renderer in headless Chromium.
 */
const HUB_PORT = 4000;
const SEAT_PORT = 4100;

let work: string;
let hubDb: string;
let hub: Service | null = null;
let seat: Service | null = null;
let browser: BrowserContext;
let page: Page;

/** The desk UI is the `#desk` frame of the phone host page (a FrameLocator follows reloads). */
const desk = () => webDesk(page).desk;
const byId = (id: string) => desk().getByTestId(id);
const attr = (id: string, name: string) => () => byId(id).first().getAttribute(name);

async function startTheHub(): Promise<void> {
  hub = await startHub({ port: HUB_PORT, db: hubDb, logDir: work });
}

async function startTheSeat(): Promise<Service> {
  seat = await startSeatHost({
    port: SEAT_PORT,
    hubUrl: `http://127.0.0.1:${HUB_PORT}`,
    dataDir: join(work, 'seat'),
    logDir: work,
  });
  return seat;
}

function hubRows<T>(query: string, ...args: unknown[]): T[] {
  const db = new Database(hubDb, { readonly: true });
  try {
    return db.prepare(query).all(...args) as T[];
  } finally {
    db.close();
  }
}

/** A lead, at the hub, through its API: signs in and changes one order's summary. */
async function leadEditsSummary(orderNo: string, summary: string): Promise<void> {
  const base = `http://127.0.0.1:${HUB_PORT}`;
  const login = await fetch(base + HUB_PATHS.login, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account: 'lead01', password: 'demo1234', extension: '1901' }),
  });
  expect(login.status).toBe(200);
  const { token } = (await login.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  const order = (await (
    await fetch(base + HUB_PATHS.order(orderNo), { headers: auth })
  ).json()) as {
    version: number;
  };
  const edit = await fetch(base + HUB_PATHS.order(orderNo), {
    method: 'PATCH',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ baseVersion: order.version, changes: { summary } }),
  });
  expect(edit.status, await edit.clone().text()).toBe(200);
}

async function fillOrder(summary: string): Promise<void> {
  await byId('order-type').selectOption('complaint');
  await byId('order-category').selectOption('social-insurance');
  await byId('order-territory').selectOption('NC');
  await byId('order-summary').fill(summary);
  await byId('order-name').fill('林女士');
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hd-e2e-offline-'));
  hubDb = join(work, 'hub.sqlite');
  await startPbx();
  await startTheHub();
  await startTheSeat();
  ({ browser, page } = await openDeskBrowser(join(work, 'profile')));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await seat?.stop();
  await hub?.stop();
  await stopPbx();
  await dropWorkDir(work);
});

describe('the browser seat offline', () => {
  it('brings a half-typed order back after a reload of the page and a kill of the seat host', async () => {
    await page.goto(seat!.url);
    await signIn(desk());
    const summary = '草稿：小区电梯停运三天，物业不处理';
    await fillOrder(summary);
    await expect.poll(attr('order-draft', 'data-state'), { timeout: 10_000 }).toBe('saved');

    await page.reload();
    await expect.poll(() => byId('order-summary').inputValue(), { timeout: 15_000 }).toBe(summary);
    expect(await byId('order-name').inputValue()).toBe('林女士');
    expect(await byId('order-draft').getAttribute('data-restored')).toBe('true');

    // A crash of the seat host: its session was in memory only, so the agent signs in again,
    // and the draft (sealed with the store key the hub hands the seat) comes back with it.
    await seat!.kill();
    await startTheSeat();
    await page.goto(seat!.url);
    await signIn(desk());
    await expect.poll(() => byId('order-summary').inputValue(), { timeout: 15_000 }).toBe(summary);
  });

  it('refuses to sign in while the hub is down, and says why', async () => {
    await byId('logout').click();
    await expect.poll(() => byId('login-submit').count(), { timeout: 10_000 }).toBe(1);
    await hub!.stop();

    await byId('login-account').fill('agent01');
    await byId('login-password').fill('demo1234');
    await byId('login-extension').fill('1001');
    await byId('login-submit').click();
    await expect
      .poll(attr('login-error', 'data-code'), { timeout: 15_000 })
      .toBe('offline-sign-in-unavailable');
    expect(await byId('login-error').textContent()).toMatch(/中心|枢纽|hub/i);

    await startTheHub();
    await signIn(desk());
  });

  it('shows a conflict between an offline edit and a lead’s edit, and applies the agent’s choice', async () => {
    await byId('order-save').click();
    const local = attr('local-order', 'data-status');
    await expect.poll(local, { timeout: 15_000 }).toBe('synced');
    const orderNo = (await byId('local-order').first().getAttribute('data-order-no'))!;
    expect(orderNo).toMatch(/^DG\d{14}$/);

    // The hub goes down; the agent edits the order's summary on the seat.
    await hub!.stop();
    await byId('tab-orders').click();
    await byId('seat-order-edit').first().click();
    await expect.poll(() => byId('order-editing').count()).toBe(1);
    const mine = '坐席离线补充：电梯已停运五天';
    await byId('order-summary').fill(mine);
    await byId('order-save').click();
    await expect.poll(attr('sync-pending', 'data-count'), { timeout: 10_000 }).toBe('1');

    // The agent signs out (the edit waits in the outbox), the hub comes back, and a lead
    // changes the same summary there before the seat can push.
    await byId('logout').click();
    await expect.poll(() => byId('login-submit').count(), { timeout: 10_000 }).toBe(1);
    await startTheHub();
    const theirs = '组长更正：电梯停运，已转住建局';
    await leadEditsSummary(orderNo, theirs);

    // Signed in again, the seat pushes its edit: the hub kept the lead's summary and
    // recorded the conflict, which the seat shows with both values.
    await signIn(desk());
    await expect.poll(attr('sync-pending', 'data-count'), { timeout: 15_000 }).toBe('0');
    await byId('tab-conflicts').click();
    await expect.poll(() => byId('conflict').count(), { timeout: 15_000 }).toBe(1);
    expect(await byId('conflict').getAttribute('data-field')).toBe('summary');
    expect(await byId('conflict-seat').textContent()).toContain(mine);
    expect(await byId('conflict-hub').textContent()).toContain(theirs);
    type Row = { summary: string };
    expect(hubRows<Row>('SELECT summary FROM orders WHERE order_no = ?', orderNo)).toEqual([
      { summary: theirs },
    ]);

    // The agent keeps their own: it becomes the hub's summary, and the conflict is closed.
    await byId('conflict-use-mine').click();
    await expect
      .poll(() => hubRows<Row>('SELECT summary FROM orders WHERE order_no = ?', orderNo), {
        timeout: 15_000,
      })
      .toEqual([{ summary: mine }]);
    await expect.poll(() => byId('conflict').count(), { timeout: 15_000 }).toBe(0);
    const decided = hubRows<{ resolution: string | null }>(
      'SELECT resolution FROM order_conflicts WHERE order_no = ?',
      orderNo,
    );
    expect(decided).toEqual([{ resolution: 'seat' }]);
  });

  it('keeps a damaged store file aside, starts a fresh one and says so on the page', async () => {
    await seat!.stop();
    const dir = join(work, 'seat');
    const garbage = Buffer.from('这不是一个 SQLite 文件 '.repeat(200));
    await writeFile(join(dir, 'seat.sqlite'), garbage);
    await rm(join(dir, 'seat.sqlite-wal'), { force: true });
    await rm(join(dir, 'seat.sqlite-shm'), { force: true });

    await startTheSeat();
    await page.goto(seat!.url);
    await expect.poll(attr('seat-notice', 'data-kind'), { timeout: 15_000 }).toBe('store-damaged');
    const kept = (await readdir(dir)).filter((f) => f.startsWith('seat.sqlite.damaged-'));
    expect(kept).toHaveLength(1);
    expect(await byId('seat-notice').textContent()).toContain(kept[0]);
    // Kept byte for byte, and the seat works on a fresh file.
    expect((await readFile(join(dir, kept[0]!))).equals(garbage)).toBe(true);
    await signIn(desk());
    await fillOrder('换了新的本地库后继续受理');
    await byId('order-save').click();
    await expect.poll(attr('local-order', 'data-status'), { timeout: 15_000 }).toBe('synced');
  });
});
