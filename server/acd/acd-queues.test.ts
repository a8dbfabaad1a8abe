import { afterEach, describe, expect, it } from 'vitest';
import type { KamailioEvent } from '../../shared/acd-protocol.js';
import { ManualClock } from '../clock.js';
import { openAcdRig, rigExtension, type AcdRig } from '../testing/acd-rig.js';
import { FakeLink } from '../testing/fixture.js';
import type { AcdOptions } from './acd.js';
import { AgentStateConflict } from './seat-moves.js';

/** 2026-12-03 10:00 China time. */
const T0 = Date.parse('2026-12-03T02:00:00Z');

interface Rig extends AcdRig {
  clock: ManualClock;
  link: FakeLink;
}

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

/**
 * An ACD on a manual clock and a fake Kamailio link, over a real store, with every agent
 * signed in at its extension. `skills` maps each agent id to its queues; agent i sits at
 * extension 100i.
 */
async function setup(
  skills: Record<string, string[]>,
  options: Partial<AcdOptions> = {},
): Promise<Rig> {
  const clock = new ManualClock(T0);
  const base = await openAcdRig(skills, clock, {
    sweepIntervalMs: 3_600_000,
    wrapUpMs: 15_000,
    ...options,
  });
  const link = new FakeLink();
  base.acd.attach(link);
  for (const [i, id] of Object.keys(skills).entries()) await base.acd.login(id, rigExtension(i));
  return { ...base, clock, link };
}

let nextIndex = 1;
function queued(callId: string, queue: string, extra: { dialled?: string } = {}): KamailioEvent {
  nextIndex += 1;
  return {
    event: 'call.queued',
    tindex: nextIndex,
    tlabel: nextIndex * 10,
    callId,
    caller: '13800138000',
    queue,
    ...extra,
  };
}

/** The routes the ACD sent since the last call, as [callId, agent extension, queue]. */
function routes(r: Rig): [string, string, string][] {
  const sent = r.link.sent.splice(0);
  return sent.flatMap((s) => (s.action === 'route' ? [[s.callId, s.agent, s.queue]] : []));
}

async function ready(r: Rig, id: string, ext: string): Promise<void> {
  await r.acd.setStateBySeat(id, ext, 'ready');
}

describe('queues with skills', () => {
  it('gives a call only to an agent holding its queue, the longest idle of them', async () => {
    rig = await setup({
      gen: ['general'],
      ent1: ['general', 'enterprise'],
      ent2: ['enterprise'],
    });
    await ready(rig, 'gen', '1001');
    rig.clock.advance(1000);
    await ready(rig, 'ent1', '1002');
    rig.clock.advance(1000);
    await ready(rig, 'ent2', '1003');

    rig.acd.handleEvent(queued('e-1', 'enterprise'));
    rig.acd.handleEvent(queued('e-2', 'enterprise'));
    rig.acd.handleEvent(queued('e-3', 'enterprise'));
    expect(routes(rig)).toEqual([
      ['e-1', '1002', 'enterprise'],
      ['e-2', '1003', 'enterprise'],
    ]);
    // The general agent is ready the whole time, but holds no enterprise skill.
    expect(rig.acd.stateOf('gen')).toBe('ready');
    expect(rig.acd.figuresOf('enterprise')).toMatchObject({ waiting: 1, agentsReady: 0 });

    rig.acd.handleEvent(queued('g-1', 'general'));
    expect(routes(rig)).toEqual([['g-1', '1001', 'general']]);
  });

  it('lets a call wait in its own queue while other queues keep routing', async () => {
    rig = await setup({ gen: ['general'], psy: ['psychological'] });
    await ready(rig, 'gen', '1001');
    rig.acd.handleEvent(queued('p-1', 'psychological'));
    rig.clock.advance(4000);
    rig.acd.handleEvent(queued('g-1', 'general'));
    expect(routes(rig)).toEqual([['g-1', '1001', 'general']]);
    expect(rig.acd.figuresOf('psychological')).toMatchObject({
      waiting: 1,
      longestWaitMs: 4000,
      oldestQueuedAt: T0,
    });

    await ready(rig, 'psy', '1002');
    expect(routes(rig)).toEqual([['p-1', '1002', 'psychological']]);
  });

  it('gives an agent with several skills the call that has waited longest among them', async () => {
    rig = await setup({ both: ['general', 'talent'] });
    rig.acd.handleEvent(queued('g-1', 'general'));
    rig.clock.advance(100);
    rig.acd.handleEvent(queued('t-1', 'talent'));
    rig.clock.advance(100);
    rig.acd.handleEvent(queued('g-2', 'general'));
    await ready(rig, 'both', '1001');
    expect(routes(rig)).toEqual([['g-1', '1001', 'general']]);
    rig.acd.handleEvent({ event: 'call.cancelled', callId: 'g-1' });
    expect(routes(rig)).toEqual([['t-1', '1001', 'talent']]);
  });

  it('puts the queue of the dialled number on the call, and on the route', async () => {
    rig = await setup({ sign: ['sign-language'], gen: ['general'] });
    await ready(rig, 'sign', '1001');
    await ready(rig, 'gen', '1002');
    rig.acd.handleEvent(queued('v-1', 'general', { dialled: '123452' }));
    rig.acd.handleEvent(queued('m-1', 'general', { dialled: '12345' }));
    expect(routes(rig)).toEqual([
      ['v-1', '1001', 'sign-language'],
      ['m-1', '1002', 'general'],
    ]);
    await rig.acd.flush();
    expect((await rig.store.calls.get('v-1'))?.queue).toBe('sign-language');
  });

  it('keeps the queue Kamailio sent for a dialled number it has no mapping for', async () => {
    rig = await setup({ gen: ['general'] });
    await ready(rig, 'gen', '1001');
    rig.acd.handleEvent(queued('x-1', 'general', { dialled: '99999' }));
    expect(routes(rig)).toEqual([['x-1', '1001', 'general']]);
  });
});

