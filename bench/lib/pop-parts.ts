import type { HubExchange } from './hub-proxy.js';
import type { KamailioCallTimes } from './kamailio-times.js';
import { POP_MARK_STAGES, type PopTimes } from './pop-watch.js';

/**
 * One screen-pop taken apart, in ms. `total` runs from the INVITE leaving Kamailio for
 * the seat (its "routed to agent" line) to the pop painted with history, wait and KB.
 * The parts are the stretches on the way, each timed by whoever sees both ends.
 *
 * The hub sends the pop with the offer (server/acd/offer-pop.ts, `via: 'hub'`):
 *
 *   queued ──routing──▶ routed ──offer──▶ offered (hub log) ──render──▶ painted
 *                               (history + kb, read by the hub)   (seat core, desk)
 *
 * The seat read the pop itself (an older hub, or a part the hub failed: `via: 'seat'`):
 *
 *   queued ──routing──▶ routed ──offer──▶ history ▶ kb ▶ (last hub answer) ──render──▶ painted
 *   (Kamailio)          (Kamailio)        (the seat's own requests, timed at the proxy)   (desk)
 *
 * routing: Kamailio asked the hub and applied its route (hub decision + evapi both ways);
 * offer: from the route to the hub publishing `call.offered` with the pop (its log line,
 * whole ms), or to the seat asking for the history (negative when the seat asked before
 * Kamailio logged, since the hub sends both at once); history and kb: the hub's own
 * timings of its reads, or the seat's requests; render: from the pop leaving the hub (or
 * the hub's last answer) to the pop painted (seat core, desk API socket, React, one
 * frame; RenderParts below takes it apart).
 *
 * With the seat's reads, a topic's KB answers are kept for a minute
 * (electron/core/pop/pop-service.ts), so a pop about a topic seen shortly before makes no
 * KB request: its kb part is 0 and render runs from the history's answer.
 */
export interface PopParts {
  callId: string;
  /** Who read the history and KB: the hub with the offer, or the seat. */
  via: 'hub' | 'seat';
  total: number;
  routing: number;
  offer: number;
  history: number;
  kb: number;
  render: number;
  /** The KB answers came from the seat's topic cache (no KB request for this pop). */
  kbCached: boolean;
  /** Routed to the DOM commit that completed the pop (no frame wait). */
  dom: number;
}

/** The hub's log line of an offer it sent with the pop (epoch ms, its reads in ms). */
export interface HubOffer {
  at: number;
  historyMs: number;
  kbMs: number;
}

/** The hub's offers with their pops, by call, from its JSON log ("call offered with its pop"). */
export function hubOffers(log: string): Map<string, HubOffer> {
  const offers = new Map<string, HubOffer>();
  for (const line of log.split('\n')) {
    if (!line.includes('call offered with its pop')) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      const { callId, time, historyMs, kbMs } = entry;
      if (typeof callId !== 'string' || typeof time !== 'number') continue;
      offers.set(callId, { at: time, historyMs: Number(historyMs), kbMs: Number(kbMs) });
    } catch {
      // Not a log line of the hub's (a stray write to its stdout): skipped.
    }
  }
  return offers;
}

const EARLY_MS = 2000;

export type PopPartsResult = { ok: true; parts: PopParts } | { ok: false; reason: string };

export function popParts(input: {
  callId: string;
  /** The number as the seat asks the hub for it (normalised). */
  number: string;
  kamailio: KamailioCallTimes | undefined;
  pop: PopTimes | undefined;
  /** The seat's hub requests, in the order they ended. */
  exchanges: readonly HubExchange[];
  historyPath: string;
  kbPath: string;
  /** The hub's offer of the call with its pop, if it sent one. */
  hubOffer?: HubOffer;
}): PopPartsResult {
  const { callId, kamailio, pop, hubOffer } = input;
  if (kamailio?.queuedAt === undefined || kamailio.routedAt === undefined) {
    return { ok: false, reason: `no queued/routed time in the Kamailio log for ${callId}` };
  }
  if (pop?.paintedAt === undefined || pop.readyAt === undefined) {
    return { ok: false, reason: `the pop of ${callId} never showed history, wait and KB` };
  }
  const timesOfCall = {
    callId,
    total: pop.paintedAt - kamailio.routedAt,
    routing: kamailio.routedAt - kamailio.queuedAt,
    dom: pop.readyAt - kamailio.routedAt,
  };
  const since = kamailio.queuedAt - EARLY_MS;
  const seatAsked = input.exchanges.some(
    (e) => e.url.startsWith(input.historyPath) && e.startedAt >= since,
  );
  if (hubOffer && !seatAsked) {
    return {
      ok: true,
      parts: {
        ...timesOfCall,
        via: 'hub',
        offer: hubOffer.at - kamailio.routedAt,
        history: hubOffer.historyMs,
        kb: hubOffer.kbMs,
        render: pop.paintedAt - hubOffer.at,
        kbCached: false,
      },
    };
  }
  // Kamailio logs "queued" after handing call.queued to the hub, so a quick hub and seat
  // may ask before that line: look a little earlier (the numbers of a run are distinct).
  const history = input.exchanges.find(
    (e) => e.url.startsWith(input.historyPath) && e.startedAt >= since && e.endedAt <= pop.readyAt!,
  );
  if (!history) return { ok: false, reason: `no history request seen for ${callId}` };
  const kb = input.exchanges.find(
    (e) =>
      e.url.startsWith(input.kbPath) && e.startedAt >= history.endedAt && e.endedAt <= pop.readyAt!,
  );
  return {
    ok: true,
    parts: {
      ...timesOfCall,
      via: 'seat',
      offer: history.startedAt - kamailio.routedAt,
      history: history.endedAt - history.startedAt,
      kb: kb ? kb.endedAt - kb.startedAt : 0,
      render: pop.paintedAt - Math.max(history.endedAt, kb?.endedAt ?? 0),
      kbCached: !kb,
    },
  };
}

