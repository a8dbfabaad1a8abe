import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { DeskMethod, DeskParams, DeskResult } from '../../../shared/desk-api.js';
import type { SeatCoreEvent } from '../events.js';
import { createSeatCore, type SeatCore, type SeatCoreOptions } from '../seat-core.js';

/** Test-only: a seat core in a temporary folder, with its events and log lines kept. */
export interface SeatKit {
  core: SeatCore;
  dir: string;
  events: SeatCoreEvent[];
  /** Parsed pino lines. */
  logs: Record<string, unknown>[];
  /** Calls a method and returns its result; fails the test on an error answer. */
  call<M extends DeskMethod>(method: M, params: DeskParams<M>): Promise<DeskResult<M>>;
  /** Resolves with the first event (already seen or coming) that matches. */
  waitForEvent(match: (e: SeatCoreEvent) => boolean, timeoutMs?: number): Promise<SeatCoreEvent>;
  login(): Promise<void>;
  close(): Promise<void>;
}

/** Unreachable on purpose: a port nothing listens on. */
export const NO_HUB = 'http://127.0.0.1:9';

export function startSeatKit(
  options: Partial<SeatCoreOptions> & { hubUrl?: string; keepDir?: string } = {},
): SeatKit {
  const dir = options.keepDir ?? mkdtempSync(path.join(tmpdir(), 'seat-core-'));
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const core = createSeatCore({
    dataDir: dir,
    hubUrl: options.hubUrl ?? NO_HUB,
    logger: pino({ level: 'debug' }, sink),
    tuning: {
      syncIntervalMs: 60_000,
      syncBackoff: { baseMs: 10, maxMs: 200 },
      eventsReconnect: { baseMs: 20, maxMs: 200 },
      ...options.tuning,
    },
    ...options,
  });

  const events: SeatCoreEvent[] = [];
  const waiters = new Set<(e: SeatCoreEvent) => void>();
  core.onEvent((e) => {
    events.push(e);
    for (const w of [...waiters]) w(e);
  });

  const kit: SeatKit = {
    core,
    dir,
    events,
    logs,
    async call(method, params) {
      const response = await core.handle(method, params);
      if (!response.ok) {
        throw new Error(`${method} failed: ${response.error.code}: ${response.error.message}`);
      }
      return response.result as DeskResult<typeof method>;
    },
    waitForEvent(match, timeoutMs = 5000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error('The expected seat event did not come.'));
        }, timeoutMs);
        const waiter = (e: SeatCoreEvent) => {
          if (!match(e)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(e);
        };
        waiters.add(waiter);
      });
    },
    async login() {
      await kit.call('session.login', { account: 'agent1', password: 'secret', extension: '1001' });
    },
    async close() {
      await core.close();
      if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return kit;
}

/** Polls until `check` is true. */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('The condition did not become true in time.');
    await new Promise((r) => setTimeout(r, 10));
  }
}