describe('agent states', () => {
  it('ends wrap-up by itself after wrapUpMs and routes the next call at once', async () => {
    rig = await setup({ a: ['general'] });
    await ready(rig, 'a', '1001');
    rig.acd.handleEvent(queued('c-1', 'general'));
    rig.acd.handleEvent({ event: 'call.answered', callId: 'c-1' });
    rig.acd.handleEvent({ event: 'call.ended', callId: 'c-1' });
    rig.acd.handleEvent(queued('c-2', 'general'));
    routes(rig);
    expect(rig.acd.stateOf('a')).toBe('wrap-up');

    rig.clock.advance(14_999);
    rig.acd.tick();
    expect(rig.acd.stateOf('a')).toBe('wrap-up');
    expect(routes(rig)).toEqual([]);

    rig.clock.advance(1);
    rig.acd.tick();
    expect(routes(rig)).toEqual([['c-2', '1001', 'general']]);
    expect(rig.acd.stateOf('a')).toBe('ringing');
    const told = rig.seat.get('a')!.filter((e) => e.type === 'agent.state');
    expect(told.map((e) => e.type === 'agent.state' && e.state)).toEqual([
      'not-ready',
      'ready',
      'ringing',
      'on-call',
      'wrap-up',
      'ready',
      'ringing',
    ]);
    const wrapUp = told[4]!;
    expect(wrapUp).toEqual({
      type: 'agent.state',
      state: 'wrap-up',
      since: expect.any(String),
      wrapUpEndsAt: expect.any(String),
    });
    if (wrapUp.type !== 'agent.state') throw new Error('not a state event');
    expect(Date.parse(wrapUp.wrapUpEndsAt!) - Date.parse(wrapUp.since!)).toBe(15_000);
  });

  it('lets an agent end wrap-up early by going ready', async () => {
    rig = await setup({ a: ['general'] });
    await ready(rig, 'a', '1001');
    rig.acd.handleEvent(queued('c-1', 'general'));
    rig.acd.handleEvent({ event: 'call.answered', callId: 'c-1' });
    rig.acd.handleEvent({ event: 'call.ended', callId: 'c-1' });
    rig.clock.advance(3000);
    expect(await rig.acd.setStateBySeat('a', '1001', 'ready')).toBe('ready');
  });

  it('goes not ready after wrap-up, with the reason, when the agent chose it during the call', async () => {
    rig = await setup({ a: ['general'] });
    await ready(rig, 'a', '1001');
    rig.acd.handleEvent(queued('c-1', 'general'));
    rig.acd.handleEvent({ event: 'call.answered', callId: 'c-1' });
    expect(await rig.acd.setStateBySeat('a', '1001', 'not-ready', 'meal')).toBe('on-call');
    rig.acd.handleEvent({ event: 'call.ended', callId: 'c-1' });
    rig.acd.handleEvent(queued('c-2', 'general'));
    rig.clock.advance(15_000);
    rig.acd.tick();
    expect(rig.acd.stateOf('a')).toBe('not-ready');
    expect(rig.acd.reasonOf('a')).toBe('meal');
    expect(routes(rig).map((r) => r[0])).toEqual(['c-1']);
    await rig.acd.flush();
    expect(await rig.store.agents.get('a')).toMatchObject({
      state: 'not-ready',
      stateReason: 'meal',
      stateSince: T0 + 15_000,
    });
  });

  it('goes straight back to ready when wrap-up is configured to 0', async () => {
    rig = await setup({ a: ['general'] }, { wrapUpMs: 0 });
    await ready(rig, 'a', '1001');
    rig.acd.handleEvent(queued('c-1', 'general'));
    rig.acd.handleEvent({ event: 'call.answered', callId: 'c-1' });
    rig.acd.handleEvent({ event: 'call.ended', callId: 'c-1' });
    expect(rig.acd.stateOf('a')).toBe('ready');
  });

  it('keeps the not-ready reason: chosen by the seat, signed-in, missed-call', async () => {
    rig = await setup({ a: ['general'] });
    expect(rig.acd.reasonOf('a')).toBe('signed-in');
    expect(await rig.acd.setStateBySeat('a', '1001', 'not-ready', 'training')).toBe('not-ready');
    expect(rig.acd.reasonOf('a')).toBe('training');
    await rig.acd.setStateBySeat('a', '1001', 'not-ready', 'break');
    expect(rig.acd.reasonOf('a')).toBe('break');

    await ready(rig, 'a', '1001');
    expect(rig.acd.reasonOf('a')).toBeNull();
    rig.acd.handleEvent(queued('c-1', 'general'));
    rig.acd.handleEvent({ event: 'call.failed', callId: 'c-1', code: 408 });
    expect(rig.acd.stateOf('a')).toBe('not-ready');
    expect(rig.acd.reasonOf('a')).toBe('missed-call');
    await rig.acd.flush();
    expect((await rig.store.agents.get('a'))?.stateReason).toBe('missed-call');
  });

  it('refuses moves that make no sense, naming both states', async () => {
    rig = await setup({ a: ['general'] });
    await ready(rig, 'a', '1001');
    const wrapUp = rig.acd.setStateBySeat('a', '1001', 'wrap-up');
    await expect(wrapUp).rejects.toThrow(AgentStateConflict);
    await expect(rig.acd.setStateBySeat('a', '1001', 'wrap-up')).rejects.toThrow(
      'cannot go from ready to wrap-up',
    );
    expect(rig.acd.stateOf('a')).toBe('ready');

    await rig.acd.setStateBySeat('a', '1001', 'logged-out');
    await expect(rig.acd.setStateBySeat('a', '1001', 'ready')).rejects.toThrow(
      'cannot go from logged-out to ready',
    );
    expect(rig.acd.stateOf('a')).toBe('logged-out');
  });

  it('takes a direct call the seat reports, and returns a not-ready agent to not-ready', async () => {
    rig = await setup({ a: ['general'] });
    await rig.acd.setStateBySeat('a', '1001', 'not-ready', 'meeting');
    expect(await rig.acd.setStateBySeat('a', '1001', 'on-call')).toBe('on-call');
    expect(await rig.acd.setStateBySeat('a', '1001', 'wrap-up')).toBe('wrap-up');
    rig.clock.advance(15_000);
    rig.acd.tick();
    expect([rig.acd.stateOf('a'), rig.acd.reasonOf('a')]).toEqual(['not-ready', 'meeting']);
  });

  it('frees an agent whose seat reported a direct call ringing and then nothing', async () => {
    rig = await setup({ a: ['general'] }, { ringTimeoutMs: 30_000 });
    await ready(rig, 'a', '1001');
    await rig.acd.setStateBySeat('a', '1001', 'ringing');
    rig.acd.handleEvent(queued('c-1', 'general'));
    expect(routes(rig)).toEqual([]);
    rig.clock.advance(29_999);
    rig.acd.tick();
    expect(routes(rig)).toEqual([]);
    rig.clock.advance(1);
    rig.acd.tick();
    expect(routes(rig)).toEqual([['c-1', '1001', 'general']]);
  });
});

