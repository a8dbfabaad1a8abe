import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDesk } from './support/browser-seat.js';
import { readKamailioLog } from './support/pbx.js';
import { CALLER, saveOrderWhileHubIsDown, signIn, takeQueuedCall } from './support/desk-flow.js';
import { startDeskSeat, type DeskSeat } from './support/desk-seat.js';

/**
 * The walking skeleton, all real: Kamailio + rtpengine, the hub on SQLite, the seat host,
 * the renderer in headless Chromium, and a SIPp citizen whose number the hub's seed knows.
 * Run inside a network namespace with only `lo` (tests/e2e/run does).
 */
let ds: DeskSeat;
/** Where this file's part of the Kamailio log begins (the log is appended to). */
let pbxLogStart = 0;

beforeAll(async () => {
  ds = await startDeskSeat({
    name: 'call',
    openDesk: false,
    beforePbx: async () => {
      pbxLogStart = (await readKamailioLog()).length;
    },
  });
}, 120_000);

afterAll(async () => {
  await ds?.stop();
});

describe('one real call, end to end', () => {
  it('registers, queues, rings with the pop, carries media both ways and hangs up', async () => {
    const { page, seat } = ds;
    const { desk } = await openDesk(page, seat.url);
    await signIn(desk);
    // E2E_SCREENSHOT=path keeps a picture of the real pop, taken while the seat rings.
    const call = await takeQueuedCall(
      { desk, engine: page, page },
      {
        sipPort: 5070,
        mediaPort: 16000,
        screenshot: process.env.E2E_SCREENSHOT,
      },
    );
    console.log(
      `e2e call ${call.callId}: waited ${call.waitMs} ms; rtpengine packets per leg ` +
        call.counts.legs.map((l) => l.packets).join('/') +
        `; page received ${call.stats.packetsReceived}, sent ${call.stats.packetsSent}`,
    );
  });

  it('saves an order while the hub is down and syncs it exactly once when it is back', async () => {
    await saveOrderWhileHubIsDown(ds.page.frameLocator('#desk'), {
      stop: () => ds.hub.stop(),
      start: async () => {
        await ds.restartHub();
      },
      db: ds.hubDb,
    });
  });

  it('refuses a malformed desk call from the page and keeps what was stored', async () => {
    const reply = await ds.page.evaluate(async () => {
      const socket = new WebSocket(`ws://${location.host}/desk`);
      await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
      const answer = (frame: unknown) =>
        new Promise<unknown>((resolve) => {
          socket.addEventListener('message', (e) => resolve(JSON.parse(String(e.data))), {
            once: true,
          });
          socket.send(JSON.stringify(frame));
        });
      const bad = await answer({
        id: 7,
        method: 'order.save',
        params: { order: { category: 'noise', territory: 'Atlantis', summary: 'x' } },
      });
      const list = await answer({ id: 8, method: 'order.list', params: {} });
      socket.close();
      return { bad, list };
    });
    expect(reply.bad).toMatchObject({ id: 7, ok: false, error: { code: 'bad-request' } });
    expect(JSON.stringify(reply.bad)).toMatch(/order\.(type|territory)/);
    expect(reply.list).toMatchObject({ id: 8, ok: true });
    expect((reply.list as { result: unknown[] }).result).toHaveLength(1);
  });

  it('wrote one log line per call event at the seat and the hub, and no full number anywhere', async () => {
    const seatLog = await readFile(ds.seat.logFile, 'utf8');
    for (const event of ['ringing', 'answered', 'ended']) {
      expect(seatLog).toMatch(new RegExp(`"event":"${event}"`));
    }
    const hubLog = await readFile(ds.hub.logFile, 'utf8');
    for (const msg of ['call queued', 'call routed', 'call answered', 'call ended']) {
      expect(hubLog).toContain(`"msg":"${msg}"`);
    }
    expect(hubLog).toMatch(/"msg":"sync push applied"/);
    for (const log of [seatLog, hubLog]) expect(log).not.toContain('陈先生');
    expect(hubLog).not.toContain(CALLER);
    const pbxLog = (await readKamailioLog()).slice(pbxLogStart);
    expect(pbxLog).toMatch(/call \S+ from 138\*{4}8000 queued/);
    expect(pbxLog).not.toContain(CALLER);
    expect(seatLog).not.toContain(CALLER);
  });
});
