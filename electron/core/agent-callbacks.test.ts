import { afterEach, describe, expect, it } from 'vitest';
import { HUB_PATHS, type Callback } from '../../shared/hub-api.js';
import { startFakeHub, type FakeHub } from '../../tests/fakes/hub-sync.js';
import type { FetchLike } from './hub/hub-client.js';
import { eventually, startSeatKit, type SeatKit } from './testing/seat-kit.js';

/**
 * The seat core's agent status, hub clock offset, call reports and callbacks, against the
 * fake hub; the paths the fake does not serve (GET agent state, callbacks) are answered
 * by `answer` in front of it, the way the real hub answers them (server/routes).
 */
let hub: FakeHub;
let seat: SeatKit;

afterEach(async () => {
  await seat?.close();
  await hub?.close();
});

type Answer = (path: string, method: string) => { status: number; body: unknown } | null;

function json(status: number, body: unknown, date?: Date): Response {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (date) headers.set('date', date.toUTCString());
  return new Response(JSON.stringify(body), { status, headers });
}

/** fetch with some paths answered here, the rest passed on to the fake hub. */
function fetchWith(answer: Answer): FetchLike {
  return async (input, init) => {
    const url = new URL(String(input));
    const answered = answer(url.pathname, init?.method ?? 'GET');
    return answered ? json(answered.status, answered.body) : fetch(input, init);
  };
}

async function open(answer: Answer = () => null, fetchImpl?: FetchLike): Promise<void> {
  hub = await startFakeHub();
  seat = startSeatKit({ hubUrl: hub.url, fetch: fetchImpl ?? fetchWith(answer) });
  await seat.login();
  await eventually(() => hub.eventClients > 0);
}

const desk = (kit: SeatKit, event: string) =>
  kit.events.filter((e) => e.event === event).map((e) => e.payload);

const callback = (over: Partial<Callback> = {}): Callback => ({
  id: 'cb-1',
  number: '13800138000',
  queue: 'general',
  abandonedAt: '2026-12-03T02:00:00.000Z',
  waitMs: 42_000,
  abandons: 1,
  attempts: 0,
  status: 'taken',
  takenBy: 'agent-agent1',
  lastOutcome: null,
  ...over,
});

describe('agent status at the seat', () => {
  it('forwards the hub’s agent.state with every field and drops one older than held', async () => {
    await open();
    const wrapUp = {
      state: 'wrap-up' as const,
      since: '2026-12-03T02:01:00.000Z',
      wrapUpEndsAt: '2026-12-03T02:04:00.000Z',
    };
    hub.emit({ type: 'agent.state', ...wrapUp });
    await seat.waitForEvent((e) => e.event === 'agent.state');
    // Overtaken on the way: it entered its state before the wrap-up did.
    hub.emit({ type: 'agent.state', state: 'on-call', since: '2026-12-03T02:00:10.000Z' });
    hub.emit({ type: 'orders.changed' });
    await new Promise((r) => setTimeout(r, 100));
    expect(desk(seat, 'agent.state')).toEqual([wrapUp]);
    // The fake hub has no GET agent state: the core answers what it last heard.
    expect(await seat.call('agent.get', {})).toEqual(wrapUp);
  });

  it('answers agent.get from the hub when it can ask it', async () => {
    const held = { state: 'not-ready', reason: 'missed-call', since: '2026-12-03T02:02:00.000Z' };
    await open((path, method) =>
      path === HUB_PATHS.agentState && method === 'GET' ? { status: 200, body: held } : null,
    );
    expect(await seat.call('agent.get', {})).toEqual(held);
    expect(desk(seat, 'agent.state')).toEqual([held]);
  });

  it('measures the hub’s clock at sign-in and follows the Date header when the seat’s jumps', async () => {
    const ahead = 90_000;
    let dateSkew = ahead;
    hub = await startFakeHub();
    const skewed: FetchLike = async (input, init) => {
      const res = await fetch(input, init);
      const body: unknown = await res.json().catch(() => null);
      const hubNow = new Date(Date.now() + dateSkew);
      if (new URL(String(input)).pathname === HUB_PATHS.login && res.ok) {
        return json(200, { ...(body as object), hubTime: hubNow.toISOString() }, hubNow);
      }
      return json(res.status, body, hubNow);
    };
    seat = startSeatKit({ hubUrl: hub.url, fetch: skewed });
    await seat.login();
    const first = await seat.call('session.get', {});
    expect(first?.hubOffsetMs).toBeGreaterThan(ahead - 1_000);
    expect(first?.hubOffsetMs).toBeLessThan(ahead + 1_000);

    // The hub's Date header now says the clocks agree (the seat's clock was set right).
    dateSkew = 0;
    await seat.call('kb.search', { q: '社保' });
    const later = await seat.call('session.get', {});
    expect(later?.hubOffsetMs).toBeGreaterThan(-1_000);
    expect(later?.hubOffsetMs).toBeLessThan(1_001);
  });

  it('asks for a reason with not-ready, and names hub-unreachable when the hub is gone', async () => {
    await open();
    expect(await seat.call('agent.setState', { state: 'not-ready', reason: 'training' })).toEqual({
      state: 'not-ready',
    });
    await hub.stop();
    expect(await seat.core.handle('agent.setState', { state: 'ready' })).toMatchObject({
      ok: false,
      error: { code: 'hub-unreachable' },
    });
    await hub.start();
  });
});

