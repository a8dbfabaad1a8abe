import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import type { MediaCounters } from '../../../renderer/src/phone/debug-stats.js';
import { dropWorkDir, openDesk, openDeskBrowser, webDesk, type WebDesk } from './browser-seat.js';
import { signIn } from './desk-flow.js';
import { startPbx, stopPbx } from './pbx.js';
import { queryCallCounts } from './rtpengine.js';
import { startHub, startSeatHost, type Service } from './services.js';
import { cleanSippWorkDirs, type SippProcess } from './sipp.js';

/**
 * The web seat the desk tests drive, all real: the PBX, the hub on SQLite, the seat host,
 * and headless Chromium on the seat's page (the phone host, the desk in its frame).
 */
export interface DeskSeatOptions {
  /** Names the work folder: hd-e2e-<name>-XXXXXX in the system temp folder. */
  name: string;
  /** The hub's port (4000). */
  hubPort?: number;
  /** The seat host's port (4100). */
  seatPort?: number;
  /** More environment for the hub, e.g. { HUB_WRAP_UP_S: '0' }. */
  hubEnv?: Record<string, string>;
  /** Environment for the PBX scripts, e.g. { PBX_RING_TIMEOUT_MS: '4000' }. */
  pbxEnv?: Record<string, string>;
  /** Remove the SIPp work folders of earlier runs first. */
  cleanSipp?: boolean;
  /** Open the seat's page and wait for the desk (true); false leaves the page blank. */
  openDesk?: boolean;
  /** Called with the browser's page before the seat's page opens (e.g. to follow its console). */
  onPage?: (page: Page) => void;
  /** Called before the PBX starts (e.g. to note where its log stands). */
  beforePbx?: () => Promise<void>;
  /** The account and extension ensureSignedIn() uses (agent01 on 1001). */
  account?: string;
  extension?: string;
}

export interface DeskSeat {
  work: string;
  /** The hub's SQLite file (in `work`), kept across restartHub(). */
  hubDb: string;
  /** The hub now running (restartHub() replaces it). */
  hub: Service;
  seat: Service;
  browser: BrowserContext;
  /** The phone host page (the engine, its debug hooks); the desk is its #desk frame. */
  page: Page;
  desk: WebDesk;
  /** Starts the hub again on the same port, database and environment. */
  restartHub(): Promise<Service>;
  /** Signs the account in on the desk once (call it inside a test: it polls). */
  ensureSignedIn(): Promise<void>;
  /** The desk's element(s) with this data-testid. */
  byId(id: string): Locator;
  /** Reads attribute `name` of the desk's first element `id`, for expect.poll. */
  attr(id: string, name: string): () => Promise<string | null>;
  /** Stops all of it, the last started first, and removes the work folder. */
  stop(): Promise<void>;
}

/** Starts the PBX, the hub, the seat host and the browser; on a failure stops what started. */
export async function startDeskSeat(opts: DeskSeatOptions): Promise<DeskSeat> {
  const work = await mkdtemp(join(tmpdir(), `hd-e2e-${opts.name}-`));
  const hubDb = join(work, 'hub.sqlite');
  const hubPort = opts.hubPort ?? 4000;
  let hub: Service | undefined;
  let seat: Service | undefined;
  let browser: BrowserContext | undefined;
  let pbxStarted = false;
  let signedIn: Promise<void> | undefined;

  const stop = async (): Promise<void> => {
    await browser?.close();
    await seat?.stop();
    await hub?.stop();
    if (pbxStarted) await stopPbx();
    await dropWorkDir(work);
  };
  const restartHub = async (): Promise<Service> => {
    hub = await startHub({ port: hubPort, db: hubDb, logDir: work, env: opts.hubEnv });
    return hub;
  };

  try {
    if (opts.cleanSipp) await cleanSippWorkDirs();
    await opts.beforePbx?.();
    pbxStarted = true;
    await startPbx(opts.pbxEnv);
    const startedHub = await restartHub();
    seat = await startSeatHost({
      port: opts.seatPort ?? 4100,
      hubUrl: startedHub.url,
      dataDir: join(work, 'seat'),
      logDir: work,
    });
    const opened = await openDeskBrowser(join(work, 'profile'));
    browser = opened.browser;
    const { page } = opened;
    opts.onPage?.(page);
    const desk = opts.openDesk === false ? webDesk(page) : await openDesk(page, seat.url);
    const byId = (id: string): Locator => desk.desk.getByTestId(id);
    return {
      work,
      hubDb,
      get hub() {
        return hub!;
      },
      seat,
      browser,
      page,
      desk,
      restartHub,
      ensureSignedIn: () => (signedIn ??= signIn(desk.desk, opts.account, opts.extension)),
      byId,
      attr: (id, name) => () => byId(id).first().getAttribute(name),
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** The engine page's RTP counters (window.__hotlineDebug). */
export function engineStats(page: Page): Promise<MediaCounters> {
  return page.evaluate(() => window.__hotlineDebug!.getStats());
}

/**
 * Both directions in the engine page gained at least `more` packets over `base` (polled for
 * 10 s, failing with `message`); answers the counters then.
 */
export async function engineMediaRises(
  page: Page,
  base: MediaCounters,
  more: number,
  message: string,
): Promise<MediaCounters> {
  let now = base;
  await expect
    .poll(
      async () => {
        now = await engineStats(page);
        return Math.min(
          now.packetsReceived - base.packetsReceived,
          now.packetsSent - base.packetsSent,
        );
      },
      { timeout: 10_000, message },
    )
    .toBeGreaterThanOrEqual(more);
  return now;
}

/** The packets rtpengine got from the leg that sent it fewest (both legs of the call). */
export async function fewestLegPackets(callId: string): Promise<number> {
  const counts = await queryCallCounts(callId);
  expect(counts.legs).toHaveLength(2);
  return Math.min(...counts.legs.map((l) => l.packets));
}

/** Seconds shown by the call card's timer ("01:05" or "1:02:03"). */
export function timerSeconds(text: string | null): number {
  const parts = (text ?? '').trim().split(':').map(Number);
  if (parts.length < 2 || parts.some((n) => !Number.isInteger(n))) {
    throw new Error(`the call timer shows "${text}", not a duration`);
  }
  return parts.reduce((total, n) => total * 60 + n, 0);
}

/**
 * Stops every SIPp handed to the returned function after each test of the file, so a failed
 * test leaves no far end holding a port for the next one. Call it at the file's top level.
 */
export function stopSippAfterEach(): <T extends SippProcess>(p: T) => T {
  const started: SippProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop()));
  });
  return (p) => {
    started.push(p);
    return p;
  };
}
