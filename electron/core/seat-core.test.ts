import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentState } from '../../shared/hub-api.js';
import { SUMMARY_MAX_CHARS } from '../../shared/order.js';
import { sampleOrderInput, startFakeHub, type FakeHub } from '../../tests/fakes/hub-sync.js';
import { startSeatKit, type SeatKit } from './testing/seat-kit.js';

let hub: FakeHub;
let kit: SeatKit;

beforeAll(async () => {
  hub = await startFakeHub();
  kit = startSeatKit({ hubUrl: hub.url });
  await kit.login();
  await kit.call('sync.now', {});
});
afterAll(async () => {
  await kit.close();
  await hub.close();
});

/** Rows in the seat's file, read through a second connection. */
function storedRows(): { orders: number; outbox: number; kv: number } {
  const db = new Database(path.join(kit.dir, 'seat.sqlite'), { readonly: true });
  const n = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  const rows = { orders: n('orders'), outbox: n('outbox'), kv: n('kv') };
  db.close();
  return rows;
}

const order = sampleOrderInput();

describe('desk API validation', () => {
  const refused: [string, string, unknown, string | undefined][] = [
    ['a missing order', 'order.save', {}, 'order'],
    [
      'a missing field',
      'order.save',
      { order: { ...order, territory: undefined } },
      'order.territory',
    ],
    ['a wrong type', 'order.save', { order: { ...order, summary: 42 } }, 'order.summary'],
    ['an unknown enum value', 'order.save', { order: { ...order, type: 'gossip' } }, 'order.type'],
    [
      'an unknown territory',
      'order.save',
      { order: { ...order, territory: 'XX' } },
      'order.territory',
    ],
    [
      'an extra field in the order',
      'order.save',
      { order: { ...order, colour: 'red' } },
      'order.colour',
    ],
    ['an extra top-level field', 'order.save', { order, also: 1 }, 'also'],
    [
      'a 1 MB summary',
      'order.save',
      { order: { ...order, summary: 'x'.repeat(1 << 20) } },
      'order.summary',
    ],
    [
      'a summary one over the limit',
      'order.save',
      { order: { ...order, summary: '字'.repeat(SUMMARY_MAX_CHARS + 1) } },
      'order.summary',
    ],
    ['a blank summary', 'order.save', { order: { ...order, summary: '   ' } }, 'order.summary'],
    ['params that are not an object', 'order.save', 'order', undefined],
    ['null params', 'session.get', null, undefined],
    ['an extra field on an empty call', 'sync.now', { force: true }, 'force'],
    [
      'a bad extension',
      'session.login',
      { account: 'a', password: 'p', extension: 'abc' },
      'extension',
    ],
    [
      'a negative wait',
      'call.event',
      { event: 'ringing', callId: 'c1', caller: '1', waitMs: -1 },
      'waitMs',
    ],
    [
      'an unknown call event',
      'call.event',
      { event: 'exploded', callId: 'c1', caller: '1' },
      'event',
    ],
    ['an empty call id', 'call.event', { event: 'ringing', callId: '', caller: '1' }, 'callId'],
    ['a long number', 'pop.lookup', { callerNumber: '1'.repeat(65) }, 'callerNumber'],
    ['a blank query', 'kb.search', { q: '   ' }, 'q'],
    ['an unknown agent state', 'agent.setState', { state: 'asleep' }, 'state'],
    ['not-ready without a reason', 'agent.setState', { state: 'not-ready' }, 'reason'],
    [
      'a callback outcome the hub does not know',
      'callback.result',
      { id: 'cb-1', outcome: 'maybe' },
      'outcome',
    ],
  ];

  it.each(refused)(
    'refuses %s with bad-request naming the field',
    async (_, method, params, field) => {
      const before = storedRows();
      const response = await kit.core.handle(method, params);

      expect(response).toMatchObject({ ok: false, error: { code: 'bad-request' } });
      if (response.ok) return;
      expect(response.error.field).toBe(field);
      if (field) expect(response.error.message).toContain(field);
      expect(storedRows()).toEqual(before);
    },
  );

  it('refuses an unknown method, and a method that is not a string', async () => {
    const before = storedRows();
    expect(await kit.core.handle('order.delete', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown-method', message: expect.stringContaining('order.delete') },
    });
    expect(await kit.core.handle('__proto__', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown-method' },
    });
    expect(await kit.core.handle(7, {})).toMatchObject({
      ok: false,
      error: { code: 'bad-request', field: 'method' },
    });
    expect(storedRows()).toEqual(before);
  });

  it('never throws at the adapter, even when the params blow up on reading', async () => {
    const hostile = {
      get order() {
        throw new Error('boom');
      },
    };
    const response = await kit.core.handle('order.save', hostile);
    expect(response.ok).toBe(false);
  });

  it('accepts a valid save and answers with the stored order', async () => {
    const before = storedRows();
    const saved = await kit.call('order.save', { order: { ...order, citizenName: '  王先生 ' } });

    expect(saved).toMatchObject({ status: 'pending', orderNo: null });
    expect(saved.input.citizenName).toBe('王先生');
    expect(storedRows()).toMatchObject({ orders: before.orders + 1 });
  });
});

