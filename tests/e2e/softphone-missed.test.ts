import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER } from './support/desk-flow.js';
import { startDeskSeat, type DeskSeat } from './support/desk-seat.js';
import { readKamailioLogSinceStart } from './support/pbx.js';
import { placeHotlineCall } from './support/sipp.js';

/**
 * A missed call puts the agent in not ready (issue 5, Agent): a queued citizen's call rings
 * the web seat, the agent does not answer, Kamailio gives up after its ring timeout
 * (PBX_RING_TIMEOUT_MS, short here), the hub's ACD sets the agent not-ready with the
 * reason missed-call, and the desk shows that state and reason as the hub holds them.
 *
 * The ring timeout is the one PBX_RING_TIMEOUT_MS sets, also for a seat on WebSocket (a
 * reliable transport, where Kamailio's tm used to let it ring for fr_timer, 30 s): the seat
 * rings about RING_TIMEOUT_MS, Kamailio re-queues the call then, and the caller, with no
 * other agent ready, gets 408 when its whole wait (PBX_QUEUE_TIMEOUT_MS) is spent.
 */
const RING_TIMEOUT_MS = 6000;
const QUEUE_TIMEOUT_MS = 10_000;

let ds: DeskSeat;

beforeAll(async () => {
  ds = await startDeskSeat({
    name: 'missed',
    cleanSipp: true,
    pbxEnv: {
      PBX_RING_TIMEOUT_MS: String(RING_TIMEOUT_MS),
      PBX_QUEUE_TIMEOUT_MS: String(QUEUE_TIMEOUT_MS),
    },
  });
}, 120_000);

afterAll(async () => {
  await ds?.stop();
});

const byId = (id: string) => ds.byId(id);
const attr = (id: string, name: string) => ds.attr(id, name);

describe('a call the agent does not answer', () => {
  it('puts the agent in not ready with the reason "missed call", at the hub and in the desk', async () => {
    await ds.ensureSignedIn();
    await byId('state-ready').click();
    await expect.poll(attr('agent-state', 'data-state'), { timeout: 10_000 }).toBe('ready');

    const calledAt = Date.now();
    const caller = await placeHotlineCall({
      caller: CALLER,
      sipPort: 5078,
      mediaPort: 16220,
      holdMs: 30_000,
      timeoutMs: 40_000,
    });
    try {
      await expect
        .poll(attr('call-state', 'data-state'), { timeout: 15_000, interval: 100 })
        .toBe('ringing');
      const ringingAt = Date.now();
      const callId = await attr('call-state', 'data-call-id')();
      expect(callId).toBe(caller.callId());

      // Nobody answers: after the ring timeout the seat stops ringing ...
      await expect
        .poll(attr('call-state', 'data-state'), { timeout: 30_000, interval: 100 })
        .not.toBe('ringing');
      const rang = Date.now() - ringingAt;
      expect(rang, `the seat rang ${rang} ms`).toBeGreaterThan(RING_TIMEOUT_MS - 1500);
      expect(rang, `the seat rang ${rang} ms`).toBeLessThan(RING_TIMEOUT_MS + 2500);
      // ... because Kamailio's ring timer ended the branch (408) and re-queued the call.
      const requeued = new RegExp(`call ${callId} re-queued after 408 \\(waited (\\d+) ms`);
      const waitedMs = async (): Promise<number> =>
        Number(requeued.exec(await readKamailioLogSinceStart())?.[1] ?? NaN);
      await expect
        .poll(waitedMs, { message: 'Kamailio re-queued the call after the ring timeout' })
        .toBeGreaterThan(RING_TIMEOUT_MS - 500);
      expect(await waitedMs()).toBeLessThan(RING_TIMEOUT_MS + 2500);
      // ... and the hub has put the agent in not ready, for the missed call.
      await expect.poll(attr('agent-state', 'data-state'), { timeout: 10_000 }).toBe('not-ready');
      expect(await attr('state-reason', 'data-reason')()).toBe('missed-call');
      expect(await byId('state-label').textContent()).toContain('未接来电');
      const hubLog = await readFile(ds.hub.logFile, 'utf8');
      const line = hubLog
        .split('\n')
        .find((l) => l.includes(`"callId":"${callId}"`) && l.includes('seat did not take it'));
      expect(line, 'the hub re-queued the call the seat did not take').toBeTruthy();
      // Not ready, so the waiting citizen is not offered to this seat again.
      await new Promise((r) => setTimeout(r, 2500));
      expect(await attr('call-state', 'data-state')()).not.toBe('ringing');

      // The caller waited in the queue again, and gets 408 once its whole wait is spent.
      const res = await caller.done;
      const failedAfter = Date.now() - calledAt;
      expect(res.logs.match(/^final=\d+/gm), res.errors).toEqual(['final=408']);
      expect(failedAfter, `the caller's call failed after ${failedAfter} ms`).toBeLessThan(
        QUEUE_TIMEOUT_MS + 3000,
      );
    } finally {
      await caller.stop();
    }
  });
});
