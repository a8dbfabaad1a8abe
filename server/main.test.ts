import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HUB_PATHS, type LoginResponse } from '../shared/hub-api.js';
import { SOCKET_CLOSE_GOING_AWAY } from './events/hub-socket.js';
import { restoreHub } from './store/backup.js';
import { lockFileOf } from './store/database-lock.js';
import { openHubStore } from './store/open-store.js';
import { tempDir } from './testing/fixture.js';
import { freeTcpPort } from './testing/free-port.js';
import { databaseUrl, testPgUrl } from './testing/pg-databases.js';
import { SAMPLE_NOW, sampleImported } from './testing/store-samples.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

function run(env: Record<string, string>) {
  const child = spawn(TSX, ['server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

type Hub = ReturnType<typeof run>;

/** A hub on a free port, on a new database in the temp dir, with no Kamailio to reach. */
async function runHub(name: string, env: Record<string, string> = {}): Promise<Hub> {
  return run({
    HUB_HOST: '127.0.0.1',
    HUB_PORT: '0',
    HUB_DB: join(tmp.dir, name, 'hub.sqlite'),
    KAMAILIO_EVAPI: `127.0.0.1:${await freeTcpPort()}`,
    LOG_LEVEL: 'info',
    ...env,
  });
}

/**
 * Runs a hub that must fail to start; answers its stderr after checking it exited 1 with
 * one plain line (no JSON log entry, no stack).
 */
async function failedStart(name: string, env: Record<string, string>): Promise<string> {
  const hub = await runHub(name, env);
  const code = await exitWithin(hub, 20_000);
  if (code === 'still running') hub.child.kill('SIGKILL');
  expect(code, hub.out() + hub.err()).toBe(1);
  const lines = hub.err().trim().split('\n');
  expect(lines, hub.err()).toHaveLength(1);
  expect(lines[0]).toMatch(/^hub: /);
  expect(hub.out() + hub.err()).not.toMatch(/"level":60|\n\s+at /);
  return lines[0]!;
}

/** The URL of the hub's "hub listening" log line, once it has logged it. */
async function listeningUrl(hub: Hub): Promise<string | undefined> {
  for (let i = 0; i < 150; i++) {
    await new Promise((r) => setTimeout(r, 100));
    for (const line of hub.out().split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'hub listening') return entry.url;
    }
  }
  return undefined;
}

/** The exit code, or 'still running' when the hub has not exited within `ms`. */
function exitWithin(hub: Hub, ms: number): Promise<number | null | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => {
    timer = setTimeout(() => resolve('still running'), ms);
  });
  return Promise.race([hub.exited, late]).finally(() => clearTimeout(timer));
}

