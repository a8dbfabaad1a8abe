import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QUEUES } from '../../shared/acd-protocol.js';
import { WallboardFrameSchema, type WallboardFrame } from '../../shared/wallboard.js';
import { Acd } from '../acd/acd.js';
import { ManualClock } from '../clock.js';
import { silentLogger } from '../logger.js';
import { openHubStore } from '../store/open-store.js';
import type { HubStore } from '../store/repository.js';
import { FakeLink, tempDir } from '../testing/fixture.js';
import { SeatEvents } from './seat-events.js';

const T0 = Date.parse('2026-12-03T02:00:00Z');
const SEATS = 300;

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

/** An ACD with `agents` general agents signed in at 2001.., on a manual clock. */
async function setup(agents: number): Promise<{ acd: Acd; clock: ManualClock; store: HubStore }> {
  const tmp = tempDir();
  const store = await openHubStore({ sqlitePath: join(tmp.dir, 'feed.sqlite') });
  for (let i = 0; i < agents; i++) {
    await store.agents.insert({
      id: `a${i}`,
      account: `agent-${i}`,
      name: `Agent ${i}`,
      role: 'agent',
      homeExtension: String(2000 + i),
      queues: ['general'],
      passwordHash: 'unused',
    });
  }
  const clock = new ManualClock(T0);
  const acd = new Acd(
    { store, events: new SeatEvents(), clock, log: silentLogger() },
    { sweepIntervalMs: 3_600_000, wallboardFlushMs: 3_600_000 },
  );
  await acd.start();
  acd.attach(new FakeLink());
  for (let i = 0; i < agents; i++) await acd.login(`a${i}`, String(2000 + i));
  cleanup = async () => {
    acd.stop();
    await acd.flush();
    await store.close();
    tmp.cleanup();
  };
  return { acd, clock, store };
}

function record(acd: Acd): WallboardFrame[] {
  const frames: WallboardFrame[] = [];
  acd.wallboard.subscribe((f) => frames.push(WallboardFrameSchema.parse(f)));
  return frames;
}

describe('wallboard feed', () => {
  it('starts with a snapshot of every queue, agent and live call', async () => {
    const { acd, clock } = await setup(2);
    acd.handleEvent({
      event: 'call.queued',
      tindex: 1,
      tlabel: 2,
      callId: 'w-1',
      caller: '13912345678',
      queue: 'general',
    });
    clock.advance(2000);
    const frames = record(acd);
    expect(frames).toHaveLength(1);
    const snapshot = frames[0]!;
    if (snapshot.type !== 'snapshot') throw new Error('first frame is not a snapshot');
    expect(snapshot.queues.map((q) => q.queue)).toEqual([...QUEUES]);
    expect(snapshot.queues[0]).toMatchObject({ waiting: 1, longestWaitMs: 2000, offered: 1 });
    expect(snapshot.agents).toEqual([
      expect.objectContaining({ agentId: 'a0', state: 'not-ready', reason: 'signed-in' }),
      expect.objectContaining({ agentId: 'a1', extension: '2001', state: 'not-ready' }),
    ]);
    // The wallboard never shows a citizen's full number.
    expect(snapshot.calls).toEqual([
      expect.objectContaining({ callId: 'w-1', phase: 'queued', caller: '139****5678' }),
    ]);
  });

  it(`coalesces ${SEATS} seats' moves into one frame with the latest of each`, async () => {
    const { acd, clock } = await setup(SEATS);
    const frames = record(acd);
    for (let i = 0; i < SEATS; i++) await acd.setStateBySeat(`a${i}`, String(2000 + i), 'ready');
    for (let i = 0; i < SEATS; i++) {
      await acd.setStateBySeat(`a${i}`, String(2000 + i), 'not-ready', 'break');
    }
    await acd.setStateBySeat('a7', '2007', 'ready');
    acd.handleEvent({
      event: 'call.queued',
      tindex: 1,
      tlabel: 2,
      callId: 'w-2',
      caller: '13912345678',
      queue: 'general',
    });
    clock.advance(100);
    acd.wallboard.flush();
    acd.wallboard.flush();

    expect(frames).toHaveLength(2);
    const update = frames[1]!;
    expect(update.type).toBe('update');
    expect(update.agents).toHaveLength(SEATS);
    expect(update.agents.find((a) => a.agentId === 'a3')).toMatchObject({
      state: 'not-ready',
      reason: 'break',
    });
    // a7 went ready and got the call at once: only its latest state and the call's phase.
    expect(update.agents.find((a) => a.agentId === 'a7')?.state).toBe('ringing');
    expect(update.calls).toEqual([
      expect.objectContaining({ callId: 'w-2', phase: 'ringing', agent: '2007' }),
    ]);
    expect(update.queues).toEqual([
      expect.objectContaining({ queue: 'general', offered: 1, waiting: 0, agentsReady: 0 }),
    ]);
  });

  it('sends nothing when nothing moved, and forgets changes while nobody watches', async () => {
    const { acd } = await setup(1);
    await acd.setStateBySeat('a0', '2000', 'ready');
    const frames = record(acd);
    acd.wallboard.flush();
    expect(frames.map((f) => f.type)).toEqual(['snapshot']);
    await acd.setStateBySeat('a0', '2000', 'not-ready', 'meal');
    acd.wallboard.flush();
    expect(frames.map((f) => f.type)).toEqual(['snapshot', 'update']);
    expect(frames[1]?.agents).toEqual([
      expect.objectContaining({ agentId: 'a0', state: 'not-ready', reason: 'meal' }),
    ]);
  });
});
