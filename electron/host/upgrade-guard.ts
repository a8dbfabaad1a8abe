import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { WebSocketServer } from 'ws';
import type { HostGuard } from './host-guard.js';

/**
 * Whether a WebSocket upgrade may go on to the socket at `path`: its Host and Origin are
 * the seat's own (host-guard.ts, against DNS rebinding) and it asks for that path. A
 * refused upgrade is answered and ended here (421, 403, 404).
 */
export function admitUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  guard: HostGuard,
  log: Logger,
  path: string,
): boolean {
  if (!guard.hostAllowed(req.headers.host)) {
    log.warn({ host: req.headers.host }, `Refused a ${path} socket for host ${req.headers.host}.`);
    refuseUpgrade(socket, 421, 'Misdirected Request');
    return false;
  }
  if (!guard.originAllowed(req.headers.origin)) {
    log.warn(
      { origin: req.headers.origin },
      `Refused a ${path} socket from origin ${req.headers.origin}.`,
    );
    refuseUpgrade(socket, 403, 'Forbidden');
    return false;
  }
  if (upgradePath(req) !== path) {
    refuseUpgrade(socket, 404, 'Not Found');
    return false;
  }
  return true;
}

/** The path an upgrade asks for, without its query. */
export function upgradePath(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://seat.invalid').pathname;
}

export function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Closes a socket server of the seat host: every client with 1001 (going away), those that
 * do not close within a second are cut.
 */
export function closeSocketServer(wss: WebSocketServer): Promise<void> {
  for (const ws of wss.clients) ws.close(1001, 'The seat host is stopping.');
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      for (const ws of wss.clients) ws.terminate();
    }, 1000);
    wss.close(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
