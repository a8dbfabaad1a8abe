import { join } from 'node:path';
import type { HubEvent } from '../../shared/hub-api.js';
import { Acd, type AcdOptions } from '../acd/acd.js';
import { ManualClock, type Clock } from '../clock.js';
import { SeatEvents } from '../events/seat-events.js';
import { silentLogger } from '../logger.js';
import { openHubStore } from '../store/open-store.js';
import type { HubStore } from '../store/repository.js';
import { FakeLink, tempDir } from './fixture.js';

/** An ACD over a real SQLite store in a temp dir, with what it told each agent's seat. */
export interface AcdRig {
  acd: Acd;
  store: HubStore;
  /** Every event the ACD published to each agent, by agent id, in order. */
  seat: Map<string, HubEvent[]>;
  /** Stops the ACD, writes what it still holds, closes the store and removes the dir. */
  close(): Promise<void>;
}

/** The extension agent `index` (0-based) of a rig sits at: 1001, 1002, ... */
export function rigExtension(index: number): string {
  return `100${index + 1}`;
}

/**
 * Stores one agent per entry of `skills` (id -> queues; the n-th at rigExtension(n)) and
 * starts an ACD on them, not attached to any link and with nobody signed in yet.
 */
export async function openAcdRig(
  skills: Record<string, string[]>,
  clock: Clock,
  options: Partial<AcdOptions> = {},
): Promise<AcdRig> {
  const tmp = tempDir();
  const store = await openHubStore({ sqlitePath: join(tmp.dir, 'acd.sqlite') });
  const events = new SeatEvents();
  const seat = new Map<string, HubEvent[]>();
  for (const [i, [id, queues]] of Object.entries(skills).entries()) {
    await store.agents.insert({
      id,
      account: `account-${id}`,
      name: `Agent ${id}`,
      role: 'agent',
      homeExtension: rigExtension(i),
      queues,
      passwordHash: 'unused',
    });
    const seen: HubEvent[] = [];
    seat.set(id, seen);
    events.subscribe(id, (e) => seen.push(e));
  }
  const acd = new Acd({ store, events, clock, log: silentLogger() }, options);
  await acd.start();
  return {
    acd,
    store,
    seat,
    async close() {
      acd.stop();
      await acd.flush();
      await store.close();
      tmp.cleanup();
    },
  };
}

/** An ACD rig on a manual clock and a fake Kamailio link, everyone signed in. */
export interface ManualAcdRig extends AcdRig {
  clock: ManualClock;
  link: FakeLink;
}

/**
 * openAcdRig on a ManualClock at `start` (the sweeper effectively off: tests call tick),
 * attached to a FakeLink, with every agent signed in at its rig extension.
 */
export async function openManualAcdRig(
  skills: Record<string, string[]>,
  options: Partial<AcdOptions> = {},
  start = Date.parse('2026-12-03T02:00:00Z'),
): Promise<ManualAcdRig> {
  const clock = new ManualClock(start);
  const base = await openAcdRig(skills, clock, { sweepIntervalMs: 3_600_000, ...options });
  const link = new FakeLink();
  base.acd.attach(link);
  for (const [i, id] of Object.keys(skills).entries()) await base.acd.login(id, rigExtension(i));
  return { ...base, clock, link };
}
