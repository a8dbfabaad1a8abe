import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { DeskCallError, type DeskRequestFrame, type SyncStatus } from '../../../shared/desk-api';
import { setLogSink } from '../lib/log';
import { SeatUnreachableError } from './errors';
import { WsDeskBridge, type LinkState, type WebSocketLike } from './ws-bridge';

const SYNC_STATUS: SyncStatus = {
  hubReachable: true,
  pending: 2,
  rejected: 0,
  syncing: false,
  lastSuccessAt: null,
  lastError: null,
  conflicts: 0,
  nextRetryAt: null,
  catchUp: null,
};

type Handler = (frame: DeskRequestFrame, socket: WebSocket) => void;

/** A real `ws` server that answers frames with the handler the test gives. */
async function startServer(handler: Handler, port = 0) {
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const sockets = new Set<WebSocket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data) => handler(JSON.parse(String(data)) as DeskRequestFrame, socket));
  });
  const address = server.address() as { port: number };
  return {
    port: address.port,
    url: `ws://127.0.0.1:${address.port}/desk`,
    sockets,
    broadcast(frame: unknown) {
      for (const socket of sockets) socket.send(JSON.stringify(frame));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.terminate();
        server.close(() => resolve());
      }),
  };
}

const answer = (socket: WebSocket, frame: unknown) => socket.send(JSON.stringify(frame));
const createSocket = (url: string) => new WebSocket(url) as unknown as WebSocketLike;

beforeAll(() => setLogSink(() => undefined));

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function bridgeTo(url: string, extra: Partial<ConstructorParameters<typeof WsDeskBridge>[0]> = {}) {
  const bridge = new WsDeskBridge({ url, createSocket, minRetryMs: 20, maxRetryMs: 100, ...extra });
  cleanups.push(() => bridge.close());
  return bridge;
}

function nextLink(bridge: WsDeskBridge, state: LinkState) {
  return new Promise<void>((resolve) => {
    const off = bridge.onLink((s) => {
      if (s === state) {
        off();
        resolve();
      }
    });
  });
}