describe('call events become agent states', () => {
  const report = (params: Record<string, unknown>) =>
    seat.call('call.event', { caller: '13800138000', ...params } as never);

  it('reports an outbound call as on-call; back (ready) when it never got through', async () => {
    await open();
    await report({ event: 'dialing', callId: 'out-1', direction: 'outbound' });
    await report({ event: 'failed', callId: 'out-1', direction: 'outbound', status: 486 });
    await report({ event: 'dialing', callId: 'out-2', direction: 'outbound' });
    await report({ event: 'ended', callId: 'out-2', direction: 'outbound' });
    await eventually(() => hub.stateReports.length === 4);
    expect(hub.stateReports).toEqual(['on-call', 'ready', 'on-call', 'ready']);
    const line = seat.logs.find((l) => l.callId === 'out-1' && l.event === 'failed');
    expect(line).toMatchObject({ direction: 'outbound', status: 486, caller: '138****8000' });
  });

  it('ends an answered outbound call in wrap-up', async () => {
    await open();
    await report({ event: 'dialing', callId: 'out-3', direction: 'outbound' });
    await report({ event: 'answered', callId: 'out-3', direction: 'outbound' });
    await report({ event: 'ended', callId: 'out-3', direction: 'outbound' });
    await eventually(() => hub.stateReports.length === 3);
    expect(hub.stateReports).toEqual(['on-call', 'on-call', 'wrap-up']);
  });

  it('leaves a missed routed call to the ACD, and reports a missed direct call as over', async () => {
    await open();
    hub.emit({
      type: 'call.offered',
      callId: 'in-1',
      caller: '13800138000',
      queue: 'general',
      waitMs: 5,
    });
    await seat.waitForEvent((e) => e.event === 'call.offered');
    await report({ event: 'ringing', callId: 'in-1' });
    await report({ event: 'missed', callId: 'in-1' });
    await report({ event: 'ringing', callId: 'direct-1' });
    await report({ event: 'missed', callId: 'direct-1' });
    await eventually(() => hub.stateReports.length === 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(hub.stateReports).toEqual(['ringing', 'ringing', 'ready']);
  });
});

describe('callbacks at the seat', () => {
  it('lists, takes and reports callbacks through the hub, masking the number in logs', async () => {
    let next: Callback | null = callback();
    const results: string[] = [];
    await open((path, method) => {
      if (path === HUB_PATHS.callbacks && method === 'GET') {
        return {
          status: 200,
          body: { open: 1, items: [callback({ status: 'open', takenBy: null })] },
        };
      }
      if (path === HUB_PATHS.callbackNext && method === 'POST') {
        const answer = next
          ? { status: 200, body: next }
          : { status: 404, body: { error: { code: 'no-callback', message: 'none' } } };
        next = null;
        return answer;
      }
      if (path === HUB_PATHS.callbackResult('cb-1')) {
        results.push('cb-1');
        return {
          status: 200,
          body: callback({ status: 'done', attempts: 1, lastOutcome: 'reached' }),
        };
      }
      if (path === HUB_PATHS.callbackResult('cb-2')) {
        return {
          status: 409,
          body: { error: { code: 'callback-not-held', message: 'another agent holds it' } },
        };
      }
      return null;
    });

    expect((await seat.call('callback.list', {})).open).toBe(1);
    expect(await seat.call('callback.next', {})).toEqual(callback());
    expect(await seat.call('callback.next', {})).toBeNull();
    expect(await seat.call('callback.result', { id: 'cb-1', outcome: 'reached' })).toEqual({});
    expect(results).toEqual(['cb-1']);
    expect(await seat.core.handle('callback.result', { id: 'cb-2', outcome: 'reached' })).toEqual({
      ok: false,
      error: {
        code: 'not-found',
        message: 'Callback cb-2 is not yours to report: another agent holds it',
      },
    });
    expect(JSON.stringify(seat.logs)).not.toContain('13800138000');
    expect(seat.logs.some((l) => l.callback === 'cb-1' && l.caller === '138****8000')).toBe(true);

    hub.emit({ type: 'callbacks.changed', open: 4 });
    await seat.waitForEvent((e) => e.event === 'callbacks.changed');
    expect(desk(seat, 'callbacks.changed')).toEqual([{ open: 4 }]);
  });

  it('says hub-unreachable when the hub cannot be reached: callbacks need it', async () => {
    await open();
    await hub.stop();
    for (const method of ['callback.list', 'callback.next'] as const) {
      expect(await seat.core.handle(method, {})).toMatchObject({
        ok: false,
        error: { code: 'hub-unreachable' },
      });
    }
    await hub.start();
  });
});