describe('npm run hub (server/main.ts)', () => {
  it('exits 1 naming the variable when the configuration is bad', async () => {
    const hub = run({ HUB_PORT: 'forty', HUB_DB: join(tmp.dir, 'bad.sqlite') });
    expect(await hub.exited).toBe(1);
    expect(hub.err()).toMatch(/HUB_PORT must be a TCP port number \(0-65535, 0 = any free port\)/);
  });

  it('starts on a new database with the seed, serves, and stops cleanly on SIGTERM', async () => {
    const hub = await runHub('run');
    const url = await listeningUrl(hub);
    expect(url, hub.out() + hub.err()).toBeDefined();
    const health = await fetch(`${url}${HUB_PATHS.health}`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { acd: { kamailio: string } }).acd.kamailio).toBe(
      'disconnected',
    );
    expect(hub.out()).toContain('hub store seeded');

    hub.child.kill('SIGTERM');
    expect(await hub.exited).toBe(0);
    expect(hub.out()).toContain('hub stopped');
  });

  it('stops promptly on SIGTERM while a seat holds its events socket open', async () => {
    const hub = await runHub('seat');
    try {
      const url = await listeningUrl(hub);
      expect(url, hub.out() + hub.err()).toBeDefined();
      const res = await fetch(`${url}${HUB_PATHS.login}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ account: 'agent01', password: 'demo1234', extension: '1001' }),
      });
      expect(res.status).toBe(200);
      const { token } = (await res.json()) as LoginResponse;
      const wsUrl = `${String(url).replace(/^http/, 'ws')}${HUB_PATHS.events}?token=${token}`;
      const ws = new WebSocket(wsUrl);
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      await new Promise((resolve, reject) => {
        ws.once('message', resolve);
        ws.once('error', reject);
      });

      hub.child.kill('SIGTERM');
      expect(await exitWithin(hub, 5000), hub.out() + hub.err()).toBe(0);
      expect(await closed).toEqual(SOCKET_CLOSE_GOING_AWAY);
      expect(hub.out()).toContain('hub stopped');
    } finally {
      hub.child.kill('SIGKILL');
    }
  });

  describe('a failed start names what is wrong in one line and exits 1', () => {
    it('HUB_DB is a directory', async () => {
      const dir = join(tmp.dir, 'a-directory');
      mkdirSync(dir, { recursive: true });
      expect(await failedStart('dir', { HUB_DB: dir })).toBe(
        `hub: HUB_DB ${dir} is a directory; name the database file in it`,
      );
    });

    it('HUB_DB cannot be created', async () => {
      const file = join(tmp.dir, 'a-file');
      writeFileSync(file, 'not a directory');
      const db = join(file, 'hub.sqlite');
      expect(await failedStart('unwritable', { HUB_DB: db })).toBe(
        `hub: HUB_DB ${db} cannot be created or written (ENOTDIR: not a directory)`,
      );
    });

    it('HUB_DB is a half-seeded file', async () => {
      const db = join(tmp.dir, 'half', 'hub.sqlite');
      const store = await openHubStore({ sqlitePath: db });
      await store.orders.importOrders([sampleImported(SAMPLE_NOW, '13800000001')]);
      await store.close();
      const line = await failedStart('half', { HUB_DB: db });
      expect(line).toContain(`HUB_DB ${db}`);
      expect(line).toMatch(/a seed was interrupted/);
    });

    it('HUB_DB_URL names a server that does not answer, with the password masked', async () => {
      const port = await freeTcpPort();
      const line = await failedStart('pg-down', {
        HUB_DB_URL: `postgres://hub:s3cret@127.0.0.1:${port}/hotline`,
      });
      expect(line).toBe(
        `hub: HUB_DB_URL postgres://hub:***@127.0.0.1:${port}/hotline: ` +
          `no PostgreSQL server answers at 127.0.0.1:${port} (ECONNREFUSED)`,
      );
    });

    it.runIf(testPgUrl() !== null)('HUB_DB_URL names a database that does not exist', async () => {
      const url = databaseUrl(testPgUrl()!, 'no_such_hub_database');
      const line = await failedStart('pg-nodb', { HUB_DB_URL: url });
      expect(line).toMatch(
        /^hub: HUB_DB_URL postgres:\/\/.*\/no_such_hub_database: no such database/,
      );
    });

    it('HUB_PORT is in use', async () => {
      const busy: Server = createServer();
      const port = await new Promise<number>((resolve) =>
        busy.listen(0, '127.0.0.1', () => resolve((busy.address() as { port: number }).port)),
      );
      try {
        expect(await failedStart('busy', { HUB_PORT: String(port) })).toMatch(
          new RegExp(`^hub: HUB_PORT ${port} is in use on 127\\.0\\.0\\.1 \\(EADDRINUSE\\)`),
        );
      } finally {
        busy.close();
      }
    });

    it('HUB_HOST is not an address of this machine', async () => {
      // 192.0.2.1 is TEST-NET-1 (RFC 5737): never a local address.
      expect(await failedStart('host', { HUB_HOST: '192.0.2.1' })).toBe(
        'hub: HUB_HOST 192.0.2.1 is not an address of this machine (EADDRNOTAVAIL)',
      );
    });
  });

  it('holds a lock beside its SQLite file: restore and a second hub refuse it until it stops', async () => {
    const db = join(tmp.dir, 'locked', 'hub.sqlite');
    const hub = await runHub('locked');
    try {
      expect(await listeningUrl(hub), hub.out() + hub.err()).toBeDefined();
      expect(existsSync(lockFileOf(db))).toBe(true);

      const backup = join(tmp.dir, 'locked.backup');
      writeFileSync(backup, '');
      // The lock names the hub's node process (tsx runs it as a child of its own).
      const { pid } = JSON.parse(readFileSync(lockFileOf(db), 'utf8')) as { pid: number };
      await expect(restoreHub({ sqlitePath: db }, backup)).rejects.toThrow(
        `${db} is in use by a hub (process ${pid}); stop it before restoring`,
      );
      expect(await failedStart('locked', {})).toBe(
        `hub: HUB_DB ${db} is in use by a hub (process ${pid}); ` +
          'stop it first, or set HUB_DB to another file',
      );

      hub.child.kill('SIGTERM');
      expect(await hub.exited).toBe(0);
      expect(existsSync(lockFileOf(db))).toBe(false);
    } finally {
      hub.child.kill('SIGKILL');
    }
  });
});
