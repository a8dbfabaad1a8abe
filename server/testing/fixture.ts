import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll } from 'vitest';
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
import { openHubStore, storeTarget } from '../store/open-store.js';
import type { HubStore } from '../store/repository.js';
import type { SqlHubStore } from '../store/sql/sql-store.js';
import {
  createDatabase,
  databaseName,
  databaseUrl,
  dropDatabases,
  scratchName,
  testPgUrl,
} from './pg-databases.js';

/**
 * Shared test scaffolding for the hub: temp SQLite files, a seeded template copied per
 * test (seeding hashes six passwords and indexes the KB, too slow to repeat), and a hub
 * app on a fake Kamailio link.
 *
 * With HUB_TEST_PG_URL set (scripts/test-all does, after scripts/pg/start) the hubs run on
 * PostgreSQL instead: the template is a seeded database and each copy a new database made
 * from it with CREATE DATABASE ... TEMPLATE. A "path" is then a postgres:// URL.
 */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hub-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The seed's anchor in tests: 2026-12-03 12:00 China time. */
export const SEED_NOW = Date.parse('2026-12-03T04:00:00Z');

/** PostgreSQL templates this process made, with their copies: see {@link dropScratch}. */
const scratch = new Map<string, string[]>();

/** Copies promised by {@link copyOf} but not made yet: URL -> template database name. */
const pendingCopies = new Map<string, string>();

/** Seeds a database once (a file in `dir`, or a PostgreSQL database); answers its location. */
export async function seededTemplate(dir: string): Promise<string> {
  const admin = testPgUrl();
  const location =
    admin === null
      ? join(dir, 'template.sqlite')
      : await createDatabase(admin, scratchName('hub_template'));
  if (admin !== null) scratch.set(location, []);
  const store = await openHubStore(storeTarget(location));
  try {
    await seedStore(store, new KbSearch(store.kb, silentLogger()), silentLogger(), {
      now: SEED_NOW,
    });
  } finally {
    await store.close();
  }
  return location;
}

let copies = 0;

/**
 * A fresh copy of the template, for a test that changes data. On PostgreSQL the copy is
 * made when a hub first opens it (CREATE DATABASE is async, this answer is not).
 */
export function copyOf(template: string, dir: string): string {
  const admin = testPgUrl();
  if (admin === null) {
    const path = join(dir, `hub-${++copies}.sqlite`);
    copyFileSync(template, path);
    return path;
  }
  const url = databaseUrl(admin, scratchName('hub_test'));
  pendingCopies.set(url, databaseName(template));
  scratch.get(template)?.push(url);
  return url;
}

/** Opens the store at `location`, first making it when it is a promised copy. */
export async function openTestStore(location: string): Promise<HubStore> {
  const template = pendingCopies.get(location);
  const admin = testPgUrl();
  if (template !== undefined && admin !== null) {
    pendingCopies.delete(location);
    await createDatabase(admin, databaseName(location), template);
  }
  return openHubStore(storeTarget(location));
}

/** Drops a PostgreSQL template and its copies (a no-op on SQLite). */
export async function dropScratch(template: string): Promise<void> {
  const admin = testPgUrl();
  const copies = scratch.get(template);
  if (admin === null || copies === undefined) return;
  scratch.delete(template);
  for (const url of copies) pendingCopies.delete(url);
  await dropDatabases(admin, [...copies, template].map(databaseName));
}

/**
 * Everything stored about orders, their changes and applied mutations, as one string, on either backend:
 * equal snapshots before and after a refused request prove it changed nothing.
 */
