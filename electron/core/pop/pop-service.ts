import type { Logger } from 'pino';
import type { Pop } from '../../../shared/desk-api.js';
import { maskPhone, normalizePhone } from '../../../shared/domain/phone.js';
import {
  POP_KB_HITS,
  popKbQuery,
  type CallerHistory,
  type Handover,
  type KbSearchResponse,
  type OfferedPop,
} from '../../../shared/hub-api.js';
import { callerNumberKey } from '../caller-number.js';
import { OfferedPops } from './offered-pops.js';
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
  /**
   * How long the KB answers for a topic are reused for the next callers with it. They
   * are the same for every caller (no citizen data); articles change on a publish.
   */
  kbTtlMs?: number;
  /**
   * How long a lookup of a queue call that was not offered yet waits for the hub's offer,
   * which brings the pop (the INVITE can beat the offer to the desk).
   */
  offerWaitMs?: number;
}

/** What the hub contributes to a pop; kept per call for a short while (offered-pops.ts). */
interface HubPart {
  history: CallerHistory | null;
  historyError: string | null;
  topic: string | null;
  kb: KbSearchResponse | null;
}

const MAX_CACHED_NUMBERS = 32;
const MAX_CACHED_TOPICS = 64;
const MAX_OFFERED_CALLS = 200;
const LOCAL_ORDERS_IN_POP = 50;

/**
 * The screen-pop: the caller's history from the hub, the likely topic (the category of
 * the newest order) with KB answers for it, and this seat's own orders for the number.
 * When the hub routes a call here it says so before the INVITE arrives (`call.offered`);
 * the core starts the lookup then, so the pop is ready when the phone rings (DESIGN §7:
 * INVITE to painted pop within 50 ms at p95). A current hub sends the history, the KB
 * answers and the handover with the offer (offered()): the core asks the hub nothing. What it
 * holds is for that call only: dropped when the call is over or rang elsewhere, never
 * shown for another call.
 */
export class PopService {
  private readonly parts: OfferedPops<HubPart>;
  private readonly kbAnswers = new Map<
    string,
    { at: number; response: Promise<KbSearchResponse | null> }
  >();
  /** Handovers asked for, by `call:<id>` or `caller:<number>`, kept like the hub part. */
  private readonly handovers = new Map<string, { at: number; found: Promise<Handover | null> }>();
  private readonly ttlMs: number;
  private readonly kbTtlMs: number;
  private readonly offerWaitMs: number;
  /** Calls the hub offered here lately (their lookups never wait for an offer). */
  private readonly offeredCalls = new Set<string>();
  /** Lookups of queue calls held for their offer, by call. */
  private readonly awaitingOffer = new Map<
    string,
    { offered: Promise<void>; release: () => void }
  >();