describe('queue figures', () => {
  it('counts offered, answered, abandoned, average wait and service level for the day', async () => {
    rig = await setup({ a: ['general'], b: ['general'] });
    rig.acd.handleEvent(queued('quick', 'general'));
    rig.acd.handleEvent(queued('slow', 'general'));
    rig.acd.handleEvent(queued('gaveup', 'general'));
    rig.acd.handleEvent(queued('other', 'enterprise'));

    rig.clock.advance(5_000);
    rig.acd.handleEvent({ event: 'call.cancelled', callId: 'gaveup' });
    await ready(rig, 'a', '1001');
    rig.clock.advance(5_000);
    rig.acd.handleEvent({ event: 'call.answered', callId: 'quick' });
    rig.clock.advance(20_000);
    await ready(rig, 'b', '1002');
    rig.acd.handleEvent({ event: 'call.answered', callId: 'slow' });

    expect(rig.acd.figuresOf('general')).toEqual({
      queue: 'general',
      waiting: 0,
      oldestQueuedAt: null,
      longestWaitMs: 0,
      offered: 3,
      answered: 2,
      abandoned: 1,
      unanswered: 0,
      // quick waited 10 s to be answered, slow 30 s.
      averageWaitMs: 20_000,
      answeredWithinTarget: 1,
      serviceLevel: 1 / 3,
      agentsReady: 0,
      agentsSignedIn: 2,
    });
    expect(rig.acd.figuresOf('enterprise')).toMatchObject({
      waiting: 1,
      offered: 1,
      longestWaitMs: 30_000,
      answered: 0,
      averageWaitMs: null,
      serviceLevel: null,
    });

    await rig.acd.flush();
    expect(await rig.store.calls.get('gaveup')).toMatchObject({
      outcome: 'abandoned',
      waitMs: 5_000,
      routedAt: null,
    });
    expect(await rig.store.calls.get('slow')).toMatchObject({
      outcome: 'answered',
      waitMs: 30_000,
    });
  });

  it('counts a caller who hangs up while the seat rings as abandoned, and a timeout as unanswered', async () => {
    rig = await setup({ a: ['general'] }, { queueTimeoutMs: 60_000 });
    await ready(rig, 'a', '1001');
    rig.acd.handleEvent(queued('rang', 'general'));
    rig.acd.handleEvent({ event: 'call.cancelled', callId: 'rang' });
    await rig.acd.setStateBySeat('a', '1001', 'not-ready', 'break');
    rig.acd.handleEvent(queued('late', 'general'));
    rig.clock.advance(60_000);
    rig.acd.tick();
    expect(rig.link.sent.at(-1)).toMatchObject({ action: 'reject', callId: 'late', code: 480 });
    expect(rig.acd.figuresOf('general')).toMatchObject({
      offered: 2,
      abandoned: 1,
      unanswered: 1,
      serviceLevel: 0,
    });
    await rig.acd.flush();
    expect((await rig.store.calls.get('late'))?.outcome).toBe('timeout');
  });

  it('starts a new day at midnight China time', async () => {
    rig = await setup({ a: ['general'] });
    rig.acd.handleEvent(queued('yesterday', 'general'));
    rig.acd.handleEvent({ event: 'call.cancelled', callId: 'yesterday' });
    expect(rig.acd.figuresOf('general')).toMatchObject({ offered: 1, abandoned: 1 });
    // T0 is 10:00 in Dongguan; 14 hours on it is the next day.
    rig.clock.advance(14 * 3600_000);
    expect(rig.acd.figuresOf('general')).toMatchObject({ offered: 0, abandoned: 0 });
    expect(rig.acd.wallboardSnapshot().day).toBe('2026-12-04');
  });
});
