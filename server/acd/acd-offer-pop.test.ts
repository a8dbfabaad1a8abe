import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KamailioEvent } from '../../shared/acd-protocol.js';
import type { HubEvent, KbSearchResponse } from '../../shared/hub-api.js';
import { ManualClock } from '../clock.js';
import { SeatEvents } from '../events/seat-events.js';
import { silentLogger } from '../logger.js';
import { openHubStore } from '../store/open-store.js';
import type { HubStore } from '../store/repository.js';
import { FakeLink, tempDir } from '../testing/fixture.js';
import { sampleImported } from '../testing/store-samples.js';
import { Acd } from './acd.js';
import { OFFER_AUDIT_VIA, OfferPops } from './offer-pop.js';

const NOW = Date.parse('2026-12-03T02:00:00Z');
const CALLER = '13800138000';

interface Rig {
  acd: Acd;
  store: HubStore;
  link: FakeLink;
  seen: HubEvent[];
  kbAsked: string[];
  close(): Promise<void>;
}

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

/** An ACD that reads pops, one ready agent (a, at 1001), the caller's 30 past orders. */
async function open(kb: (q: string) => Promise<KbSearchResponse>): Promise<Rig> {
  const tmp = tempDir();
  const store = await openHubStore({ sqlitePath: join(tmp.dir, 'pop.sqlite') });
  await store.agents.insert({
    id: 'a',
    account: 'agent-a',
    name: 'Agent A',
    role: 'agent',
    homeExtension: '1001',
    queues: ['general'],
    passwordHash: 'unused',
  });
  const days = Array.from({ length: 30 }, (_, i) => NOW - (i + 1) * 86_400_000);
  await store.orders.importOrders(days.map((at) => sampleImported(at, CALLER)));
  const clock = new ManualClock(NOW);
  const log = silentLogger();
  const kbAsked: string[] = [];
  const search = (q: string) => (kbAsked.push(q), kb(q));
  const pops = new OfferPops({ store, kb: { search }, clock, log });
  const events = new SeatEvents();
  const seen: HubEvent[] = [];
  events.subscribe('a', (e) => seen.push(e));
  const acd = new Acd({ store, events, clock, log, pops }, { sweepIntervalMs: 3_600_000 });
  await acd.start();
  const link = new FakeLink();
  acd.attach(link);
  await acd.login('a', '1001');
  await acd.setStateBySeat('a', '1001', 'ready');
  return {
    acd,
    store,
    link,
    seen,
    kbAsked,
    async close() {
      acd.stop();
      await acd.flush();
      await store.close();
      tmp.cleanup();
    },
  };
}

const answer = (q: string): KbSearchResponse => ({
  query: q,
  hits: [{ id: 'kb-1', title: q, category: 'other', snippet: q, answer: q, score: 1 }],
  confident: true,
});

function queued(callId: string, caller = CALLER): KamailioEvent {
  return { event: 'call.queued', tindex: 1, tlabel: 2, callId, caller, queue: 'general' };
}

const offers = (r: Rig) => r.seen.filter((e) => e.type === 'call.offered');

async function offered(r: Rig): Promise<Extract<HubEvent, { type: 'call.offered' }>> {
  for (let i = 0; i < 100 && offers(r).length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const offer = offers(r)[0];
  if (offer?.type !== 'call.offered') throw new Error('no call.offered was published');
  return offer;
}

describe('an offer with its pop', () => {
  it('routes first, then offers the history page and the topic’s KB answers', async () => {
    rig = await open((q) => Promise.resolve(answer(q)));
    rig.acd.handleEvent(queued('c-1'));
    // The route is out before any read: nothing is offered yet in this tick.
    expect(rig.link.sent.map((s) => s.action)).toEqual(['route']);
    expect(offers(rig)).toEqual([]);

    const offer = await offered(rig);
    expect(offer).toMatchObject({ callId: 'c-1', caller: CALLER, queue: 'general' });
    expect(offer.pop?.history?.total).toBe(30);
    // The history route's first page, newest first.
    expect(offer.pop?.history?.orders).toHaveLength(20);
    expect(offer.pop?.history?.orders[0]?.createdAt).toBe(new Date(NOW - 86_400_000).toISOString());
    expect(offer.pop).toMatchObject({ historyError: null, kbError: null });
    expect(offer.pop?.kb?.hits).toHaveLength(1);
    expect(rig.kbAsked).toHaveLength(1);
  });

  it('writes one audit record of a history read by the agent, naming the call', async () => {
    rig = await open((q) => Promise.resolve(answer(q)));
    rig.acd.handleEvent(queued('c-2'));
    await offered(rig);

    const audit = await rig.store.audit.list({ subject: `caller:${CALLER}`, limit: 10 });
    expect(audit).toEqual([
      {
        at: NOW,
        actorId: 'a',
        actorRole: 'agent',
        action: 'read',
        subject: `caller:${CALLER}`,
        via: OFFER_AUDIT_VIA,
        // The call itself may be in its past calls already (the store is written behind).
        detail: expect.stringMatching(/^call=c-2 orders=20 calls=[01]$/) as string,
      },
    ]);
  });

  it('sends a failed KB search as an error, with the history', async () => {
    rig = await open(() => Promise.reject(new Error('KB is being indexed')));
    rig.acd.handleEvent(queued('c-3'));
    const offer = await offered(rig);
    expect(offer.pop).toMatchObject({
      kb: null,
      kbError: 'KB search failed: KB is being indexed',
      historyError: null,
    });
    expect(offer.pop?.history?.orders).toHaveLength(20);
  });

  it('sends a history that could not be audited as an error, and searches nothing', async () => {
    rig = await open((q) => Promise.resolve(answer(q)));
    rig.store.audit.append = () => Promise.reject(new Error('disk full'));
    rig.acd.handleEvent(queued('c-4'));
    const offer = await offered(rig);
    expect(offer.pop).toEqual({
      history: null,
      historyError: 'history not read: disk full',
      topic: null,
      kb: null,
      kbError: null,
    });
    expect(rig.kbAsked).toEqual([]);
  });

  it('offers a withheld number without a pop', async () => {
    rig = await open((q) => Promise.resolve(answer(q)));
    rig.acd.handleEvent(queued('c-5', 'anonymous'));
    const offer = await offered(rig);
    expect(offer.pop).toBeUndefined();
    expect(await rig.store.audit.list({ actorId: 'a', limit: 10 })).toEqual([]);
  });

  it('offers nothing for a call the caller gave up on while its pop was read', async () => {
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    rig = await open(async (q) => {
      await slow;
      return answer(q);
    });
    rig.acd.handleEvent(queued('c-6'));
    rig.acd.handleEvent({ event: 'call.cancelled', callId: 'c-6' });
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(offers(rig)).toEqual([]);
    expect(rig.acd.stateOf('a')).toBe('ready');
  });
});
