import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SeatCore } from '../core/index.js';
import { DeskSocket } from './desk-socket.js';
import { PHONE_LEASE_PATH } from '../../shared/phone-lease.js';
import { HostGuard } from './host-guard.js';
import { PhoneLease } from './phone-lease.js';
import { RendererFiles } from './static-files.js';
import { upgradePath } from './upgrade-guard.js';

export interface SeatHostOptions {
  core: SeatCore;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  rendererDir: string;
  /** The process's logger; the host logs under seat.host and seat.host.desk. */
  log: Logger;
  /** Browser origins besides the host's own that may open /desk (a dev server, say). */
  allowedOrigins?: readonly string[];
}

export interface SeatHost {
  /** http://host:port of the running host. */
  readonly url: string;
  readonly port: number;
  /** Stops taking connections, closes the desk sockets; the core stays open. */
  close(): Promise<void>;
}

/**
 * The seat host: the renderer for a browser and the desk API on /desk, both on one
 * node:http server, and the lease that lets one browser window at a time run the seat's
 * phone on /phone-lease (phone-lease.ts). A plain server is enough for a handful of static files and one
 * WebSocket, and keeps the upgrade path (origin check, frame limits) in our hands.
 */
export async function startSeatHost(options: SeatHostOptions): Promise<SeatHost> {
  const log = options.log.child({ category: 'seat.host' });
  const files = new RendererFiles(options.rendererDir, log);
  const guard = new HostGuard(options.host, options.allowedOrigins);
  const desk = new DeskSocket({
    core: options.core,
    log: options.log.child({ category: 'seat.host.desk' }),
    guard,
  });
  const lease = new PhoneLease({ log: options.log.child({ category: 'seat.host.phone' }), guard });

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    // A rebound name must not get the desk page either: its scripts would run as that name.
    if (!guard.hostAllowed(req.headers.host)) {
      log.warn({ host: req.headers.host }, `Refused a request for host ${req.headers.host}.`);
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('This seat host does not answer for that host name.\n');
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://seat.invalid').pathname;
    if (pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ ok: true, seatId: options.core.seatId }));
      return;
    }
    await files.serve(req, res);
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      log.error({ err, url: req.url }, `Serving ${req.url} failed.`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal error in the seat host.\n');
    });
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    // One window's phone at a time (/phone-lease); the desk API (/desk) for any window.
    if (upgradePath(req) === PHONE_LEASE_PATH) lease.handleUpgrade(req, socket, head);
    else desk.handleUpgrade(req, socket, head);
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      guard.listening((server.address() as AddressInfo).port);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${hostPart}:${port}`;

  const built = await files.checkBuilt();
  log.info(
    { url, rendererDir: options.rendererDir, rendererBuilt: built },
    `Seat host listening on ${url} (desk API on ${url.replace(/^http/, 'ws')}/desk).`,
  );

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.all([desk.close(), lease.close()]);
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), 2000);
        await stopped;
        clearTimeout(timer);
        log.info(`Seat host on ${url} stopped.`);
      })();
      return closing;
    },
  };
}
