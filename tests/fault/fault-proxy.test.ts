import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy, type FaultMix, type ProxiedRequest } from './fault-proxy.js';

const only = (kind: keyof FaultMix): FaultMix => ({
  pass: 0,
  drop: 0,
  stall: 0,
  cut: 0,
  delay: 0,
  [kind]: 1,
});

/** A target that records what it received and answers each chunk with `reply(chunk)`. */
interface Target {
  port: number;
  received: () => Buffer;
  connections: () => number;
  close: () => Promise<void>;
}

async function startTarget(reply: (chunk: Buffer) => Buffer = (c) => c): Promise<Target> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      socket.write(reply(chunk));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    received: () => Buffer.concat(chunks),
    connections: () => connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Connects, sends `data`, and collects the answer until the connection closes or `untilBytes`. */
function exchange(
  port: number,
  data: Buffer | string,
  untilBytes: number,
): Promise<{ answer: Buffer; closedByPeer: boolean; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const socket = createConnection({ host: '127.0.0.1', port });
    const finish = (closedByPeer: boolean): void => {
      socket.destroy();
      resolve({ answer: Buffer.concat(chunks), closedByPeer, ms: performance.now() - started });
    };
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= untilBytes) finish(false);
    });
    socket.once('close', () => finish(true));
    socket.once('connect', () => socket.write(data));
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(
  mix: FaultMix,
  extra: Partial<ConstructorParameters<typeof FaultProxy>[0]> = {},
  reply?: (chunk: Buffer) => Buffer,
): Promise<{ proxy: FaultProxy; target: Target }> {
  const target = await startTarget(reply);
  cleanups.push(target.close);
  const proxy = new FaultProxy({ targetPort: target.port, seed: 7, mix, ...extra });
  await proxy.listen();
  cleanups.push(() => proxy.close());
  return { proxy, target };
}

describe('FaultProxy', () => {
  it('passes bytes both ways untouched', async () => {
    const { proxy, target } = await setUp(only('pass'));
    const payload = Buffer.from('x'.repeat(100_000));
    const { answer } = await exchange(proxy.port, payload, payload.length);
    expect(answer.equals(payload)).toBe(true);
    expect(target.received().equals(payload)).toBe(true);
    expect(proxy.stats).toMatchObject({ connections: 1, pass: 1 });
  });

  it('drops a connection before any byte reaches the target', async () => {
    const { proxy, target } = await setUp(only('drop'));
    const { answer, closedByPeer } = await exchange(proxy.port, 'hello', 5);
    expect(closedByPeer).toBe(true);
    expect(answer.length).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(target.connections()).toBe(0);
  });

  it('cuts a request after N bytes towards the target and closes the client', async () => {
    const { proxy, target } = await setUp(only('cut'), { cutBytes: [100, 100] });
    // With the seed fixed the direction is fixed too; find it from what happened.
    const payload = Buffer.from('y'.repeat(10_000));
    const { answer, closedByPeer } = await exchange(proxy.port, payload, payload.length);
    expect(closedByPeer).toBe(true);
    const upstreamCut = target.received().length === 100;
    if (upstreamCut) {
      expect(answer.length).toBeLessThanOrEqual(100);
    } else {
      // Cut on the way back: the target got the whole request, the client 100 bytes.
      expect(target.received().length).toBe(payload.length);
      expect(answer.length).toBe(100);
    }
  });

  it('cuts in both directions over many connections, never past the limit', async () => {
    const { proxy, target } = await setUp(only('cut'), { cutBytes: [10, 500] });
    const payload = Buffer.from('z'.repeat(2000));
    let upward = 0;
    let downward = 0;
    for (let i = 0; i < 20; i++) {
      const before = target.received().length;
      const { answer, closedByPeer } = await exchange(proxy.port, payload, payload.length);
      expect(closedByPeer).toBe(true);
      const got = target.received().length - before;
      if (got < payload.length) upward += 1;
      else downward += 1;
      expect(Math.min(got, answer.length)).toBeLessThanOrEqual(500);
    }
    expect(upward).toBeGreaterThan(0);
    expect(downward).toBeGreaterThan(0);
  });

  it('stalls: nothing arrives before the wait; then it passes or closes', async () => {
    const { proxy } = await setUp(only('stall'), { stallMs: [300, 300] });
    const outcomes = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const { answer, closedByPeer, ms } = await exchange(proxy.port, 'ping', 4);
      expect(ms).toBeGreaterThanOrEqual(290);
      outcomes.add(closedByPeer ? 'closed' : answer.toString());
    }
    expect([...outcomes].sort()).toEqual(['closed', 'ping']);
  });

  it('delays every chunk and keeps them in order', async () => {
    const { proxy } = await setUp(only('delay'), { delayMs: [120, 120] });
    const { answer, ms } = await exchange(proxy.port, 'abc', 3);
    expect(answer.toString()).toBe('abc');
    // Once on the way in, once on the way out.
    expect(ms).toBeGreaterThanOrEqual(230);
  });

  it('makes the same choices for the same seed', async () => {
    const mix: FaultMix = { pass: 1, drop: 1, stall: 0, cut: 1, delay: 1 };
    const kinds = async (): Promise<string> => {
      const { proxy } = await setUp(mix, { cutBytes: [1, 1], delayMs: [1, 1] });
      const seen: string[] = [];
      for (let i = 0; i < 12; i++) {
        const before = { ...proxy.stats };
        await exchange(proxy.port, 'seed', 4);
        const kind = (['pass', 'drop', 'cut', 'delay'] as const).find(
          (k) => proxy.stats[k] > before[k],
        );
        seen.push(kind ?? '?');
      }
      return seen.join(',');
    };
    const first = await kinds();
    expect(await kinds()).toBe(first);
    expect(new Set(first.split(',')).size).toBeGreaterThan(2);
  });

  it('passes everything once faults are off, and closes connections left open', async () => {
    const { proxy } = await setUp(only('stall'), { stallMs: [60_000, 60_000] });
    const stalled = exchange(proxy.port, 'held', 4);
    await new Promise((r) => setTimeout(r, 50));
    proxy.setFaulty(false);
    expect((await stalled).closedByPeer).toBe(true);
    const { answer } = await exchange(proxy.port, 'free', 4);
    expect(answer.toString()).toBe('free');
  });

  it('reports request lines, and the seat id of a sync push', async () => {
    const seen: ProxiedRequest[] = [];
    const { proxy } = await setUp(only('pass'), { onRequest: (r) => seen.push(r) });
    const body = JSON.stringify({ protocol: 2, seatId: 'seat-abc', mutations: [] });
    const push =
      'POST /api/v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${body.length}\r\n\r\n${body}`;
    const health = 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n';
    const sent = push + health;
    await exchange(proxy.port, sent, sent.length);
    expect(seen.map(({ method, path, seatId }) => ({ method, path, seatId }))).toEqual([
      { method: 'POST', path: '/api/v1/sync/push', seatId: 'seat-abc' },
      { method: 'GET', path: '/api/v1/health', seatId: null },
    ]);
  });
});
