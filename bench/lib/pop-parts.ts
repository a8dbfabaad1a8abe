import type { HubExchange } from './hub-proxy.js';
import type { KamailioCallTimes } from './kamailio-times.js';
import type { PopTimes } from './pop-watch.js';

/**
 * One screen-pop taken apart, in ms. `total` runs from the INVITE leaving Kamailio for
 * the seat (its "routed to agent" line) to the pop painted with history, wait and KB.
 * The parts are the stretches on the way, each timed by whoever sees both ends:
 *
 *   queued ──routing──▶ routed ──offer──▶ history ▶ kb ▶ (last hub answer) ──render──▶ painted
 *   (Kamailio)          (Kamailio)        (the seat's own requests, timed at the proxy)   (desk)
 *
 * routing: Kamailio asked the hub and applied its route (hub decision + evapi both ways);
 * offer: from the route to the seat core asking for the history (the hub's call.offered
 * over the seat's event socket; negative when the seat asked before Kamailio logged,
 * since the hub sends both at once); render: from the hub's last answer (KB) to the pop
 * painted (seat core, desk API socket, React, one frame).
 *
 * The seat keeps a topic's KB answers for a minute (electron/core/pop/pop-service.ts), so
 * a pop about a topic seen shortly before makes no KB request: its kb part is 0 and render
 * runs from the history's answer. The pop still shows KB hits (the watcher checks).
 */
export interface PopParts {
  callId: string;
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
}): PopPartsResult {
  const { callId, kamailio, pop } = input;
  if (kamailio?.queuedAt === undefined || kamailio.routedAt === undefined) {
    return { ok: false, reason: `no queued/routed time in the Kamailio log for ${callId}` };
  }
  if (pop?.paintedAt === undefined || pop.readyAt === undefined) {
    return { ok: false, reason: `the pop of ${callId} never showed history, wait and KB` };
  }
  // Kamailio logs "queued" after handing call.queued to the hub, so a quick hub and seat
  // may ask before that line: look a little earlier (the numbers of a run are distinct).
  const since = kamailio.queuedAt - EARLY_MS;
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
      callId,
      total: pop.paintedAt - kamailio.routedAt,
      routing: kamailio.routedAt - kamailio.queuedAt,
      offer: history.startedAt - kamailio.routedAt,
      history: history.endedAt - history.startedAt,
      kb: kb ? kb.endedAt - kb.startedAt : 0,
      render: pop.paintedAt - Math.max(history.endedAt, kb?.endedAt ?? 0),
      kbCached: !kb,
      dom: pop.readyAt - kamailio.routedAt,
    },
  };
}