/** The seat host's times of an offer: its send to the desk, the seat core's work on it. */
export interface SeatOffer {
  /** Epoch ms (sub-ms) the offer frame went to the first desk client. */
  sentAt: number;
  /** The seat core's work between the hub's event and its emit (the pop, local orders). */
  popMs: number;
}

/**
 * The seat host's offers, by call, from its JSON log: "Offer of call ... sent to desk
 * client" (electron/host/desk-socket.ts, `sentAt`) and the seat core's "offered" line
 * (`popMs`). An offer without both is left out.
 */
export function seatOffers(log: string): Map<string, SeatOffer> {
  const sent = new Map<string, number>();
  const work = new Map<string, number>();
  for (const line of log.split('\n')) {
    if (!line.includes('"callId"')) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const { callId, sentAt, popMs, event } = entry;
    if (typeof callId !== 'string') continue;
    if (typeof sentAt === 'number' && !sent.has(callId)) sent.set(callId, sentAt);
    if (event === 'offered' && typeof popMs === 'number') work.set(callId, popMs);
  }
  const offers = new Map<string, SeatOffer>();
  for (const [callId, sentAt] of sent) {
    const popMs = work.get(callId);
    if (popMs !== undefined) offers.set(callId, { sentAt, popMs });
  }
  return offers;
}

/**
 * The render stretch of a pop the hub sent (hub's log line -> painted), taken apart, ms:
 *
 *   hub sent ──seat──▶ seat host sent ──toDesk──▶ received ──parse──▶ parsed
 *     ──store──▶ stored ──react──▶ committed ──paint──▶ painted
 *
 * seat: the hub's socket, the seat core's parse of the event and its work on the pop
 * (`seatPop`, within seat), the emit; toDesk: loopback and the wait for the desk page's
 * thread to run the socket's message handler (the INVITE's work in the same renderer
 * shows here); parse: JSON and the contract check; store: listeners up to the store's
 * update; react: the store's update to React's commit of the pop; paint: that commit to
 * the end of the next frame. The hub's line has whole ms, so seat is +-1.
 */
export interface RenderParts {
  seat: number;
  seatPop: number;
  toDesk: number;
  parse: number;
  store: number;
  react: number;
  paint: number;
}

export const RENDER_PARTS = [
  'seat',
  'seatPop',
  'toDesk',
  'parse',
  'store',
  'react',
  'paint',
] as const;

/** The render parts of a pop, or null when a time is missing (an older desk, no seat log). */
export function renderParts(input: {
  hubOffer: HubOffer | undefined;
  seatOffer: SeatOffer | undefined;
  pop: PopTimes | undefined;
}): RenderParts | null {
  const { hubOffer, seatOffer, pop } = input;
  const marks = pop?.marks;
  if (!hubOffer || !seatOffer || !marks || pop.paintedAt === undefined) return null;
  const [received, parsed, stored, committed] = POP_MARK_STAGES.map((stage) => marks[stage]);
  if (
    received === undefined ||
    parsed === undefined ||
    stored === undefined ||
    committed === undefined
  ) {
    return null;
  }
  return {
    seat: seatOffer.sentAt - hubOffer.at,
    seatPop: seatOffer.popMs,
    toDesk: received - seatOffer.sentAt,
    parse: parsed - received,
    store: stored - parsed,
    react: committed - stored,
    paint: pop.paintedAt - committed,
  };
}