  constructor(private readonly options: PopServiceOptions) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.kbTtlMs = options.kbTtlMs ?? 60_000;
    this.offerWaitMs = options.offerWaitMs ?? 400;
    this.parts = new OfferedPops({ ttlMs: this.ttlMs, max: MAX_CACHED_NUMBERS });
  }

  /**
   * The hub offered `callId` to this seat: starts its pop's hub part (the hub audits the
   * history read then, which is the truth: the call is this seat's) for the desk's lookup.
   */
  prefetch(callId: string, rawNumber: string): void {
    const number = callerNumberKey(rawNumber);
    void this.hubPart(callId, number);
    void this.handover(number, undefined);
    this.noteOffer(callId);
  }

  /**
   * The hub offered `callId` with the pop it read (hub-api OfferedPop). When it sent all of
   * it (the history, the topic's KB answers or no topic, and its handover lookup), the pop
   * is answered at once, with this seat's own orders of the caller (a local read): the
   * desk gets it with the offer and asks nothing. Otherwise null, at once as well: what
   * the hub sent becomes the call's hub part, the rest (a part the hub sent as an error,
   * the handover of an older hub) is asked for now, and the desk's lookup gets it. Either
   * way the part is the call's, for a reloaded desk's lookup.
   */
  offered(callId: string, rawNumber: string, pushed: OfferedPop): Pop | null {
    const number = callerNumberKey(rawNumber);
    const started = performance.now();
    this.noteOffer(callId);
    const { history, topic, kb, handover } = pushed;
    const complete = history !== null && pushed.kbError === null && handover !== undefined;
    if (!complete) {
      const part = this.parts.put(callId, number, () => this.adoptPushed(number, pushed));
      void part.then((p) => {
        if (p.historyError !== null) this.parts.forget(callId, part);
      });
      if (handover === undefined) void this.handover(number, undefined);
      else this.keepHandover(number, handover);
      return null;
    }

    const part: HubPart = { history, historyError: null, topic, kb };
    const localOrders = this.localOrders(number);
    // A topic only this seat knows (its newest order not at the hub yet) needs a search.
    if (!topic && localOrders[0]) {
      void this.parts.put(callId, number, () => this.adoptPushed(number, pushed));
      this.keepHandover(number, handover);
      return null;
    }
    void this.parts.put(callId, number, () => Promise.resolve(part));
    this.keepHandover(number, handover);
    if (kb) this.options.onKbShown?.(kb);
    return this.assemble({ callId, number, part, localOrders, handover, started });
  }

  /** The call is over at this seat, or went elsewhere: its prefetched pop is dropped. */
  forgetCall(callId: string): void {
    if (this.parts.forget(callId)) {
      this.options.log.debug({ callId }, `Pop of call ${callId} dropped: the call is over here.`);
    }
  }

  /**
   * The hub took the agent out of ringing and talking (ready, not ready, wrap-up): no call
   * offered before is ringing here any more, so none of their pops may be shown.
   */
  forgetOffers(): void {
    const calls = this.parts.calls();
    if (calls.length === 0) return;
    this.parts.clear();
    this.options.log.debug({ calls: calls.length }, `Pops of ${calls.length} calls dropped.`);
  }

  /**
   * The pop of a call. `contextCallId` is the citizen's call a consult call serves: the
   * handover is then found by it; otherwise by the caller's number (a blind transfer
   * reaches the specialist as a new call from the citizen). `callId` picks the part the
   * offer prefetched; without it (an older desk) the part is kept by number.
   */
  async lookup(
    rawNumber: string,
    contextCallId?: string,
    callId?: string,
    queue?: string,
  ): Promise<Pop> {
    const number = callerNumberKey(rawNumber);
    const started = performance.now();
    if (callId !== undefined && queue !== undefined && contextCallId === undefined) {
      await this.offerOf(callId);
    }
    const [part, handover] = await Promise.all([
      this.hubPart(callId ?? `caller:${number}`, number),
      this.handover(number, contextCallId),
    ]);
    // Read after the hub answered, so an order saved meanwhile is in the pop.
    const localOrders = this.localOrders(number);

    let { topic, kb } = part;
    if (!topic && localOrders[0]) {
      // The caller's newest order may not have reached the hub yet.
      topic = localOrders[0].input.category;
      if (part.history) kb = await this.searchKb(topic, localOrders[0].input.summary);
    }
    return this.assemble({
      callId,
      number,
      part: { ...part, topic, kb },
      localOrders,
      handover,
      started,
    });
  }

  clear(): void {
    for (const held of [...this.awaitingOffer.values()]) held.release();
    this.offeredCalls.clear();
    this.parts.clear();
    this.kbAnswers.clear();
    this.handovers.clear();
  }

  private localOrders(number: string): Pop['localOrders'] {
    return this.options.store().list({ callerNumber: number, limit: LOCAL_ORDERS_IN_POP });
  }

  private assemble(pop: {
    callId: string | undefined;
    number: string;
    part: HubPart;
    localOrders: Pop['localOrders'];
    handover: Handover | null;
    started: number;
  }): Pop {
    const { callId, number, part, localOrders, handover } = pop;
    this.options.log.debug(
      {
        callId,
        caller: maskPhone(number),
        ms: Math.round(performance.now() - pop.started),
        hubOrders: part.history?.orders.length ?? null,
        localOrders: localOrders.length,
        topic: part.topic,
        handover: handover?.id ?? null,
      },
      `Pop ready for ${maskPhone(number)}.`,
    );
    return { number, ...part, localOrders, handover };
  }

  /** The handover the hub looked up for the caller, kept as if the seat had asked. */
  private keepHandover(number: string, handover: Handover | null): void {
    const key = `caller:${number}`;
    this.handovers.delete(key);
    this.handovers.set(key, { at: Date.now(), found: Promise.resolve(handover) });
    this.trimHandovers();
  }

  private trimHandovers(): void {
    while (this.handovers.size > MAX_CACHED_NUMBERS) {
      const oldest = this.handovers.keys().next().value;
      if (oldest === undefined) break;
      this.handovers.delete(oldest);
    }
  }

  private noteOffer(callId: string): void {
    this.offeredCalls.delete(callId);
    this.offeredCalls.add(callId);
    if (this.offeredCalls.size > MAX_OFFERED_CALLS) {
      this.offeredCalls.delete(this.offeredCalls.values().next().value!);
    }
    this.awaitingOffer.get(callId)?.release();
  }

  /**
   * Resolves once the hub offered `callId` (at once if it did already), or after
   * offerWaitMs: the pop of a queue call comes with its offer, so the lookup then takes it.
   */
  private offerOf(callId: string): Promise<void> {
    if (this.offeredCalls.has(callId) || this.parts.calls().includes(callId)) {
      return Promise.resolve();
    }
    const held = this.awaitingOffer.get(callId);
    if (held) return held.offered;
    let release = () => undefined as void;
    const offered = new Promise<void>((resolve) => (release = resolve));
    const timer = setTimeout(() => {
      this.options.log.info(
        { callId },
        `No offer of call ${callId} within ${this.offerWaitMs} ms; looking it up.`,
      );
      this.awaitingOffer.delete(callId);
      release();
    }, this.offerWaitMs);
    this.awaitingOffer.set(callId, {
      offered,
      release: () => {
        clearTimeout(timer);
        this.awaitingOffer.delete(callId);
        release();
      },
    });
    return offered;
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
    this.trimHandovers();
    return found;
  }

  /** The call's hub part: the one its offer started, or a new one kept under `key`. */
  private hubPart(key: string, number: string): Promise<HubPart> {
    const kept = this.parts.take(key, number);
    if (kept) return kept;
    const part = this.parts.put(key, number, () => this.fetchHubPart(number));
    // A failed lookup is not kept: the next lookup asks again.
    void part.then((p) => {
      if (p.historyError !== null) this.parts.forget(key, part);
    });
    return part;
  }

  /** The hub part from what the hub pushed; a failed part is fetched here instead. */
  private async adoptPushed(number: string, pushed: OfferedPop): Promise<HubPart> {
    if (pushed.history === null) {
      this.options.log.info(
        { caller: maskPhone(number) },
        `The hub sent no history for ${maskPhone(number)} (${pushed.historyError}); asking.`,
      );
      return this.fetchHubPart(number);
    }
    const { history, topic } = pushed;
    let kb = pushed.kb;
    const newest = newestFirst(history.orders)[0];
    if (kb === null && pushed.kbError !== null && newest) {
      kb = await this.searchKb(newest.category, newest.summary);
    } else if (kb !== null) {
      this.options.onKbShown?.(kb);
    }
    return { history, historyError: null, topic, kb };
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

  /**
   * KB answers for a topic: its Chinese label, or the order's own words if it has none.
   * A label's answers are reused for `kbTtlMs` (the next callers about the same topic);
   * a failed search is not kept.
   */
  private async searchKb(category: string, summary: string): Promise<KbSearchResponse | null> {
    const q = popKbQuery(category, summary);
    if (q === '') return null;
    const now = Date.now();
    const kept = this.kbAnswers.get(q);
    let response: Promise<KbSearchResponse | null>;
    if (kept && now - kept.at < this.kbTtlMs) {
      response = kept.response;
    } else {
      response = this.fetchKb(q, category);
      this.kbAnswers.delete(q);
      this.kbAnswers.set(q, { at: now, response });
      while (this.kbAnswers.size > MAX_CACHED_TOPICS) {
        const oldest = this.kbAnswers.keys().next().value;
        if (oldest === undefined) break;
        this.kbAnswers.delete(oldest);
      }
    }
    const answer = await response;
    if (answer === null) {
      if (this.kbAnswers.get(q)?.response === response) this.kbAnswers.delete(q);
    } else {
      this.options.onKbShown?.(answer);
    }
    return answer;
  }

  private async fetchKb(q: string, category: string): Promise<KbSearchResponse | null> {
    try {
      return await this.options.hub.kbSearch(q, POP_KB_HITS);
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
