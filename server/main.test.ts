import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HUB_PATHS, type LoginResponse } from '../shared/hub-api.js';
import { SOCKET_CLOSE_GOING_AWAY } from './events/hub-socket.js';
import { tempDir } from './testing/fixture.js';
import { freeTcpPort } from './testing/free-port.js';

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
async function runHub(name: string): Promise<Hub> {
  return run({
    HUB_HOST: '127.0.0.1',
    HUB_PORT: '0',
    HUB_DB: join(tmp.dir, name, 'hub.sqlite'),
    KAMAILIO_EVAPI: `127.0.0.1:${await freeTcpPort()}`,
    LOG_LEVEL: 'info',
  });
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
});
