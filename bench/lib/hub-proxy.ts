import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** One HTTP exchange the seat made with the hub, timed at the proxy (epoch ms). */
export interface HubExchange {
  method: string;
  /** Path and query as the seat sent them. */
  url: string;
  status: number;
  startedAt: number;
  endedAt: number;
}

export interface TimingProxy {
  /** Where the seat is to send its hub requests: http://127.0.0.1:<port>. */
  url: string;
  /** Exchanges whose path matches, in the order they ended. */
  exchanges(pathPrefix?: string): HubExchange[];
  /** Forgets the exchanges recorded so far. */
  clear(): void;
  close(): Promise<void>;
}

/** Epoch milliseconds with sub-millisecond resolution (the clock Chromium's marks use). */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/**
 * A pass-through HTTP proxy between the seat host and the hub that notes when each request
 * arrived and when its response was complete. The hub does not log request times
 * (fastify's request logging is off), and the product needs no hook for this: the history
 * and KB parts of the screen-pop are the seat's own requests, timed on the wire. WebSocket
 * upgrades (the hub's seat events) are piped through untouched. It adds one loopback hop
 * per request (well under a millisecond).
 */
export async function startTimingProxy(hubUrl: string): Promise<TimingProxy> {
  const target = new URL(hubUrl);
  const port = Number(target.port || 80);
  const host = target.hostname;
  const recorded: HubExchange[] = [];

  const server: Server = createServer((req, res) => {
    const startedAt = epochNow();
    const upstream = request(
      { host, port, method: req.method, path: req.url, headers: req.headers },
      (answer: IncomingMessage) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => {
          recorded.push({
            method: req.method ?? 'GET',
            url: req.url ?? '',
            status: answer.statusCode ?? 0,
            startedAt,
            endedAt: epochNow(),
          });
        });
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`timing proxy: the hub at ${hubUrl} did not answer: ${error.message}`);
    });
    req.pipe(upstream);
  });

  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, client: Socket, head: Buffer) => {
    const hub = connect(port, host, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      hub.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length > 0) hub.write(head);
      hub.pipe(client);
      client.pipe(hub);
    });
    sockets.add(hub);
    hub.on('close', () => sockets.delete(hub));
    const drop = () => {
      hub.destroy();
      client.destroy();
    };
    hub.on('error', drop);
    client.on('error', drop);
    client.on('close', () => hub.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    exchanges: (prefix = '') => recorded.filter((e) => e.url.startsWith(prefix)),
    clear: () => void recorded.splice(0),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