export async function orderSnapshot(location: string): Promise<string> {
  const store = (await openTestStore(location)) as SqlHubStore;
  try {
    const orders = await store.db.selectFrom('orders').selectAll().orderBy('version').execute();
    const applied = await store.db
      .selectFrom('applied_mutations')
      .selectAll()
      .orderBy('mutation_id')
      .execute();
    const counter = await store.db
      .selectFrom('counters')
      .select('value')
      .where('name', '=', 'version')
      .executeTakeFirst();
    const revisions = await store.db
      .selectFrom('order_revisions')
      .selectAll()
      .orderBy('id')
      .execute();
    const conflicts = await store.db
      .selectFrom('order_conflicts')
      .selectAll()
      .orderBy('conflict_id')
      .execute();
    return JSON.stringify({ orders, applied, counter, revisions, conflicts });
  } finally {
    await store.close();
  }
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
  store: HubStore;
  acd: Acd;
  events: SeatEvents;
  link: FakeLink;
  close(): Promise<void>;
}

export interface OpenHubOptions {
  clock?: Clock;
  acd?: Partial<AcdOptions>;
  bodyLimit?: number;
}

export async function openHub(dbPath: string, options: OpenHubOptions = {}): Promise<TestHub> {
  const log = silentLogger();
  const clock = options.clock ?? systemClock;
  const store = await openTestStore(dbPath);
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

/**
 * A temp dir and the seeded template a test file's hubs are copied from, made before all
 * its tests; the caller removes the dir after all, once its hubs are closed.
 */
function useTemplate(): { copy: () => string; cleanup: () => Promise<void> } {
  const tmp = tempDir();
  let template: string | null = null;
  beforeAll(async () => {
    template = await seededTemplate(tmp.dir);
  });
  return {
    copy() {
      if (template === null) throw new Error('the seeded template is made in beforeAll');
      return copyOf(template, tmp.dir);
    },
    async cleanup() {
      if (template !== null) await dropScratch(template);
      tmp.cleanup();
    },
  };
}

/** What {@link useSeededHub} hands a test file; read it inside the tests. */
export interface SeededHub {
  readonly hub: TestHub;
  /** agent01's token at extension 1001, when the hub was asked to sign in. */
  readonly token: string;
}

/**
 * One seeded hub shared by every test of a file, for tests that do not get in each
 * other's way: opened before all of them on a copy of the seed (and signed in as agent01
 * unless `login` is false), closed after all of them.
 */
export function useSeededHub(options: { login?: boolean } = {}): SeededHub {
  const seed = useTemplate();
  let hub: TestHub | null = null;
  let token: string | null = null;
  beforeAll(async () => {
    hub = await openHub(seed.copy());
    if (options.login ?? true) ({ token } = await login(hub.app));
  });
  afterAll(async () => {
    await hub?.close();
    hub = null;
    await seed.cleanup();
  });
  return {
    get hub() {
      if (hub === null) throw new Error('the seeded hub is open only while the tests run');
      return hub;
    },
    get token() {
      if (token === null) throw new Error('the seeded hub was opened without signing in');
      return token;
    },
  };
}

/** What {@link useFreshHub} hands a test file. */
export interface FreshHub {
  /** Opens a hub on `path` (by default a new copy of the seed); it is closed after the test. */
  open(options?: OpenHubOptions & { path?: string }): Promise<TestHub>;
  /** A new copy of the seed, for a test that reopens the same file. */
  copy(): string;
  /** The hub the running test opened. */
  readonly hub: TestHub;
  /** Closes the running test's hub before the test ends. */
  close(): Promise<void>;
}

/**
 * A seeded hub of its own for each test, for routes whose tests change data or need their
 * own clock: the seed is made once per file, each test opens a copy, closed after it.
 */
export function useFreshHub(): FreshHub {
  const seed = useTemplate();
  let hub: TestHub | null = null;
  const close = async (): Promise<void> => {
    await hub?.close();
    hub = null;
  };
  afterEach(close);
  afterAll(seed.cleanup);
  return {
    async open({ path, ...options } = {}) {
      await close();
      hub = await openHub(path ?? seed.copy(), options);
      return hub;
    },
    copy: seed.copy,
    get hub() {
      if (hub === null) throw new Error('no hub is open: the test opens one first');
      return hub;
    },
    close,
  };
}
