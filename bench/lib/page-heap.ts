import type { CDPSession, Page } from 'playwright-core';

/**
 * One heap reading of the web seat's renderer process after forced garbage collection.
 * The desk frame is same-origin with the phone page, so both live in one V8 isolate and
 * CDP's Runtime.getHeapUsage sees their sum. The split comes from
 * performance.measureUserAgentSpecificMemory() (needs the page cross-origin isolated),
 * which attributes each part of the heap to the window it belongs to.
 */
export interface HeapReading {
  /** The isolate's used JS heap (phone page + desk frame + shared), bytes. */
  isolateBytes: number;
  /** Attributed to the top page (the phone host), bytes; null without the split. */
  phoneBytes: number | null;
  /** Attributed to the #desk frame, bytes; null without the split. */
  deskBytes: number | null;
  /** Not attributed to one window (shared builtins, detached objects), bytes. */
  sharedBytes: number | null;
}

interface Breakdown {
  bytes: number;
  attribution: { url: string; scope: string; container?: string }[];
}

export class PageHeap {
  private constructor(
    private readonly page: Page,
    private readonly cdp: CDPSession,
  ) {}

  static async attach(page: Page): Promise<PageHeap> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    return new PageHeap(page, cdp);
  }

  /** Collects garbage (twice: finalisers free more) and reads the heap. */
  async read(): Promise<HeapReading> {
    await this.cdp.send('HeapProfiler.collectGarbage');
    await this.cdp.send('HeapProfiler.collectGarbage');
    const usage = await this.cdp.send('Runtime.getHeapUsage');
    const breakdown = await this.page.evaluate(async (): Promise<Breakdown[] | null> => {
      type Measure = () => Promise<{
        breakdown: {
          bytes: number;
          attribution: { url: string; scope: string; container?: { src?: string } }[];
        }[];
      }>;
      const measure = (performance as unknown as { measureUserAgentSpecificMemory?: Measure })
        .measureUserAgentSpecificMemory;
      if (!crossOriginIsolated || !measure) return null;
      const result = await measure.call(performance);
      return result.breakdown.map((b) => ({
        bytes: b.bytes,
        attribution: b.attribution.map((a) => ({
          url: a.url,
          scope: a.scope,
          container: a.container?.src,
        })),
      }));
    });
    if (!breakdown) {
      return { isolateBytes: usage.usedSize, phoneBytes: null, deskBytes: null, sharedBytes: null };
    }
    let phone = 0;
    let desk = 0;
    let shared = 0;
    for (const part of breakdown) {
      const windows = part.attribution.filter((a) => a.scope === 'Window');
      if (windows.length !== 1) shared += part.bytes;
      else if (windows[0]!.container !== undefined || /desk\.html/.test(windows[0]!.url)) {
        desk += part.bytes;
      } else phone += part.bytes;
    }
    return {
      isolateBytes: usage.usedSize,
      phoneBytes: phone,
      deskBytes: desk,
      sharedBytes: shared,
    };
  }

  async detach(): Promise<void> {
    await this.cdp.detach().catch(() => undefined);
  }
}

export const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 1000) / 1000;
