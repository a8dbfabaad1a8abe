import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { UNREADABLE_FRAME_ID, type DeskResponseFrame } from '../../shared/desk-api.js';
import { sampleOrderInput, startFakeHub, type FakeHub } from '../../tests/fakes/hub-sync.js';
import { startSeatKit, type SeatKit } from '../core/testing/seat-kit.js';
import { startSeatHost, type SeatHost } from './seat-host.js';

let hub: FakeHub;
let kit: SeatKit;
let host: SeatHost;
let rendererDir: string;

beforeAll(async () => {
  hub = await startFakeHub();
  kit = startSeatKit({ hubUrl: hub.url });
  rendererDir = mkdtempSync(path.join(tmpdir(), 'seat-renderer-'));
  mkdirSync(path.join(rendererDir, 'assets'));
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>desk</title>');
  writeFileSync(path.join(rendererDir, 'assets', 'app-1234.js'), 'console.log("desk");');
  writeFileSync(path.join(rendererDir, 'assets', 'app-1234.css'), 'body{}');
  host = await startSeatHost({
    core: kit.core,
    host: '127.0.0.1',
    port: 0,
    rendererDir,
    log: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  await host.close();
  await kit.close();
  await hub.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

/** A GET with the path (and Host, if given) sent as written; fetch would normalise them. */
function rawGet(
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port: host.port, path: rawPath, headers };
    const req = request(options, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A desk client that keeps every frame it gets. */
async function connect(headers: Record<string, string> = {}, port = host.port) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/desk`, { headers });
  const frames: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = async (match: (f: Record<string, unknown>) => boolean) => {
    for (;;) {
      const found = frames.find(match);
      if (found) return found;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no such frame came')), 5000);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  const call = async (id: number, method: string, params: unknown) => {
    ws.send(JSON.stringify({ id, method, params }));
    return (await next((f) => f.id === id)) as unknown as DeskResponseFrame;
  };
  return { ws, frames, next, call };
}

describe('seat host: renderer files', () => {
  it('serves index.html, assets with their content types, and index for app routes', async () => {
    const index = await fetch(`${host.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>desk</title>');

    const js = await fetch(`${host.url}/assets/app-1234.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const css = await fetch(`${host.url}/assets/app-1234.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');

    expect((await fetch(`${host.url}/wallboard`)).headers.get('content-type')).toContain('html');
    expect((await fetch(`${host.url}/assets/missing.js`)).status).toBe(404);
    for (const sneaky of ['/../../etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/%00.js']) {
      const { status, body } = await rawGet(sneaky);
      expect(body).not.toContain('root:');
      expect([200, 404]).toContain(status);
    }
    expect((await fetch(`${host.url}/`, { method: 'POST' })).status).toBe(405);
  });

  it('answers 503 with a clear page while the renderer is not built', async () => {
    const other = await startSeatHost({
      core: kit.core,
      host: '127.0.0.1',
      port: 0,
      rendererDir: path.join(rendererDir, 'nowhere'),
      log: pino({ level: 'silent' }),
    });
    try {
      const response = await fetch(`${other.url}/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build:renderer');
    } finally {
      await other.close();
    }
  });
});

describe('seat host: desk socket', () => {
  it('answers a call and forwards events', async () => {
    const client = await connect();
    const login = await client.call(1, 'session.login', {
      account: 'agent1',
      password: 'secret',
      extension: '1001',
    });
    expect(login).toMatchObject({ id: 1, ok: true, result: { agent: { extension: '1001' } } });

    const saved = await client.call(2, 'order.save', { order: sampleOrderInput() });
    expect(saved).toMatchObject({ id: 2, ok: true, result: { status: 'pending' } });
    const event = await client.next((f) => f.event === 'order.updated');
    expect(event).toMatchObject({ payload: { input: { territory: 'NC' } } });

    hub.emit({ type: 'agent.state', state: 'ready' });
    expect(await client.next((f) => f.event === 'agent.state')).toEqual({
      event: 'agent.state',
      payload: { state: 'ready' },
    });
    client.ws.close();
  });

  it('answers garbage with error frames and stays up', async () => {
    const client = await connect();
    const errorFrames = () => client.frames.filter((f) => f.ok === false);

    client.ws.send('this is not json');
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    client.ws.send('[1,2,3]');
    await client.next(() => errorFrames().length === 3);
    for (const frame of errorFrames()) {
      expect(frame).toMatchObject({ id: UNREADABLE_FRAME_ID, error: { code: 'bad-request' } });
    }

    expect(await client.call(10, 7 as unknown as string, {})).toMatchObject({
      id: 10,
      ok: false,
      error: { code: 'bad-request', field: 'method' },
    });
    client.ws.send(JSON.stringify({ id: 11, method: 'sync.status', params: {}, extra: 1 }));
    expect(await client.next((f) => f.id === 11)).toMatchObject({
      error: { code: 'bad-request', field: 'extra' },
    });
    expect(await client.call(12, 'order.delete', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown-method' },
    });
    expect(await client.call(13, 'order.save', { order: { summary: 1 } })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', field: 'order.type' },
    });

    const huge = { order: sampleOrderInput({ summary: 'x'.repeat(1_500_000) }) };
    expect(await client.call(14, 'order.save', huge)).toMatchObject({
      id: 14,
      ok: false,
      error: { code: 'bad-request', message: expect.stringContaining('at most') },
    });

    expect(await client.call(15, 'sync.status', {})).toMatchObject({ id: 15, ok: true });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.ws.close();
  });

  it('closes a frame too big to read with 1009 and keeps serving others', async () => {
    const client = await connect();
    const closed = new Promise<number>((resolve) => client.ws.once('close', resolve));
    client.ws.send('x'.repeat(9 * 1024 * 1024));
    expect(await closed).toBe(1009);

    const again = await connect();
    expect(await again.call(1, 'sync.status', {})).toMatchObject({ ok: true });
    again.ws.close();
  });

  it('refuses a page from another origin and any other path', async () => {
    await expect(connect({ origin: 'https://evil.example' })).rejects.toThrow(/403/);
    const same = await connect({ origin: host.url });
    same.ws.close();

    const elsewhere = new WebSocket(`${host.url.replace('http', 'ws')}/other`);
    await expect(
      new Promise((resolve, reject) => {
        elsewhere.once('open', resolve);
        elsewhere.once('error', reject);
      }),
    ).rejects.toThrow(/404/);
  });

  it('refuses a rebound name even when its Origin and Host agree', async () => {
    const rebound = `evil.example:${host.port}`;
    await expect(connect({ host: rebound, origin: `http://${rebound}` })).rejects.toThrow(/421/);
    await expect(connect({ host: rebound })).rejects.toThrow(/421/);
    // The seat's own Host does not let a foreign page in either.
    await expect(connect({ origin: `http://${rebound}` })).rejects.toThrow(/403/);

    for (const page of ['/', '/healthz', '/assets/app-1234.js']) {
      const { status, body } = await rawGet(page, { host: rebound });
      expect(status).toBe(421);
      expect(body).not.toContain('desk');
    }
    expect((await rawGet('/', { host: `127.0.0.1:${host.port + 1}` })).status).toBe(421);
  });

  it('accepts the loopback names at its port, and the origins it was told about', async () => {
    const p = host.port;
    const names = [`127.0.0.1:${p}`, `localhost:${p}`, `[::1]:${p}`, `LOCALHOST:${p}`];
    for (const name of names) {
      const client = await connect({ host: name, origin: `http://${name.toLowerCase()}` });
      client.ws.close();
      expect((await rawGet('/', { host: name })).status).toBe(200);
    }
    const secure = await connect({ origin: `https://localhost:${p}` });
    secure.ws.close();
    await expect(connect({ origin: `http://localhost:${p + 1}` })).rejects.toThrow(/403/);

    const dev = await startSeatHost({
      core: kit.core,
      host: '127.0.0.1',
      port: 0,
      rendererDir,
      log: pino({ level: 'silent' }),
      allowedOrigins: ['http://localhost:5173'],
    });
    try {
      const client = await connect({ origin: 'http://localhost:5173' }, dev.port);
      client.ws.close();
      await expect(connect({ origin: 'http://localhost:5174' }, dev.port)).rejects.toThrow(/403/);
      await expect(connect({ origin: 'http://localhost:5173' })).rejects.toThrow(/403/);
    } finally {
      await dev.close();
    }
  });
});

/** Runs the host process to its exit; for start-up failures. */
function runHost(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/host/main.ts'], {
    env: { ...process.env, SEAT_DATA_DIR: rendererDir, HUB_URL: hub.url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('seat host process', () => {
  it.each([
    ['SEAT_PORT', 'abc'],
    ['SEAT_PORT', '-1'],
    ['SEAT_PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['HUB_URL', 'hub:4000'],
  ])('stops on %s=%s with one line that names it', async (variable, value) => {
    const { code, stdout, stderr } = await runHost({ SEAT_PORT: '0', [variable]: value });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(variable);
    expect(stderr).toContain(`"${value}"`);
    expect(stderr).not.toMatch(/\bat |\{"/);
  });

  it('starts from the environment and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'seat-host-main-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/host/main.ts'], {
      env: {
        ...process.env,
        SEAT_PORT: '0',
        SEAT_DATA_DIR: dataDir,
        HUB_URL: hub.url,
        RENDERER_DIR: rendererDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start line:\n${out}`)), 15_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = /"url":"(http:\/\/[^"]+)"/.exec(out);
          if (found?.[1]) {
            clearTimeout(timer);
            resolve(found[1]);
          }
        });
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('SIGTERM received');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