describe('WsDeskBridge', () => {
  it('sends a request frame and resolves with the parsed result', async () => {
    const seen: DeskRequestFrame[] = [];
    const server = await startServer((frame, socket) => {
      seen.push(frame);
      answer(socket, { id: frame.id, ok: true, result: SYNC_STATUS });
    });
    cleanups.push(server.close);
    const bridge = bridgeTo(server.url);

    await expect(bridge.call('sync.status', {})).resolves.toEqual(SYNC_STATUS);
    expect(seen).toEqual([{ id: 1, method: 'sync.status', params: {} }]);
  });

  it('matches answers to requests by id, whatever order they come in', async () => {
    const held: DeskRequestFrame[] = [];
    const server = await startServer((frame, socket) => {
      held.push(frame);
      if (held.length < 2) return;
      for (const f of [...held].reverse()) {
        const q = (f.params as { q: string }).q;
        answer(socket, {
          id: f.id,
          ok: true,
          result: { query: q, hits: [], confident: false, offline: false },
        });
      }
    });
    cleanups.push(server.close);
    const bridge = bridgeTo(server.url);

    const [a, b] = await Promise.all([
      bridge.call('kb.search', { q: '社保' }),
      bridge.call('kb.search', { q: '公积金' }),
    ]);
    expect(a.query).toBe('社保');
    expect(b.query).toBe('公积金');
  });

  it('rejects a failed call with a DeskCallError carrying code and field', async () => {
    const server = await startServer((frame, socket) =>
      answer(socket, {
        id: frame.id,
        ok: false,
        error: { code: 'bad-request', message: 'extension: too short', field: 'extension' },
      }),
    );
    cleanups.push(server.close);
    const bridge = bridgeTo(server.url);

    const error = await bridge
      .call('session.login', { account: 'a', password: 'p', extension: '1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeskCallError);
    expect(error).toMatchObject({ code: 'bad-request', field: 'extension' });
  });

  it('turns an unknown error code and a malformed result into internal errors', async () => {
    const server = await startServer((frame, socket) => {
      if (frame.method === 'sync.now') {
        answer(socket, { id: frame.id, ok: false, error: { code: 'martian', message: 'x' } });
      } else {
        answer(socket, { id: frame.id, ok: true, result: { hubReachable: 'yes' } });
      }
    });
    cleanups.push(server.close);
    const bridge = bridgeTo(server.url);

    await expect(bridge.call('sync.now', {})).rejects.toMatchObject({ code: 'internal' });
    await expect(bridge.call('sync.status', {})).rejects.toMatchObject({ code: 'internal' });
  });

  it('delivers valid events to their listeners, drops malformed ones, and unsubscribes', async () => {
    const server = await startServer(() => undefined);
    cleanups.push(server.close);
    const bridge = bridgeTo(server.url);
    const offers: unknown[] = [];
    const statuses: unknown[] = [];
    const off = bridge.on('call.offered', (p) => offers.push(p));
    bridge.on('sync.status', (p) => statuses.push(p));
    await nextLink(bridge, 'open');

    const offer = { callId: 'c1', caller: '13800138000', queue: 'general', waitMs: 1200 };
    server.broadcast({ event: 'call.offered', payload: { callId: 'bad' } });
    server.broadcast({ event: 'no.such.event', payload: {} });
    server.broadcast({ event: 'call.offered', payload: offer });
    server.broadcast({ event: 'sync.status', payload: SYNC_STATUS });
    await expect.poll(() => statuses.length).toBe(1);
    expect(offers).toEqual([offer]);

    off();
    server.broadcast({ event: 'call.offered', payload: offer });
    server.broadcast({ event: 'sync.status', payload: SYNC_STATUS });
    await expect.poll(() => statuses.length).toBe(2);
    expect(offers).toHaveLength(1);
  });

  it("marks an offer's arrival and its check, then delivers it (pop-marks.ts)", async () => {
    const server = await startServer(() => undefined);
    cleanups.push(server.close);
    const bridge = bridgeTo(server.url);
    const marksAtDelivery: string[][] = [];
    const names = () => performance.getEntriesByType('mark').map((m) => m.name);
    bridge.on('call.offered', () => marksAtDelivery.push(names()));
    await nextLink(bridge, 'open');
    performance.clearMarks();

    server.broadcast({ event: 'call.offered', payload: { callId: 'bad' } });
    const offer = { callId: 'c9', caller: '13800138000', queue: 'general', waitMs: 0 };
    server.broadcast({ event: 'call.offered', payload: offer });
    await expect.poll(() => marksAtDelivery.length).toBe(1);

    // The malformed offer was received but never passed the check.
    expect(marksAtDelivery[0]).toEqual(['pop:received bad', 'pop:received c9', 'pop:parsed c9']);
    const [received] = performance.getEntriesByName('pop:received c9');
    const [parsed] = performance.getEntriesByName('pop:parsed c9');
    expect(received!.startTime).toBeLessThanOrEqual(parsed!.startTime);
    performance.clearMarks();
  });

  it('fails calls in flight when the link drops, then reconnects by itself', async () => {
    let drop = true;
    const server = await startServer((frame, socket) => {
      if (drop) {
        drop = false;
        socket.terminate();
        return;
      }
      answer(socket, { id: frame.id, ok: true, result: SYNC_STATUS });
    });
    cleanups.push(server.close);
    const bridge = bridgeTo(server.url);

    const lost = await bridge.call('sync.status', {}).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(SeatUnreachableError);
    expect(lost).toBeInstanceOf(DeskCallError);

    await expect(bridge.call('sync.status', {})).resolves.toEqual(SYNC_STATUS);
    expect(bridge.link).toBe('open');
  });

  it('waits for a seat host that comes up late', async () => {
    const probe = await startServer(() => undefined);
    const port = probe.port;
    await probe.close();
    const bridge = bridgeTo(`ws://127.0.0.1:${port}/desk`, { connectWaitMs: 3000 });

    const call = bridge.call('sync.status', {});
    await new Promise((r) => setTimeout(r, 150));
    const server = await startServer(
      (frame, socket) => answer(socket, { id: frame.id, ok: true, result: SYNC_STATUS }),
      port,
    );
    cleanups.push(server.close);

    await expect(call).resolves.toEqual(SYNC_STATUS);
  });

  it('fails with SeatUnreachableError when no seat host answers in time', async () => {
    const probe = await startServer(() => undefined);
    const url = probe.url;
    await probe.close();
    const bridge = bridgeTo(url, { connectWaitMs: 200 });

    await expect(bridge.call('sync.status', {})).rejects.toBeInstanceOf(SeatUnreachableError);
  });

  it('fails a call whose answer never comes', async () => {
    const server = await startServer(() => undefined);
    cleanups.push(server.close);
    const bridge = bridgeTo(server.url, { callTimeoutMs: 100 });

    await expect(bridge.call('sync.status', {})).rejects.toMatchObject({ code: 'internal' });
  });
});
