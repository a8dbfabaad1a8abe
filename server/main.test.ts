import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HUB_PATHS } from '../shared/hub-api.js';
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

describe('npm run hub (server/main.ts)', () => {
  it('exits 1 naming the variable when the configuration is bad', async () => {
    const hub = run({ HUB_PORT: 'forty', HUB_DB: join(tmp.dir, 'bad.sqlite') });
    expect(await hub.exited).toBe(1);
    expect(hub.err()).toMatch(/HUB_PORT must be a TCP port number/);
  });

  it('starts on a new database with the seed, serves, and stops cleanly on SIGTERM', async () => {
    const hub = run({
      HUB_HOST: '127.0.0.1',
      HUB_PORT: '0',
      HUB_DB: join(tmp.dir, 'run', 'hub.sqlite'),
      KAMAILIO_EVAPI: `127.0.0.1:${await freeTcpPort()}`,
      LOG_LEVEL: 'info',
    });
    let url: string | undefined;
    for (let i = 0; i < 150 && !url; i++) {
      await new Promise((r) => setTimeout(r, 100));
      for (const line of hub.out().split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'hub listening') url = entry.url;
      }
    }
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
});
