import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskPhone } from '../../shared/domain/phone.js';
import { HUB_PATHS, type Callback } from '../../shared/hub-api.js';
import { formatClock } from '../../renderer/src/lib/format.js';
import {
  startDeskSeat,
  stopSippAfterEach,
  timerSeconds,
  type DeskSeat,
} from './support/desk-seat.js';
import { hubClient, type HubClient } from './support/hub-client.js';
import { waitForMediaBothWays } from './support/rtpengine.js';
import { placeCancellingCall, sippLogLines, startFarEnd } from './support/sipp.js';

/**
 * Callbacks through the desk (issue 5, Agent: "callers who hung up while queued form a
 * callback list; an agent takes the next one and the seat dials it"). All real: a SIPp
 * citizen gives up in the hub's queue while agent01 is not ready; agent01's desk lists
 * the callback; agent01 takes it in the desk, the seat dials the citizen through
 * Kamailio's route[OUTBOUND] to a SIPp far end on the trunk port, and reports the call.
 * agent02 (same queue) is asked at the hub, to show the list is the centre's, not the desk's.
 */
const CITIZEN = '13926051234';
const CANCEL_MS = 2500;

let ds: DeskSeat;
let agent02: HubClient;
const track = stopSippAfterEach();

beforeAll(async () => {
  ds = await startDeskSeat({ name: 'callbacks', cleanSipp: true, hubEnv: { HUB_WRAP_UP_S: '0' } });
  agent02 = await hubClient(ds.hub.url, 'agent02', '1002');
}, 120_000);

afterAll(async () => {
  await ds?.stop();
});

const byId = (id: string) => ds.byId(id);
const attr = (id: string, name: string) => ds.attr(id, name);
const agent02List = () => agent02.json<{ open: number; items: Callback[] }>(HUB_PATHS.callbacks);

/** The hub's row of the callback, from its database (the list leaves done ones out). */
function hubRow(id: string): { status: string; last_outcome: string | null; attempts: number } {
  const db = new Database(ds.hubDb, { readonly: true });
  try {
    return db
      .prepare('SELECT status, last_outcome, attempts FROM callbacks WHERE id = ?')
      .get(id) as { status: string; last_outcome: string | null; attempts: number };
  } finally {
    db.close();
  }
}

describe('callbacks in the desk', () => {
  it('lists a caller who gave up in the queue, dials them from the desk and closes the entry', async () => {
    await ds.ensureSignedIn();
    expect(await attr('agent-state', 'data-state')()).toBe('not-ready');
    expect(await attr('callbacks-open', 'data-count')()).toBe('0');

    // The citizen queues (no agent is ready) and hangs up after CANCEL_MS.
    const gaveUp = await placeCancellingCall({
      caller: CITIZEN,
      sipPort: 5172,
      mediaPort: 21020,
      cancelMs: CANCEL_MS,
    });
    const cancelled = await gaveUp.done;
    expect(cancelled.exitCode, cancelled.errors || cancelled.stderr).toBe(0);

    // The desk lists it as the hub holds it: masked number, the wait, the time.
    const row = byId('callback');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(attr('callbacks-open', 'data-count')).toBe('1');
    const atHub = (await agent02List()).items;
    expect(atHub).toHaveLength(1);
    const entry = atHub[0]!;
    expect(entry).toMatchObject({ number: CITIZEN, status: 'open', queue: 'general' });
    expect(await row.getAttribute('data-id')).toBe(entry.id);
    expect(await byId('callback-number').textContent()).toBe(maskPhone(CITIZEN));
    expect(await row.textContent()).not.toContain(CITIZEN);
    const waitMs = Number(await attr('callback-wait', 'data-wait-ms')());
    expect(waitMs).toBe(entry.waitMs);
    expect(waitMs).toBeGreaterThanOrEqual(CANCEL_MS);
    expect(waitMs).toBeLessThan(CANCEL_MS + 5000);
    expect(await byId('callback-wait').textContent()).toBe(`排队 ${Math.round(waitMs / 1000)} 秒`);
    expect(await attr('callback-when', 'data-abandoned-at')()).toBe(entry.abandonedAt);
    expect(await byId('callback-when').textContent()).toContain(formatClock(entry.abandonedAt));

    // The agent takes it: the seat dials the citizen out through the trunk.
    const far = track(await startFarEnd({ mediaPort: 25099 }));
    await byId('callback-next').click();
    await expect.poll(attr('call-state', 'data-state'), { timeout: 15_000 }).toBe('active');
    const callId = (await attr('call-state', 'data-call-id')())!;
    expect(await attr('call-state', 'data-direction')()).toBe('outbound');
    expect(await attr('call-number', 'data-number')()).toBe(CITIZEN);
    expect(await attr('callback-in-hand', 'data-id')()).toBe(entry.id);
    expect(await attr('callback-in-hand', 'data-phase')()).toBe('calling');
    // The one being called is out of the list, and taken for agent02 too.
    expect(await row.count()).toBe(0);
    expect(await attr('callbacks-open', 'data-count')()).toBe('0');
    const taken = await agent02List();
    expect(taken.open).toBe(0);
    expect(taken.items).toMatchObject([{ id: entry.id, status: 'taken', takenBy: 'ag-001' }]);

    await waitForMediaBothWays(callId, { minPackets: 25, timeoutMs: 10_000 });
    // The card's timer runs (it ticks once a second; a busy machine may render late).
    const t0 = timerSeconds(await byId('call-timer').textContent());
    await expect
      .poll(async () => timerSeconds(await byId('call-timer').textContent()), { timeout: 6_000 })
      .toBeGreaterThanOrEqual(t0 + 2);

    await byId('hangup').click();
    const res = await far.done;
    expect(res.exitCode, res.errors || res.stderr).toBe(0);
    expect(sippLogLines(res.logs, 'invite')[0]).toMatchObject({
      'call-id': callId,
      dialled: CITIZEN,
      from: '1001',
    });
    await expect.poll(attr('callback-in-hand', 'data-phase')).toBe('report');

    // "Reached": done at the hub, gone from both agents' lists.
    await byId('callback-reached').click();
    await expect.poll(() => byId('callback-in-hand').count(), { timeout: 10_000 }).toBe(0);
    expect(hubRow(entry.id)).toEqual({ status: 'done', last_outcome: 'reached', attempts: 1 });
    expect(await agent02List()).toEqual({ open: 0, items: [] });
    expect(await row.count()).toBe(0);
    expect(await byId('callbacks-error').count()).toBe(0);
  });
});
