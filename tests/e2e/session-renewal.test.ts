import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HUB_PATHS, type LoginResponse } from '../../shared/hub-api.js';
import { HubClient } from '../../electron/core/hub/hub-client.js';
import { HubEvents } from '../../electron/core/hub/hub-events.js';
import { HubHttpError } from '../../electron/core/hub/hub-errors.js';
import { startSeatKit, type SeatKit } from '../../electron/core/testing/seat-kit.js';
import { tokenHash } from '../../server/auth/tokens.js';
import { ManualClock } from '../../server/clock.js';
import {
  copyOf,
  dropScratch,
  openHub,
  seededTemplate,
  tempDir,
  type TestHub,
} from '../../server/testing/fixture.js';

// The seat core's session against the real hub app: renewals over a 12-hour shift on
// the hub's clock, with the seat's clock three minutes off, and sign-out.

const MINUTE = 60_000;
const SHIFT_START = Date.parse('2026-12-03T00:00:00Z');
const tmp = tempDir();
let template = '';
let hub: TestHub | null = null;
let base = '';
let kit: SeatKit | null = null;

beforeAll(async () => {
  template = await seededTemplate(tmp.dir);
});

afterEach(async () => {
  await kit?.close();
  kit = null;
  await hub?.close();
  hub = null;
});

afterAll(async () => {
  await dropScratch(template);
  tmp.cleanup();
});

async function startHub(clock?: ManualClock): Promise<TestHub> {
  hub = await openHub(copyOf(template, tmp.dir), clock ? { clock } : {});
  await hub.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(hub.app.server.address() as AddressInfo).port}`;
  return hub;
}

function seatClient(clock: ManualClock, onSessionLost = () => {}): HubClient {
  return new HubClient({
    baseUrl: base,
    log: pino({ level: 'silent' }),
    now: () => clock.now() + 3 * MINUTE,
    onSessionLost,
  });
}

/** Signs agent01 in at 1001 and hands the session to the client; answers the session. */
async function signIn(client: HubClient): Promise<LoginResponse> {
  const session = await client.login({
    account: 'agent01',
    password: 'demo1234',
    extension: '1001',
  });
  client.adoptSession(session);
  return session;
}

function openEvents(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
  });
}

describe('seat session renewal against the hub', () => {
  it('keeps a seat working through a 12-hour shift, then asks for the password', async () => {
    const clock = new ManualClock(SHIFT_START);
    await startHub(clock);
    let lost = 0;
    const client = seatClient(clock, () => (lost += 1));
    await signIn(client);
    const tokens = new Set<string>();
    let lookups = 0;

    // A lookup every 5 minutes, 11 h 55 min long: each one must pass.
    for (let t = 0; t < 12 * 60 - 5; t += 5) {
      const history = await client.callerHistory('13800138000');
      expect(history.number).toBe('13800138000');
      lookups += 1;
      tokens.add(new URL(client.eventsUrl() ?? '').searchParams.get('token') ?? '');
      clock.advance(5 * MINUTE);
    }
    expect(lookups).toBe(143);
    // Renewed about every 14 minutes (15 min tokens, renewed 1 min early).
    expect(tokens.size).toBeGreaterThanOrEqual(45);
    expect(lost).toBe(0);

    clock.advance(10 * MINUTE);
    const after = await client.callerHistory('13800138000').catch((err: unknown) => err);
    expect(after).toBeInstanceOf(HubHttpError);
    expect((after as HubHttpError).status).toBe(401);
    expect(lost).toBe(1);
    expect(client.hasToken).toBe(false);
  });

  it('renews after an idle hour, and hands the event stream a token the hub takes', async () => {
    const clock = new ManualClock(SHIFT_START);
    await startHub(clock);
    const client = seatClient(clock);
    await signIn(client);
    clock.advance(60 * MINUTE);
    const stale = client.eventsUrl() ?? '';
    expect(await openEvents(stale)).toBe(401);
    const fresh = await client.freshEventsUrl();
    expect(fresh).not.toBe(stale);
    expect(await openEvents(fresh ?? '')).toBe(101);
    expect((await client.kbSearch('公积金')).hits.length).toBeGreaterThan(0);
  });

  it('renews once on a 401, when the hub dropped the bearer token early', async () => {
    const clock = new ManualClock(SHIFT_START);
    const testHub = await startHub(clock);
    const client = seatClient(clock);
    await signIn(client);
    const first = new URL(client.eventsUrl() ?? '').searchParams.get('token') ?? '';
    expect(await testHub.store.sessions.revoke(tokenHash(first))).toBe(true);
    expect((await client.kbSearch('社保卡')).query).toBe('社保卡');
    expect(client.eventsUrl()).not.toContain(first);
  });

  it('signs out at the hub: neither token works afterwards', async () => {
    const clock = new ManualClock(SHIFT_START);
    const testHub = await startHub(clock);
    const client = seatClient(clock);
    const session = await signIn(client);
    await client.signOut();
    expect(client.hasToken).toBe(false);
    const kb = await testHub.app.inject({
      method: 'GET',
      url: `${HUB_PATHS.kbSearch}?q=社保`,
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(kb.statusCode).toBe(401);
    const renewed = await testHub.app.inject({
      method: 'POST',
      url: HUB_PATHS.sessionRefresh,
      payload: { refreshToken: session.refreshToken },
    });
    expect(renewed.statusCode).toBe(401);
  });

  it('stops the event stream for good when the desk is signed out elsewhere', async () => {
    const clock = new ManualClock(SHIFT_START);
    const testHub = await startHub(clock);
    const client = seatClient(clock);
    const session = await signIn(client);
    let opens = 0;
    let unauthorized = 0;
    const events = new HubEvents({
      log: pino({ level: 'silent' }),
      onEvent: () => {},
      onOpen: () => opens++,
      onClose: () => {},
      onUnauthorized: () => unauthorized++,
      reconnect: { baseMs: 20, maxMs: 20 },
    });
    let attempts = 0;
    events.start(() => {
      attempts++;
      return client.freshEventsUrl();
    });
    await expect.poll(() => opens, { timeout: 5_000 }).toBe(1);
    // Signed out from somewhere else (no refresh token: every session of the account).
    const out = await testHub.app.inject({
      method: 'POST',
      url: HUB_PATHS.logout,
      headers: { authorization: `Bearer ${session.token}` },
      payload: {},
    });
    expect(out.statusCode).toBe(200);
    await expect.poll(() => unauthorized, { timeout: 5_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // No reconnect into a 401: the close code alone told the seat.
    expect(attempts).toBe(1);
    expect(opens).toBe(1);
    expect(events.isOpen).toBe(false);
    events.stop();
  });

  it('keeps the seat core answering after the hub’s clock moved past its token', async () => {
    const clock = new ManualClock(Date.now());
    await startHub(clock);
    kit = startSeatKit({ hubUrl: base });
    await kit.call('session.login', {
      account: 'agent01',
      password: 'demo1234',
      extension: '1001',
    });
    expect((await kit.call('kb.search', { q: '公积金' })).hits.length).toBeGreaterThan(0);
    clock.advance(20 * MINUTE);
    expect((await kit.call('kb.search', { q: '社保卡' })).hits.length).toBeGreaterThan(0);
    expect(await kit.call('session.get', {})).not.toBeNull();
    await kit.call('session.logout', {});
    expect(kit.events.some((e) => e.event === 'session.ended')).toBe(false);
  });
});
