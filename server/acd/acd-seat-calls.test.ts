import { afterEach, describe, expect, it } from 'vitest';
import type { KamailioEvent } from '../../shared/acd-protocol.js';
import type { HubEvent } from '../../shared/hub-api.js';
import { openManualAcdRig, type ManualAcdRig } from '../testing/acd-rig.js';

let rig: ManualAcdRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

let n = 0;
function queued(callId: string, queue = 'general'): KamailioEvent {
  n += 1;
  return { event: 'call.queued', tindex: n, tlabel: n, callId, caller: '13800138000', queue };
}

function routes(r: ManualAcdRig): string[] {
  return r.link.sent.splice(0).flatMap((s) => (s.action === 'route' ? [s.callId] : []));
}

function states(r: ManualAcdRig, id: string): Extract<HubEvent, { type: 'agent.state' }>[] {
  return r.seat.get(id)!.flatMap((e) => (e.type === 'agent.state' ? [e] : []));
}

describe('outbound calls the seat reports', () => {
  it('routes nothing to an agent dialling out; a failed call puts them back to ready', async () => {
    rig = await openManualAcdRig({ a: ['general'] }, { wrapUpMs: 20_000 });
    await rig.acd.setStateBySeat('a', '1001', 'ready');
    expect(await rig.acd.setStateBySeat('a', '1001', 'on-call')).toBe('on-call');
    rig.acd.handleEvent(queued('waiting-1'));
    expect(routes(rig)).toEqual([]);

    rig.clock.advance(8_000);
    // Busy at the far end: no conversation, so no wrap-up; the waiting call goes at once.
    expect(await rig.acd.setStateBySeat('a', '1001', 'ready')).toBe('ringing');
    expect(routes(rig)).toEqual(['waiting-1']);
    expect(states(rig, 'a').map((e) => e.state)).toEqual([
      'not-ready',
      'ready',
      'on-call',
      'ringing',
    ]);
  });

  it('keeps a not-ready agent not ready, with the same reason, after a failed call', async () => {
    rig = await openManualAcdRig({ a: ['general'] });
    await rig.acd.setStateBySeat('a', '1001', 'not-ready', 'paperwork');
    await rig.acd.setStateBySeat('a', '1001', 'on-call');
    rig.clock.advance(3_000);
    expect(await rig.acd.setStateBySeat('a', '1001', 'ready')).toBe('not-ready');
    expect(rig.acd.statusOf('a')).toEqual({
      state: 'not-ready',
      reason: 'paperwork',
      since: '2026-12-03T02:00:03.000Z',
    });
  });

  it('keeps a hub reason too (signed in, missed call), which a seat could not send', async () => {
    rig = await openManualAcdRig({ a: ['general'] });
    expect(rig.acd.reasonOf('a')).toBe('signed-in');
    await rig.acd.setStateBySeat('a', '1001', 'on-call');
    await rig.acd.setStateBySeat('a', '1001', 'ready');
    expect(rig.acd.statusOf('a')).toMatchObject({ state: 'not-ready', reason: 'signed-in' });
  });

  it('ends an answered outbound call in the default wrap-up, then ready', async () => {
    rig = await openManualAcdRig(
      { a: ['general', 'sign-language'] },
      { wrapUpMs: 20_000, wrapUpByQueue: { 'sign-language': 120_000 } },
    );
    await rig.acd.setStateBySeat('a', '1001', 'ready');
    await rig.acd.setStateBySeat('a', '1001', 'on-call');
    rig.clock.advance(40_000);
    expect(await rig.acd.setStateBySeat('a', '1001', 'wrap-up')).toBe('wrap-up');
    expect(rig.acd.statusOf('a')).toEqual({
      state: 'wrap-up',
      since: '2026-12-03T02:00:40.000Z',
      wrapUpEndsAt: '2026-12-03T02:01:00.000Z',
    });
    rig.clock.advance(20_000);
    rig.acd.tick();
    expect(rig.acd.stateOf('a')).toBe('ready');
  });

  it('gives back the rest of a wrap-up when a call made during it fails', async () => {
    rig = await openManualAcdRig({ a: ['general'] }, { wrapUpMs: 30_000 });
    await rig.acd.setStateBySeat('a', '1001', 'ready');
    rig.acd.handleEvent(queued('in-1'));
    rig.acd.handleEvent({ event: 'call.answered', callId: 'in-1' });
    rig.acd.handleEvent({ event: 'call.ended', callId: 'in-1' });
    const endsAt = rig.acd.statusOf('a').wrapUpEndsAt;
    expect(endsAt).toBe('2026-12-03T02:00:30.000Z');

    rig.clock.advance(10_000);
    await rig.acd.setStateBySeat('a', '1001', 'on-call');
    rig.clock.advance(5_000);
    expect(await rig.acd.setStateBySeat('a', '1001', 'ready')).toBe('wrap-up');
    expect(rig.acd.statusOf('a').wrapUpEndsAt).toBe(endsAt);

    rig.clock.advance(15_000);
    rig.acd.tick();
    expect(rig.acd.stateOf('a')).toBe('ready');
  });

  it('leaves an agent ready when an explicit ready follows a routed call', async () => {
    rig = await openManualAcdRig({ a: ['general'] });
    await rig.acd.setStateBySeat('a', '1001', 'ready');
    rig.acd.handleEvent(queued('in-2'));
    // The seat's own reports of a routed call change nothing and remember nothing.
    expect(await rig.acd.setStateBySeat('a', '1001', 'ringing')).toBe('ringing');
    expect(await rig.acd.setStateBySeat('a', '1001', 'ready')).toBe('ringing');
    rig.acd.handleEvent({ event: 'call.cancelled', callId: 'in-2' });
    expect(rig.acd.stateOf('a')).toBe('ready');
  });
});

