import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';
import {
  CHROMIUM_CALL_FLAGS,
  CHROMIUM_PATH,
  openDesk,
} from '../../tests/e2e/support/browser-seat.js';
import {
  pbxConfig,
  readKamailioLogSinceStart,
  REPO_ROOT,
  startPbx,
  stopPbx,
} from '../../tests/e2e/support/pbx.js';
import { startHub, startSeatHost, type Service } from '../../tests/e2e/support/services.js';
import { ensureTone, startSipp, TONE_FILE, type SippResult } from '../../tests/e2e/support/sipp.js';
import { startTimingProxy, type TimingProxy } from './hub-proxy.js';

/**
 * The whole web seat for a benchmark, as the end-to-end tests run it: the dev PBX, the hub
 * (its own process, wrap-up 0 so the agent is ready again when a call ends), the seat host,
 * headless Chromium with the phone host page on top and the desk in its frame, signed in
 * as agent01 at 1001 and ready. Run it inside a namespace with only `lo` (netns.ts).
 */
export interface WebSeatRig {
  page: Page;
  /** The desk frame (the benchmarks never reload it). */
  desk: Frame;
  hub: Service;
  seat: Service;
  /** Present when the rig was asked to time the seat's hub requests. */
  proxy?: TimingProxy;
  work: string;
  /** One caller calls the hotline; the agent answers in the desk; the caller hangs up. */
  takeCall(caller: string, holdMs: number): Promise<CallOutcome>;
  kamailioLog(): Promise<string>;
  close(): Promise<void>;
}

export interface CallOutcome {
  n: number;
  callId: string;
  ok: boolean;
  /** What went wrong, naming the step; absent when ok. */
  failure?: string;
  sippExit?: number;
  /** Epoch ms (the page's clock): the desk showed the call ringing, then active. */
  ringingAt?: number;
  activeAt?: number;
}

export interface RigOptions {
  /** The hub's SQLite file; default a fresh one in the work dir (the hub seeds it). */
  hubDb?: string;
  /** Put a timing proxy between the seat host and the hub (pop-latency). */
  timeHubRequests?: boolean;
  /**
   * Serve the seat's pages cross-origin isolated (COOP + COEP added by the browser's
   * request routing), so performance.measureUserAgentSpecificMemory() tells the phone
   * page's heap from the desk frame's (soak).
   */
  crossOriginIsolated?: boolean;
  /** Longest wait for a step of a call (ringing, active, idle again). */
  stepTimeoutMs?: number;
}

const HUB_PORT = 4000;
const SEAT_PORT = 4100;
const SIP_PORT = 5070;
const MEDIA_PORT = 16000;

/** Builds the renderer into `dir`, apart from renderer/dist that others may be serving. */
function buildRenderer(dir: string): void {
  const run = spawnSync(
    'npx',
    ['vite', 'build', '--config', 'renderer/vite.config.ts', '--outDir', dir, '--emptyOutDir'],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  if (run.status !== 0) {
    throw new Error(`building the renderer into ${dir} failed:\n${run.stderr}${run.stdout}`);
  }
}

/** The features CHROMIUM_CALL_FLAGS turns off. */
function disabledFeatures(): string[] {
  return CHROMIUM_CALL_FLAGS.filter((f) => f.startsWith('--disable-features=')).flatMap((f) =>
    f.slice('--disable-features='.length).split(','),
  );
}

async function launch(profile: string, isolate: boolean, seatUrl: string) {
  const browser: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      ...CHROMIUM_CALL_FLAGS.filter((f) => !f.startsWith('--disable-features=')),
      // Pages whose responses the routing fulfils count as public to Local Network Access,
      // which would then block their sockets to 127.0.0.1; one list (the last flag wins).
      `--disable-features=${[...disabledFeatures(), 'LocalNetworkAccessChecks'].join(',')}`,
      // measureUserAgentSpecificMemory() answers at once, not at the next natural GC.
      '--enable-blink-features=ForceEagerMeasureMemory',
      '--enable-precise-memory-info',
    ],
    permissions: ['microphone'],
    viewport: { width: 1366, height: 768 },
  });
  if (isolate) {
    await browser.route(`${seatUrl}/**`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        headers: {
          ...response.headers(),
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-embedder-policy': 'require-corp',
        },
      });
    });
  }
  return { browser, page: browser.pages()[0] ?? (await browser.newPage()) };
}