describe('session', () => {
  it('refuses calls that need a session before login, touching nothing', async () => {
    const other = startSeatKit({ hubUrl: hub.url });
    try {
      const response = await other.core.handle('order.save', { order });
      expect(response).toMatchObject({ ok: false, error: { code: 'not-logged-in' } });
      expect(await other.call('session.get', {})).toBeNull();
      expect(await other.call('sync.status', {})).toMatchObject({ pending: 0 });
    } finally {
      await other.close();
    }
  });

  it('answers bad-credentials for a wrong password; a web seat without a hub cannot sign in', async () => {
    const wrong = await kit.core.handle('session.login', {
      account: 'agent1',
      password: 'nope',
      extension: '1001',
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'bad-credentials' } });

    const offline = startSeatKit();
    try {
      const response = await offline.core.handle('session.login', {
        account: 'agent1',
        password: 'secret',
        extension: '1001',
      });
      expect(response).toMatchObject({
        ok: false,
        error: {
          code: 'offline-sign-in-unavailable',
          message: expect.stringContaining('cannot be reached'),
        },
      });
    } finally {
      await offline.close();
    }
  });

  it('keeps the seat id across restarts', async () => {
    const first = startSeatKit({ hubUrl: hub.url });
    const id = first.core.seatId;
    await first.core.close();
    const second = startSeatKit({ hubUrl: hub.url, keepDir: first.dir });
    expect(second.core.seatId).toBe(id);
    await second.close();
  });
});

describe('agent state', () => {
  it('answers and announces the state the hub holds, not the one asked for', async () => {
    const routing = await startFakeHub({ stateAfter: (s) => (s === 'ready' ? 'ringing' : s) });
    const seat = startSeatKit({ hubUrl: routing.url });
    try {
      await seat.login();
      const seen = seat.events.length;

      expect(await seat.call('agent.setState', { state: 'ready' })).toEqual({ state: 'ringing' });
      expect(routing.stateReports).toEqual(['ready']);
      const states = () => seat.events.slice(seen).filter((e) => e.event === 'agent.state');
      expect(states()).toEqual([{ event: 'agent.state', payload: { state: 'ringing' } }]);

      expect(await seat.call('agent.setState', { state: 'not-ready', reason: 'meal' })).toEqual({
        state: 'not-ready',
      });
      expect(routing.stateReports).toEqual(['ready', 'not-ready']);
      expect(states().at(-1)).toEqual({ event: 'agent.state', payload: { state: 'not-ready' } });
    } finally {
      await seat.close();
      await routing.close();
    }
  });

  it('refuses a hub answer that names no known state', async () => {
    const odd = await startFakeHub({ stateAfter: () => 'asleep' as AgentState });
    const seat = startSeatKit({ hubUrl: odd.url });
    try {
      await seat.login();
      const seen = seat.events.length;
      expect(await seat.core.handle('agent.setState', { state: 'ready' })).toMatchObject({
        ok: false,
        error: { code: 'internal', message: expect.stringContaining('state') },
      });
      expect(seat.events.slice(seen).filter((e) => e.event === 'agent.state')).toEqual([]);
    } finally {
      await seat.close();
      await odd.close();
    }
  });
});
