import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  chromium,
  type BrowserContext,
  type Frame,
  type FrameLocator,
  type Page,
} from 'playwright-core';
import { REPO_ROOT } from './pbx.js';
import { waitUntil } from './ports.js';
import type { SeatInvite, SeatMediaStats, SeatPageApi, SeatPageConfig } from './seat-page/api.js';

/**
 * A WebRTC seat for PBX-level tests: sip.js 0.21 in headless Debian Chromium (playwright-core),
 * registered over WebSocket, auto-answering. Run inside a network namespace with only `lo`
 * (scripts/in-netns) so Chromium gathers loopback candidates only.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium flags for calls as root in tests (DESIGN §6). */
export const CHROMIUM_CALL_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  // Without it the seat offers no candidates: SIP "succeeds" and no media flows.
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/**
 * Headless Chromium for the desk page, with its profile in `profileDir`, the microphone
 * allowed and a desk-sized window; answers the browser and its first page.
 */
export async function openDeskBrowser(
  profileDir: string,
): Promise<{ browser: BrowserContext; page: Page }> {
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_CALL_FLAGS,
    permissions: ['microphone'],
    viewport: { width: 1366, height: 768 },
  });
  return { browser, page: browser.pages()[0] ?? (await browser.newPage()) };
}

/**
 * The web seat as a test drives it: the top page is the phone host (the engine, its
 * debug hooks `window.__hotlineDebug` and `window.hotlinePhone`), the desk UI is its
 * `#desk` frame.
 */
export interface WebDesk {
  page: Page;
  /** The desk's elements; it follows the frame through reloads of the frame or the page. */
  desk: FrameLocator;
  /** The desk frame as it is now (for evaluate), once its page has loaded. */
  deskFrame(): Promise<Frame>;
}

/** The desk frame of a web seat page; the page need not be loaded yet. */
export function webDesk(page: Page): WebDesk {
  return {
    page,
    desk: page.frameLocator('#desk'),
    async deskFrame() {
      await page.locator('#desk').waitFor({ state: 'attached' });
      const frame = await (await page.$('#desk'))?.contentFrame();
      if (!frame) throw new Error('the phone host page has no #desk frame');
      await frame.waitForLoadState('load');
      return frame;
    },
  };
}

/** Opens the web seat at `url` and waits until the desk UI has rendered in its frame. */
export async function openDesk(page: Page, url: string): Promise<WebDesk> {
  await page.goto(url);
  const seat = webDesk(page);
  await seat.desk.locator('#root > *').first().waitFor({ timeout: 15_000 });
  return seat;
}

/** Removes an e2e work folder, or keeps it and says where when KEEP_E2E_WORK is set. */
export async function dropWorkDir(work: string | undefined): Promise<void> {
  if (!work) return;
  if (process.env.KEEP_E2E_WORK) console.log(`e2e work dir kept: ${work}`);
  else await rm(work, { recursive: true, force: true });
}

export interface BrowserSeat {
  page: Page;
  waitRegistered(timeoutMs?: number): Promise<void>;
  /** The next INVITE the seat got (the first one not returned before). */
  waitForInvite(timeoutMs?: number): Promise<SeatInvite>;
  stats(): Promise<SeatMediaStats>;
  /** Waits until getStats shows at least `minPackets` received and sent. */
  waitForMedia(minPackets?: number, timeoutMs?: number): Promise<SeatMediaStats>;
  /** The current call's local and remote SDP. */
  descriptions(): Promise<{ local?: string; remote?: string }>;
  /** Calls another extension (or number) from this seat. */
  call(target: string): Promise<void>;
  /** Resolves when the seat's call is in sip.js SessionState `state` (e.g. 'Established'). */
  waitForSessionState(state: string, timeoutMs?: number): Promise<void>;
  hangup(): Promise<void>;
  /** Browser console lines (errors and warnings) seen so far. */
  console: string[];
  close(): Promise<void>;
}

const bundles = new Map<string, Promise<string>>();

/**
 * A test page script (`entry`, relative to the repository root) bundled for Chromium, once
 * per test process: the seat page, or a probe a test puts into another page.
 */