const stateOf = (desk: Frame, testId: string) =>
  desk.evaluate(
    (id) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`)?.dataset.state ?? null,
    testId,
  );

export async function startWebSeatRig(options: RigOptions): Promise<WebSeatRig> {
  const work = await mkdtemp(join(tmpdir(), 'hd-bench-'));
  const stepMs = options.stepTimeoutMs ?? 15_000;
  const rendererDir = process.env.BENCH_RENDERER_DIR ?? join(work, 'renderer');
  if (!process.env.BENCH_RENDERER_DIR) buildRenderer(rendererDir);
  process.env.RENDERER_DIR = rendererDir;

  const services: Service[] = [];
  let proxy: TimingProxy | undefined;
  let browser: BrowserContext | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
    await proxy?.close().catch(() => undefined);
    await stopPbx().catch(() => undefined);
    if (process.env.KEEP_BENCH_WORK) console.error(`bench work dir kept: ${work}`);
    else await rm(work, { recursive: true, force: true });
  };

  try {
    await startPbx();
    const hub = await startHub({
      port: HUB_PORT,
      db: options.hubDb ?? join(work, 'hub.sqlite'),
      logDir: work,
      env: { HUB_WRAP_UP_S: '0' },
    });
    services.push(hub);
    if (options.timeHubRequests) proxy = await startTimingProxy(hub.url);
    const seat = await startSeatHost({
      port: SEAT_PORT,
      hubUrl: proxy?.url ?? hub.url,
      dataDir: join(work, 'seat'),
      logDir: work,
    });
    services.push(seat);
    let page: Page;
    ({ browser, page } = await launch(
      join(work, 'profile'),
      options.crossOriginIsolated ?? false,
      seat.url,
    ));
    page.on('console', (m) => {
      if (m.type() === 'error') console.error(`bench page: ${m.text()}`);
    });
    page.on('pageerror', (e) => console.error(`bench page error: ${e.message}`));
    const view = await openDesk(page, seat.url);
    const desk = await view.deskFrame();
    await signInReady(desk);

    const toneDir = join(work, 'tone');
    await mkdir(toneDir, { recursive: true });
    await ensureTone(toneDir);
    let n = 0;

    const takeCall = async (caller: string, holdMs: number): Promise<CallOutcome> => {
      n++;
      const callDir = join(work, 'sipp', String(n));
      await mkdir(callDir, { recursive: true });
      await copyFile(join(toneDir, TONE_FILE), join(callDir, TONE_FILE));
      const cfg = pbxConfig();
      const sipp = await startSipp({
        scenario: 'caller.xml',
        remote: `${cfg.sipHost}:${cfg.sipPort}`,
        localPort: SIP_PORT,
        mediaPort: MEDIA_PORT,
        rtpEcho: true,
        service: cfg.hotline,
        keys: { caller },
        sets: { hold_ms: holdMs },
        extraArgs: ['-default_behaviors', 'all,-bye'],
        timeoutMs: holdMs + 3 * stepMs,
        workDir: callDir,
      });
      const callId = sipp.callId(1);
      const outcome: CallOutcome = { n, callId, ok: false };
      let step = 'ringing in the desk';
      try {
        outcome.ringingAt = await waitCall(desk, callId, ['ringing'], stepMs);
        step = 'answer clicked in the desk';
        await desk.locator('[data-testid="answer"]:not([disabled])').click({
          timeout: stepMs,
        });
        step = 'active in the desk';
        outcome.activeAt = await waitCall(desk, callId, ['active'], stepMs);
        step = 'the caller hanging up (SIPp exit)';
        const result: SippResult = await sipp.done;
        outcome.sippExit = result.exitCode;
        if (result.exitCode !== 0) {
          throw new Error(`SIPp exited ${result.exitCode}: ${result.errors || result.stderr}`);
        }
        step = 'the desk idle and the agent ready again';
        await waitIdleReady(desk, callId, stepMs);
        outcome.ok = true;
        await rm(callDir, { recursive: true, force: true });
      } catch (error) {
        outcome.failure = `call ${n} (${callId}) failed at "${step}": ${(error as Error).message}`;
        const result = await sipp.stop();
        outcome.sippExit ??= result.exitCode;
        await recoverReady(desk, stepMs).catch(() => undefined);
      }
      return outcome;
    };

    return {
      page,
      desk,
      hub,
      seat,
      proxy,
      work,
      takeCall,
      kamailioLog: () => readKamailioLogSinceStart(pbxConfig()),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Signs agent01 in at 1001 in the desk, waits for the registration, goes ready. */
async function signInReady(desk: Frame): Promise<void> {
  await desk.getByTestId('login-account').fill('agent01');
  await desk.getByTestId('login-password').fill('demo1234');
  await desk.getByTestId('login-extension').fill('1001');
  await desk.getByTestId('login-submit').click();
  await desk.waitForFunction(
    () =>
      document.querySelector<HTMLElement>('[data-testid="reg-status"]')?.dataset.state ===
      'registered',
    undefined,
    { timeout: 30_000, polling: 100 },
  );
  await recoverReady(desk, 15_000);
}

/** Presses 就绪 unless the agent is ready already, and waits for the hub to agree. */
async function recoverReady(desk: Frame, timeoutMs: number): Promise<void> {
  if ((await stateOf(desk, 'agent-state')) === 'ready') return;
  await desk.getByTestId('state-ready').click({ timeout: timeoutMs });
  await desk.waitForFunction(
    () =>
      document.querySelector<HTMLElement>('[data-testid="agent-state"]')?.dataset.state === 'ready',
    undefined,
    { timeout: timeoutMs, polling: 50 },
  );
}

/** Waits until the desk's call card shows `callId` in one of `phases`; answers when (epoch ms). */
async function waitCall(
  desk: Frame,
  callId: string,
  phases: string[],
  timeoutMs: number,
): Promise<number> {
  const handle = await desk.waitForFunction(
    ({ id, want }) => {
      const card = document.querySelector<HTMLElement>('[data-testid="call-state"]');
      if (card?.dataset.callId !== id || !want.includes(card.dataset.state ?? '')) return 0;
      return performance.timeOrigin + performance.now();
    },
    { id: callId, want: phases },
    { timeout: timeoutMs, polling: 'raf' },
  );
  return (await handle.jsonValue()) as number;
}

/** The call `callId` is over in the desk and the agent is ready for the next one. */
async function waitIdleReady(desk: Frame, callId: string, timeoutMs: number): Promise<void> {
  await desk.waitForFunction(
    (id) => {
      const card = document.querySelector<HTMLElement>('[data-testid="call-state"]');
      const agent = document.querySelector<HTMLElement>('[data-testid="agent-state"]');
      const over = card?.dataset.callId !== id || card.dataset.state === 'ended';
      return over && agent?.dataset.state === 'ready';
    },
    callId,
    { timeout: timeoutMs, polling: 50 },
  );
}
