import { maskPhone, normalizePhone } from '../../shared/domain/phone.js';
import {
  CALLER_HISTORY_PAGE,
  POP_KB_HITS,
  popKbQuery,
  type CallerHistory,
  type Handover,
  type KbSearchResponse,
  type OfferedPop,
} from '../../shared/hub-api.js';
import { auditSubject } from '../auth/audit.js';
import type { Clock } from '../clock.js';
import type { HandoverBook } from '../handovers/handover-book.js';
import type { KbSearch } from '../kb/kb-search.js';
import type { Logger } from '../logger.js';
import { historyAuditDetail, readCallerHistory } from '../orders/caller-history.js';
import type { HubStore } from '../store/repository.js';

/** How the audit log names a history read made for an offer (the route names its path). */
export const OFFER_AUDIT_VIA = 'ACD call.offered';

export interface OfferPopDeps {
  store: Pick<HubStore, 'orders' | 'calls' | 'agents' | 'audit'>;
  kb: Pick<KbSearch, 'search'>;
  /**
   * The hub's handovers (the routes' book): the offer carries the caller's one for the
   * agent. Without it the offer's pop has no `handover` and the seat asks the route.
   */
  handovers?: Pick<HandoverBook, 'find'>;
  clock: Clock;
  log: Logger;
}

/** The call an offer's pop is read for, and the agent it was routed to. */
export interface PopOffer {
  callId: string;
  caller: string;
  agentId: string;
}

/** What went into a pop and how long its reads took (ms), for the log and the bench. */
export interface BuiltOfferPop {
  pop: OfferedPop;
  historyMs: number;
  kbMs: number;
}

/**
 * Reads an offered call's pop at the hub, after the route went out (issue 5: the pop is
 * painted within 50 ms of the INVITE, and the seat needs no round trips for it): the
 * caller's first history page, as the history route reads it, and the KB answers for the
 * topic of the newest order, as the KB route searches. The history read is audited once,
 * as the agent's read of the caller (the route's record, named by the offer and the call):
 * the agent's seat shows it whether it asked or not. With the history goes the newest
 * handover for the caller addressed to the agent (their extension or one of their queues,
 * as the handover route finds it: a blind transfer reaches a specialist as a new call from
 * the citizen), audited in the same write as the route audits its reads. A consult call
 * names the citizen's call only in its INVITE, which the hub does not see: its seat still
 * asks the route by that call. A part that fails is sent as its error (the seat then asks
 * for it itself); build() never rejects.
 *
 * A withheld or odd number has no history to read: build() answers null, and the offer
 * goes without a pop.
 */
export class OfferPops {
  constructor(private readonly deps: OfferPopDeps) {}

  async build(offer: PopOffer): Promise<BuiltOfferPop | null> {
    const key = normalizePhone(offer.caller);
    if (key === null) return null;
    const started = performance.now();
    let history: CallerHistory | null = null;
    let historyError: string | null = null;
    let handover: Handover | null | undefined;
    try {
      ({ history, handover } = await this.readAudited(key, offer));
    } catch (error) {
      historyError = `history not read: ${messageOf(error)}`;
      this.deps.log.warn(
        { callId: offer.callId, caller: maskPhone(key) },
        `Pop of call ${offer.callId}: ${historyError}`,
      );
    }
    const historyMs = performance.now() - started;

    const newest = history?.orders[0];
    const topic = newest?.category ?? null;
    let kb: KbSearchResponse | null = null;
    let kbError: string | null = null;
    const q = newest ? popKbQuery(newest.category, newest.summary) : '';
    if (q !== '') {
      try {
        kb = await this.deps.kb.search(q, POP_KB_HITS);
      } catch (error) {
        kbError = `KB search failed: ${messageOf(error)}`;
        this.deps.log.warn(
          { callId: offer.callId, topic },
          `Pop of call ${offer.callId}: ${kbError}`,
        );
      }
    }
    const kbMs = performance.now() - started - historyMs;
    const pop: OfferedPop = { history, historyError, topic, kb, kbError };
    if (handover !== undefined) pop.handover = handover;
    return { pop, historyMs, kbMs };
  }

  /**
   * The history page and the agent's handover (undefined: the hub keeps no book), with
   * their audit records in one write; what cannot be audited is not sent.
   */
  private async readAudited(
    key: string,
    offer: PopOffer,
  ): Promise<{ history: CallerHistory; handover: Handover | null | undefined }> {
    const { store, clock, handovers } = this.deps;
    const [history, agent] = await Promise.all([
      readCallerHistory(store, key, { limit: CALLER_HISTORY_PAGE, offset: 0 }),
      store.agents.get(offer.agentId),
    ]);
    if (!agent) throw new Error(`agent ${offer.agentId} is not known`);
    const reader = { extension: agent.seatExtension ?? '', queues: agent.queues };
    const handover = handovers?.find({ caller: key }, reader);
    const read = {
      at: clock.now(),
      actorId: agent.id,
      actorRole: agent.role,
      action: 'read' as const,
      subject: auditSubject.caller(key),
      via: OFFER_AUDIT_VIA,
    };
    await store.audit.append([
      { ...read, detail: `call=${offer.callId} ${historyAuditDetail(history)}` },
      ...(handover ? [{ ...read, detail: `call=${offer.callId} handover=${handover.id}` }] : []),
    ]);
    return { history, handover };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