export function bundleBrowserScript(entry: string): Promise<string> {
  let bundle = bundles.get(entry);
  if (!bundle) {
    bundle = build({
      entryPoints: [join(REPO_ROOT, entry)],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'chrome120',
      logLevel: 'silent',
    }).then((r) => {
      const out = r.outputFiles[0];
      if (!out) throw new Error(`esbuild produced no output for ${entry}`);
      return out.text;
    });
    bundles.set(entry, bundle);
  }
  return bundle;
}

/** The seat page's script. */
function seatBundle(): Promise<string> {
  return bundleBrowserScript('tests/e2e/support/seat-page/seat-page.ts');
}

async function servePage(config: SeatPageConfig): Promise<{ server: Server; url: string }> {
  const script = await seatBundle();
  const html =
    '<!doctype html><meta charset="utf-8"><title>test seat</title>' +
    `<script>window.hdSeatConfig = ${JSON.stringify(config)};</script>` +
    '<script type="module" src="/seat.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === '/seat.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (!addr || typeof addr !== 'object') throw new Error('seat page server has no port');
  return { server, url: `http://127.0.0.1:${addr.port}/` };
}

export async function startBrowserSeat(opts: {
  extension: string;
  wsUrl: string;
  domain: string;
  answerDelayMs?: number;
  /** Header lines for the seat's 200 OKs (SeatPageConfig.answerHeaders). */
  answerHeaders?: string[];
}): Promise<BrowserSeat> {
  const config: SeatPageConfig = {
    extension: opts.extension,
    wsUrl: opts.wsUrl,
    domain: opts.domain,
    answerDelayMs: opts.answerDelayMs ?? 100,
    answerHeaders: opts.answerHeaders,
  };
  const { server, url } = await servePage(config);
  const profile = await mkdtemp(join(tmpdir(), 'hd-seat-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_CALL_FLAGS,
      permissions: ['microphone'],
    });
  } catch (err) {
    server.close();
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  const ctx = context;
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const consoleLines: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      consoleLines.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
  await page.goto(url);

  const api = <T>(fn: (seat: SeatPageApi) => T | Promise<T>): Promise<T> =>
    page.evaluate(
      // The function is serialised into the page; it reads window.hdSeat there.
      `(${fn.toString()})(window.hdSeat)`,
    ) as Promise<T>;

  let invitesSeen = 0;
  const seat: BrowserSeat = {
    page,
    console: consoleLines,
    async waitRegistered(timeoutMs = 10_000) {
      await waitUntil(
        `seat ${opts.extension} registered over ${opts.wsUrl}`,
        async () => {
          const s = await api((x) => ({ ok: x.registered, errors: x.errors }));
          if (s.errors.length) throw new Error(`seat page: ${s.errors.join('; ')}`);
          return s.ok;
        },
        timeoutMs,
        100,
      );
    },
    async waitForInvite(timeoutMs = 10_000) {
      const invites = await waitUntil(
        `INVITE at seat ${opts.extension}`,
        async () => {
          const all = await api((x) => x.invites);
          return all.length > invitesSeen ? all : undefined;
        },
        timeoutMs,
        50,
      );
      const invite = invites[invitesSeen];
      invitesSeen++;
      if (!invite) throw new Error('unreachable');
      return invite;
    },
    stats: () => api((x) => x.stats()),
    async waitForMedia(minPackets = 20, timeoutMs = 10_000) {
      return waitUntil(
        `getStats shows ${minPackets} packets each way at seat ${opts.extension}`,
        async () => {
          const s = await api((x) => x.stats());
          return s.packetsReceived >= minPackets && s.packetsSent >= minPackets ? s : undefined;
        },
        timeoutMs,
        200,
      );
    },
    call: (target) => page.evaluate((t) => window.hdSeat.call(t), target),
    async waitForSessionState(state, timeoutMs = 10_000) {
      await waitUntil(
        `seat ${opts.extension} call ${state}`,
        async () => (await api((x) => x.sessionState)) === state,
        timeoutMs,
        50,
      );
    },
    descriptions: () => api((x) => x.descriptions()),
    hangup: () => api((x) => x.hangup()),
    async close() {
      await ctx.close().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(profile, { recursive: true, force: true });
    },
  };
  return seat;
}
