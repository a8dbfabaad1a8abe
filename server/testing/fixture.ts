import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AcdReply } from '../../shared/acd-protocol.js';
import { HUB_PATHS, type HubEvent, type LoginResponse } from '../../shared/hub-api.js';
import { Acd, type AcdOptions } from '../acd/acd.js';
import type { AcdLink } from '../acd/evapi-client.js';
import { buildApp, HUB_BODY_LIMIT } from '../app.js';
import { systemClock, type Clock } from '../clock.js';
import { SeatEvents } from '../events/seat-events.js';
import { KbSearch } from '../kb/kb-search.js';
import { silentLogger } from '../logger.js';
import { seedStore } from '../seed/seed.js';
import { SqliteHubStore } from '../store/sqlite/sqlite-store.js';

/**
 * Shared test scaffolding for the hub: temp SQLite files, a seeded template copied per
 * test (seeding hashes six passwords and indexes the KB, too slow to repeat), and a hub
 * app on a fake Kamailio link.
 */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hub-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The seed's anchor in tests: 2026-12-03 12:00 China time. */
export const SEED_NOW = Date.parse('2026-12-03T04:00:00Z');

/** Seeds a database file once; answers its path. */
export async function seededTemplate(dir: string): Promise<string> {
  const path = join(dir, 'template.sqlite');
  const store = SqliteHubStore.open(path);
  await seedStore(store, new KbSearch(store.kb, silentLogger()), silentLogger(), {
    now: SEED_NOW,
  });
  await store.close();
  return path;
}

let copies = 0;

/** A fresh copy of the template, for a test that changes data. */
export function copyOf(template: string, dir: string): string {
  const path = join(dir, `hub-${++copies}.sqlite`);
  copyFileSync(template, path);
  return path;
}

/** Stands in for the evapi client: records what the ACD sends. */
export class FakeLink implements AcdLink {
  connected = true;
  readonly sent: AcdReply[] = [];

  send(reply: AcdReply): boolean {
    if (!this.connected) return false;
    this.sent.push(reply);
    return true;
  }
}

export interface TestHub {
  app: FastifyInstance;
  store: SqliteHubStore;
  acd: Acd;
  events: SeatEvents;
  link: FakeLink;
  close(): Promise<void>;
}

export async function openHub(
  dbPath: string,
  options: { clock?: Clock; acd?: Partial<AcdOptions>; bodyLimit?: number } = {},
): Promise<TestHub> {
  const log = silentLogger();
  const clock = options.clock ?? systemClock;
  const store = SqliteHubStore.open(dbPath);
  const kb = new KbSearch(store.kb, log);
  await kb.load();
  const events = new SeatEvents();
  const acd = new Acd({ store, events, clock, log }, options.acd);
  await acd.start();
  const link = new FakeLink();
  acd.attach(link);
  const app = await buildApp({
    store,
    acd,
    kb,
    events,
    clock,
    log,
    sip: { wsUrl: 'ws://127.0.0.1:8080/ws', domain: '127.0.0.1' },
    bodyLimit: options.bodyLimit ?? HUB_BODY_LIMIT,
  });
  return {
    app,
    store,
    acd,
    events,
    link,
    async close() {
      acd.stop();
      await app.close();
      await acd.flush();
      await store.close();
    },
  };
}

export async function login(
  app: FastifyInstance,
  account = 'agent01',
  extension = '1001',
): Promise<LoginResponse> {
  const res = await app.inject({
    method: 'POST',
    url: HUB_PATHS.login,
    payload: { account, password: 'demo1234', extension },
  });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return res.json<LoginResponse>();
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** Collects the events published to one agent. */
export function recordEvents(events: SeatEvents, agentId: string): HubEvent[] {
  const seen: HubEvent[] = [];
  events.subscribe(agentId, (e) => seen.push(e));
  return seen;
}
