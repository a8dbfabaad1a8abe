import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KbSearchResponse } from '../../shared/hub-api.js';
import { ManualClock } from '../clock.js';
import { HandoverBook, type NewHandover } from '../handovers/handover-book.js';
import { silentLogger } from '../logger.js';
import { openHubStore } from '../store/open-store.js';
import type { HubStore } from '../store/repository.js';
import { tempDir } from '../testing/fixture.js';
import { sampleImported } from '../testing/store-samples.js';
import { OFFER_AUDIT_VIA, OfferPops } from './offer-pop.js';

const NOW = Date.parse('2026-12-03T02:00:00Z');
const CALLER = '13800138000';
/** The policy-expert queue line (QUEUE_OF_DIALLED). */
const POLICY_LINE = '123454';

interface Rig {
  pops: OfferPops;
  book: HandoverBook;
  store: HubStore;
  close(): Promise<void>;
}

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const answer = (q: string): KbSearchResponse => ({
  query: q,
  hits: [{ id: 'kb-1', title: q, category: 'other', snippet: q, answer: q, score: 1 }],
  confident: true,
});

/**
 * Pops read for specialist s (signed in at 1101, policy-expert queue), a caller with two
 * past orders, and the hub's handover book (or none).
 */
async function open(withBook = true): Promise<Rig> {
  const tmp = tempDir();
  const store = await openHubStore({ sqlitePath: join(tmp.dir, 'pop.sqlite') });
  await store.agents.insert({
    id: 's',
    account: 'specialist-s',
    name: 'Specialist S',
    role: 'agent',
    homeExtension: '1101',
    queues: ['policy-expert'],
    passwordHash: 'unused',
  });
  await store.agents.setPresence('s', { state: 'ringing', since: NOW, seatExtension: '1101' });
  await store.orders.importOrders([1, 2].map((d) => sampleImported(NOW - d * 86_400_000, CALLER)));
  const clock = new ManualClock(NOW);
  const book = new HandoverBook(clock);
  const pops = new OfferPops({
    store,
    kb: { search: (q) => Promise.resolve(answer(q)) },
    ...(withBook ? { handovers: book } : {}),
    clock,
    log: silentLogger(),
  });
  return {
    pops,
    book,
    store,
    async close() {
      await store.close();
      tmp.cleanup();
    },
  };
}

function handover(target: string, notes: string): NewHandover {
  return {
    callId: 'citizen-call-1',
    callerNumber: CALLER,
    target,
    fromAgent: { id: 'a', name: 'Agent A', extension: '1001' },
    draft: null,
    notes,
  };
}

const offer = { callId: 'c-7', caller: CALLER, agentId: 's' };
const auditOf = (r: Rig) => r.store.audit.list({ subject: `caller:${CALLER}`, limit: 10 });

describe('the handover in an offer’s pop', () => {
  it('carries the caller’s handover to the queue line the agent serves, audited', async () => {
    rig = await open();
    rig.book.add(handover('1001', 'for another seat'));
    const mine = rig.book.add(handover(POLICY_LINE, '已核实身份'));

    const built = await rig.pops.build(offer);

    expect(built?.pop.handover).toEqual(mine);
    expect(built?.pop.history?.total).toBe(2);
    const audit = await auditOf(rig);
    const handoverReads = audit.filter((a) => a.detail === `call=c-7 handover=${mine.id}`);
    expect(handoverReads).toEqual([
      expect.objectContaining({ actorId: 's', action: 'read', via: OFFER_AUDIT_VIA }),
    ]);
    expect(audit).toHaveLength(2);
  });

  it('carries a handover to the agent’s own extension', async () => {
    rig = await open();
    const mine = rig.book.add(handover('1101', 'direct'));
    expect((await rig.pops.build(offer))?.pop.handover?.id).toBe(mine.id);
  });

  it('carries none addressed to another extension or queue, and audits the history only', async () => {
    rig = await open();
    rig.book.add(handover('1001', 'for agent a'));
    rig.book.add(handover('123451', 'for the enterprise line'));

    const built = await rig.pops.build(offer);

    expect(built?.pop.handover).toBeNull();
    const audit = await auditOf(rig);
    expect(audit.map((a) => a.detail)).toEqual([expect.stringMatching(/^call=c-7 orders=2 /)]);
  });

  it('leaves the handover out when the hub keeps no book (the seat then asks)', async () => {
    rig = await open(false);
    const built = await rig.pops.build(offer);
    expect(built?.pop.history?.total).toBe(2);
    expect(built?.pop).not.toHaveProperty('handover');
  });

  it('sends no handover when the reads cannot be audited', async () => {
    rig = await open();
    rig.book.add(handover(POLICY_LINE, 'notes'));
    rig.store.audit.append = () => Promise.reject(new Error('disk full'));
    const built = await rig.pops.build(offer);
    expect(built?.pop).toMatchObject({
      history: null,
      historyError: 'history not read: disk full',
    });
    expect(built?.pop).not.toHaveProperty('handover');
  });
});