describe('wrap-up by queue', () => {
  it('times wrap-up by the ended call’s queue, and tells the seat when it ends', async () => {
    rig = await openManualAcdRig(
      { a: ['general', 'psychological'] },
      { wrapUpMs: 30_000, wrapUpByQueue: { psychological: 180_000 } },
    );
    await rig.acd.setStateBySeat('a', '1001', 'ready');
    rig.acd.handleEvent(queued('psy-1', 'psychological'));
    rig.acd.handleEvent({ event: 'call.answered', callId: 'psy-1' });
    rig.clock.advance(60_000);
    rig.acd.handleEvent({ event: 'call.ended', callId: 'psy-1' });
    expect(states(rig, 'a').at(-1)).toEqual({
      type: 'agent.state',
      state: 'wrap-up',
      since: '2026-12-03T02:01:00.000Z',
      wrapUpEndsAt: '2026-12-03T02:04:00.000Z',
    });
    rig.clock.advance(179_999);
    rig.acd.tick();
    expect(rig.acd.stateOf('a')).toBe('wrap-up');
    rig.clock.advance(1);
    rig.acd.tick();
    expect(rig.acd.stateOf('a')).toBe('ready');

    rig.acd.handleEvent(queued('gen-1', 'general'));
    rig.acd.handleEvent({ event: 'call.answered', callId: 'gen-1' });
    rig.acd.handleEvent({ event: 'call.ended', callId: 'gen-1' });
    const general = rig.acd.statusOf('a');
    expect(Date.parse(general.wrapUpEndsAt!) - Date.parse(general.since!)).toBe(30_000);
  });

  it('keeps the wrap-up end over a hub restart', async () => {
    rig = await openManualAcdRig(
      { a: ['psychological'] },
      { wrapUpMs: 30_000, wrapUpByQueue: { psychological: 180_000 } },
    );
    await rig.acd.setStateBySeat('a', '1001', 'ready');
    rig.acd.handleEvent(queued('psy-2', 'psychological'));
    rig.acd.handleEvent({ event: 'call.answered', callId: 'psy-2' });
    rig.acd.handleEvent({ event: 'call.ended', callId: 'psy-2' });
    await rig.acd.flush();
    expect(await rig.store.agents.get('a')).toMatchObject({
      state: 'wrap-up',
      wrapUpEndsAt: Date.parse('2026-12-03T02:03:00Z'),
    });
  });
});
