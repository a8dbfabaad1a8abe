import { describe, expect, it } from 'vitest';
import {
  CALLBACK_MAX_ATTEMPTS,
  CallbackListSchema,
  CallbackSchema,
  HUB_PATHS,
} from '../../shared/hub-api.js';
import { CALLBACK_HOLD_MS, CALLBACK_SWEEP_MS } from '../acd/callback-list.js';
import { ManualClock } from '../clock.js';
import { bearer, login, recordEvents, useFreshHub, type TestHub } from '../testing/fixture.js';

const fresh = useFreshHub();

let tindex = 100;
/** A citizen queues on `queue` and hangs up after `waitMs` of waiting. */
async function abandon(hub: TestHub, clock: ManualClock, caller: string, waitMs = 20_000) {
  const callId = `ab-${++tindex}@test`;
  hub.acd.handleEvent({
    event: 'call.queued',
    tindex,
    tlabel: tindex,
    callId,
    caller,
    queue: 'general',
  });
  clock.advance(waitMs);
  hub.acd.handleEvent({ event: 'call.cancelled', callId });
  await hub.acd.flush();
}

async function request(
  hub: TestHub,
  method: 'GET' | 'POST',
  url: string,
  token: string,
  payload?: unknown,
) {
  const res = await hub.app.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

describe('callbacks', () => {
  it('lists callers who hung up while queued, one entry per number, and tells the seats', async () => {
    const clock = new ManualClock(Date.parse('2026-12-03T02:00:00Z'));
    const hub = await fresh.open({ clock });
    const { token } = await login(hub.app, 'agent01', '1001');
    const events = recordEvents(hub.events, 'ag-001');

    await abandon(hub, clock, '13800138000', 42_000);
    await abandon(hub, clock, '076922345678');
    await abandon(hub, clock, '+86 138 0013 8000');
    // No number to call back: not listed.
    await abandon(hub, clock, 'anonymous');
    expect(events.filter((e) => e.type === 'callbacks.changed')).toEqual([
      { type: 'callbacks.changed', open: 1 },
      { type: 'callbacks.changed', open: 2 },
      { type: 'callbacks.changed', open: 2 },
    ]);

    const list = await request(hub, 'GET', HUB_PATHS.callbacks, token);
    expect(list.status).toBe(200);
    const parsed = CallbackListSchema.parse(list.body);
    expect(parsed.open).toBe(2);
    expect(parsed.items.map((c) => [c.number, c.abandons, c.waitMs])).toEqual([
      ['13800138000', 2, 42_000],
      ['076922345678', 1, 20_000],
    ]);
  });

  it('hands each agent a different entry, oldest first; 404 no-callback when none', async () => {
    const clock = new ManualClock(Date.parse('2026-12-03T02:00:00Z'));
    const hub = await fresh.open({ clock });
    const a = await login(hub.app, 'agent01', '1001');
    const b = await login(hub.app, 'agent02', '1002');
    const lead = await login(hub.app, 'lead01', '1901');
    await abandon(hub, clock, '13800000001');
    await abandon(hub, clock, '13800000002');

    const [first, second] = await Promise.all([
      request(hub, 'POST', HUB_PATHS.callbackNext, a.token),
      request(hub, 'POST', HUB_PATHS.callbackNext, b.token),
    ]);
    const taken = [CallbackSchema.parse(first!.body), CallbackSchema.parse(second!.body)];
    expect(taken.map((c) => c.number).sort()).toEqual(['13800000001', '13800000002']);
    expect(taken.map((c) => c.takenBy).sort()).toEqual(['ag-001', 'ag-002']);

    const none = await request(hub, 'POST', HUB_PATHS.callbackNext, lead.token);
    expect(none).toEqual({
      status: 404,
      body: { error: { code: 'no-callback', message: 'no open callback for this agent' } },
    });
    // A lead, who serves no queue, sees every queue's entries, taken ones with their holder.
    const leadList = CallbackListSchema.parse(
      (await request(hub, 'GET', HUB_PATHS.callbacks, lead.token)).body,
    );
    expect(leadList.items.map((c) => c.status)).toEqual(['taken', 'taken']);
    expect(leadList.open).toBe(0);
  });

  it('takes the result only from the holder: 409 for another agent, 404 for no such id', async () => {
    const clock = new ManualClock(Date.parse('2026-12-03T02:00:00Z'));
    const hub = await fresh.open({ clock });
    const a = await login(hub.app, 'agent01', '1001');
    const b = await login(hub.app, 'agent02', '1002');
    await abandon(hub, clock, '13800000003');
    const entry = CallbackSchema.parse(
      (await request(hub, 'POST', HUB_PATHS.callbackNext, a.token)).body,
    );

    const other = await request(hub, 'POST', HUB_PATHS.callbackResult(entry.id), b.token, {
      outcome: 'reached',
    });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({
      error: { code: 'callback-not-held', message: expect.stringContaining('another agent') },
    });
    const unknown = await request(hub, 'POST', HUB_PATHS.callbackResult('cb-nope'), a.token, {
      outcome: 'reached',
    });
    expect(unknown.status).toBe(404);
    const bad = await request(hub, 'POST', HUB_PATHS.callbackResult(entry.id), a.token, {
      outcome: 'maybe',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { field: 'outcome' } });

    for (let attempt = 1; attempt <= CALLBACK_MAX_ATTEMPTS; attempt++) {
      if (attempt > 1) await request(hub, 'POST', HUB_PATHS.callbackNext, a.token);
      const res = await request(hub, 'POST', HUB_PATHS.callbackResult(entry.id), a.token, {
        outcome: 'no-answer',
      });
      expect(res.body).toMatchObject({
        attempts: attempt,
        status: attempt < CALLBACK_MAX_ATTEMPTS ? 'open' : 'done',
      });
    }
    expect(
      CallbackListSchema.parse((await request(hub, 'GET', HUB_PATHS.callbacks, a.token)).body),
    ).toEqual({ open: 0, items: [] });
  });

  it('puts an entry taken and never reported back on the list after ten minutes', async () => {
    const clock = new ManualClock(Date.parse('2026-12-03T02:00:00Z'));
    const hub = await fresh.open({ clock });
    const a = await login(hub.app, 'agent01', '1001');
    const b = await login(hub.app, 'agent02', '1002');
    await abandon(hub, clock, '13800000004');
    await request(hub, 'POST', HUB_PATHS.callbackNext, a.token);
    const bEvents = recordEvents(hub.events, 'ag-002');

    clock.advance(CALLBACK_HOLD_MS - CALLBACK_SWEEP_MS);
    hub.acd.tick();
    await hub.acd.flush();
    expect((await request(hub, 'POST', HUB_PATHS.callbackNext, b.token)).status).toBe(404);

    clock.advance(CALLBACK_SWEEP_MS + 1);
    hub.acd.tick();
    await hub.acd.flush();
    expect(bEvents.at(-1)).toEqual({ type: 'callbacks.changed', open: 1 });
    const again = await request(hub, 'POST', HUB_PATHS.callbackNext, b.token);
    expect(again.body).toMatchObject({ number: '13800000004', takenBy: 'ag-002' });
  });

  it('keeps the list from the roles that take no calls', async () => {
    const hub = await fresh.open();
    const unit = await login(hub.app, 'unit01', '1801');
    expect((await request(hub, 'GET', HUB_PATHS.callbacks, unit.token)).status).toBe(403);
    expect((await request(hub, 'POST', HUB_PATHS.callbackNext, unit.token)).status).toBe(403);
  });
});
