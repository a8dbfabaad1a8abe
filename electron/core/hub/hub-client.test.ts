import { getEventListeners } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HubClient } from './hub-client.js';
import { HubSessionChangedError, HubUnreachableError } from './hub-errors.js';

const log = pino({ level: 'silent' });

let server: Server | null = null;
const sockets = new Set<Socket>();

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

/** A TCP server that accepts every connection and never answers (a stalled hub). */
async function startSilentServer(): Promise<string> {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

function gcIfExposed(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

describe('HubClient timeouts', () => {
  it('gives up on a hub that accepts and never answers, every time (nodejs/node#57736)', async () => {
    const baseUrl = await startSilentServer();
    const timeoutMs = 100;
    const client = new HubClient({
      baseUrl,
      log,
      timeouts: { health: timeoutMs, pull: timeoutMs, push: timeoutMs },
    });
    client.adoptToken('t');

    // Rounds of concurrent requests with garbage made (and collected, if gc is exposed)
    // while they wait: the timer must survive it. AbortSignal.timeout inside
    // AbortSignal.any did not, on Node 20.20.
    for (let round = 0; round < 8; round++) {
      const started = Date.now();
      const requests = [
        ...Array.from({ length: 6 }, () => client.health()),
        client.pull('0', '0', 'seat-1'),
        client.push('{"seatId":"seat-1","mutations":[]}'),
      ].map((p) =>
        p.then(
          () => new Error('answered'),
          (err: unknown) => err,
        ),
      );
      let junk: unknown[] = [];
      for (let i = 0; i < 20_000; i++) junk.push({ i, s: `x${i}`, a: [i, i] });
      junk = [];
      gcIfExposed();
      const outcomes = await Promise.all(requests);
      const took = Date.now() - started;
      for (const outcome of outcomes) {
        expect(outcome).toBeInstanceOf(HubUnreachableError);
        expect((outcome as Error).message).toContain('no answer in time');
      }
      expect(took).toBeGreaterThanOrEqual(timeoutMs - 5);
      expect(took).toBeLessThan(timeoutMs + 1_500);
    }
  }, 30_000);

  it('close() aborts a request in flight and leaves no listener behind', async () => {
    const baseUrl = await startSilentServer();
    const client = new HubClient({ baseUrl, log, timeouts: { health: 60_000 } });
    const closing = (client as unknown as { closing: AbortController }).closing.signal;
    // Requests that end (here: by timeout) remove their listener on the closing signal.
    const short = new HubClient({ baseUrl, log, timeouts: { health: 30 } });
    const shortClosing = (short as unknown as { closing: AbortController }).closing.signal;
    for (let i = 0; i < 20; i++) await expect(short.health()).rejects.toBeInstanceOf(Error);
    expect(getListenerCount(shortClosing)).toBe(0);

    const pending = client.health().then(
      () => new Error('answered'),
      (err: unknown) => err,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(getListenerCount(closing)).toBe(1);
    const started = Date.now();
    client.close();
    const outcome = await pending;
    expect(outcome).toBeInstanceOf(HubUnreachableError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(getListenerCount(closing)).toBe(0);
    // A request after close() does not even wait for its timer.
    await expect(client.health()).rejects.toBeInstanceOf(HubUnreachableError);
  });
});

describe('HubClient.push', () => {
  it('sends nothing once the session the batch was read for has ended', async () => {
    const baseUrl = await startSilentServer();
    let connections = 0;
    server!.on('connection', () => connections++);
    const client = new HubClient({ baseUrl, log, timeouts: { push: 100 } });
    client.adoptToken('t');

    await expect(client.push('{}', () => false)).rejects.toBeInstanceOf(HubSessionChangedError);
    expect(connections).toBe(0);
    await expect(client.push('{}', () => true)).rejects.toBeInstanceOf(HubUnreachableError);
    expect(connections).toBe(1);
  });
});

function getListenerCount(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}
