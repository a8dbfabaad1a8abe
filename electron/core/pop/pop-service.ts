import type { Logger } from 'pino';
import type { Pop } from '../../../shared/desk-api.js';
import { CATEGORIES } from '../../../shared/domain/categories.js';
import { maskPhone, normalizePhone } from '../../../shared/domain/phone.js';
import type { CallerHistory, Handover, KbSearchResponse } from '../../../shared/hub-api.js';
import { callerNumberKey } from '../caller-number.js';
import type { HubClient } from '../hub/hub-client.js';
import type { OrderStore } from '../store/order-store.js';

export interface PopServiceOptions {
  hub: HubClient;
  /** The seat's orders (read at each pop: the store may be replaced after a key change). */
  store: () => Pick<OrderStore, 'list'>;
  /** KB articles a pop showed, for the offline KB cache. */
  onKbShown?: (response: KbSearchResponse) => void;
  log: Logger;
  /** How long a prefetched answer stays good: the INVITE follows within a second. */
  ttlMs?: number;
}

/** What the hub contributes to a pop; cached per number for a short while. */
interface HubPart {
  history: CallerHistory | null;
  historyError: string | null;
  topic: string | null;
  kb: KbSearchResponse | null;
}

const MAX_CACHED_NUMBERS = 32;
const LOCAL_ORDERS_IN_POP = 50;
const KB_HITS_IN_POP = 5;

/**
 * The screen-pop: the caller's history from the hub, the likely topic (the category of
 * the newest order) with KB answers for it, and this seat's own orders for the number.
 * When the hub routes a call here it says so before the INVITE arrives (`call.offered`);
 * the core starts the lookup then, so the pop is ready when the phone rings (DESIGN §7:
 * INVITE to painted pop within 50 ms at p95).
 */
export class PopService {
  private readonly cache = new Map<string, { at: number; part: Promise<HubPart> }>();
  /** Handovers asked for, by `call:<id>` or `caller:<number>`, kept like the hub part. */
  private readonly handovers = new Map<string, { at: number; found: Promise<Handover | null> }>();
  private readonly ttlMs: number;

  constructor(private readonly options: PopServiceOptions) {
    this.ttlMs = options.ttlMs ?? 10_000;
  }

  /** Starts the hub part of a lookup and keeps it for the pop that follows. */
  prefetch(rawNumber: string): void {
    const number = callerNumberKey(rawNumber);
    void this.hubPart(number);
    void this.handover(number, undefined);
  }

  /**
   * The pop of a call. `contextCallId` is the citizen's call a consult call serves: the
   * handover is then found by it; otherwise by the caller's number (a blind transfer
   * reaches the specialist as a new call from the citizen).
   */
  async lookup(rawNumber: string, contextCallId?: string): Promise<Pop> {
    const number = callerNumberKey(rawNumber);
    const started = performance.now();
    const [part, handover] = await Promise.all([
      this.hubPart(number),
      this.handover(number, contextCallId),
    ]);
    // Read after the hub answered, so an order saved meanwhile is in the pop.
    const localOrders = this.options.store().list({
      callerNumber: number,
      limit: LOCAL_ORDERS_IN_POP,
    });

    let { topic, kb } = part;
    if (!topic && localOrders[0]) {
      // The caller's newest order may not have reached the hub yet.
      topic = localOrders[0].input.category;
      if (part.history) kb = await this.searchKb(topic, localOrders[0].input.summary);
    }

    this.options.log.debug(
      {
        caller: maskPhone(number),
        ms: Math.round(performance.now() - started),
        hubOrders: part.history?.orders.length ?? null,
        localOrders: localOrders.length,
        topic,
        handover: handover?.id ?? null,
      },
      `Pop ready for ${maskPhone(number)}.`,
    );
    return { number, ...part, topic, kb, localOrders, handover };
  }

  clear(): void {
    this.cache.clear();
    this.handovers.clear();
  }

  /** The handover for the pop, or null: none, the hub offline, or a withheld number. */
  private handover(number: string, contextCallId: string | undefined): Promise<Handover | null> {
    if (contextCallId === undefined && normalizePhone(number) === null) {
      return Promise.resolve(null);
    }
    const key = contextCallId !== undefined ? `call:${contextCallId}` : `caller:${number}`;
    const now = Date.now();
    const cached = this.handovers.get(key);
    if (cached && now - cached.at < this.ttlMs) return cached.found;

    const found = this.options.hub
      .handover(contextCallId !== undefined ? { callId: contextCallId } : { caller: number })
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        this.options.log.info(
          { caller: maskPhone(number), contextCallId },
          `No handover for the pop of ${maskPhone(number)}: ${message}`,
        );
        if (this.handovers.get(key)?.found === found) this.handovers.delete(key);
        return null;
      });
    this.handovers.delete(key);
    this.handovers.set(key, { at: now, found });
    while (this.handovers.size > MAX_CACHED_NUMBERS) {
      const oldest = this.handovers.keys().next().value;
      if (oldest === undefined) break;
      this.handovers.delete(oldest);
    }
    return found;
  }

  private hubPart(number: string): Promise<HubPart> {
    const now = Date.now();
    const cached = this.cache.get(number);
    if (cached && now - cached.at < this.ttlMs) return cached.part;

    const part = this.fetchHubPart(number);
    this.cache.delete(number);
    this.cache.set(number, { at: now, part });
    while (this.cache.size > MAX_CACHED_NUMBERS) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    // A failed lookup is not kept: the next ring asks again.
    void part.then((p) => {
      if (p.historyError !== null && this.cache.get(number)?.part === part) {
        this.cache.delete(number);
      }
    });
    return part;
  }

  private async fetchHubPart(number: string): Promise<HubPart> {
    if (normalizePhone(number) === null) {
      return {
        history: null,
        historyError: 'The caller number is withheld or is not a phone number.',
        topic: null,
        kb: null,
      };
    }

    let history: CallerHistory;
    try {
      history = await this.options.hub.callerHistory(number);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.options.log.warn(
        { caller: maskPhone(number) },
        `Caller history for ${maskPhone(number)} is not available: ${message}`,
      );
      return { history: null, historyError: message, topic: null, kb: null };
    }

    const newest = newestFirst(history.orders)[0];
    if (!newest) return { history, historyError: null, topic: null, kb: null };
    const kb = await this.searchKb(newest.category, newest.summary);
    return { history, historyError: null, topic: newest.category, kb };
  }

  /** KB answers for a topic: its Chinese label, or the order's own words if it has none. */
  private async searchKb(category: string, summary: string): Promise<KbSearchResponse | null> {
    const label = CATEGORIES.find((c) => c.code === category)?.zh;
    const q = (label ?? summary).trim().slice(0, 200);
    if (q === '') return null;
    try {
      const response = await this.options.hub.kbSearch(q, KB_HITS_IN_POP);
      this.options.onKbShown?.(response);
      return response;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.options.log.warn({ category }, `KB search for the pop failed: ${message}`);
      return null;
    }
  }
}

function newestFirst<T extends { createdAt: string }>(orders: readonly T[]): T[] {
  return [...orders].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}
