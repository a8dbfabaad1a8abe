import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { openDesk, openDeskBrowser, type WebDesk } from './browser-seat.js';
import type { DeskSeat } from './desk-seat.js';
import { signIn } from './desk-flow.js';
import { startSeatHost, type Service } from './services.js';

/**
 * One more web seat beside a startDeskSeat() one: its own seat host (own store) and
 * browser, on the same hub and PBX. For the tests where two desks work together (an
 * agent and a specialist).
 */
export interface ExtraDesk {
  seat: Service;
  browser: BrowserContext;
  /** The phone host page (the engine); the desk is its #desk frame. */
  page: Page;
  desk: WebDesk;
  /** Signs the account in on this desk and waits until its phone is registered. */
  signIn(): Promise<void>;
  byId(id: string): Locator;
  attr(id: string, name: string): () => Promise<string | null>;
  stop(): Promise<void>;
}

export async function startExtraDesk(
  ds: DeskSeat,
  opts: { name: string; seatPort: number; account: string; extension: string },
): Promise<ExtraDesk> {
  const dir = join(ds.work, opts.name);
  const seat = await startSeatHost({
    port: opts.seatPort,
    hubUrl: ds.hub.url,
    dataDir: join(dir, 'seat'),
    logDir: dir,
  });
  let browser: BrowserContext | undefined;
  try {
    const opened = await openDeskBrowser(join(dir, 'profile'));
    browser = opened.browser;
    const desk = await openDesk(opened.page, seat.url);
    const byId = (id: string): Locator => desk.desk.getByTestId(id);
    const context = browser;
    return {
      seat,
      browser: context,
      page: opened.page,
      desk,
      signIn: () => signIn(desk.desk, opts.account, opts.extension),
      byId,
      attr: (id, name) => () => byId(id).first().getAttribute(name),
      async stop() {
        await context.close();
        await seat.stop();
      },
    };
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await seat.stop();
    throw err;
  }
}
