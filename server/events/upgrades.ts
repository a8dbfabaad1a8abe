import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Handles one WebSocket upgrade request for its path; `url` is the request's, parsed. */
export type UpgradeHandler = (
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: URL,
) => void;

const tables = new WeakMap<Server, Map<string, UpgradeHandler>>();

/** Answers an upgrade request with a bare HTTP status and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Routes the HTTP server's upgrade requests by path, so several WebSocket endpoints (the
 * seats' events, the wallboard) share one server: one listener per server, a path nobody
 * handles gets 404. Answers the function that removes `path` again (at shutdown).
 */
export function handleUpgrades(server: Server, path: string, handler: UpgradeHandler): () => void {
  let table = tables.get(server);
  if (!table) {
    const routes = new Map<string, UpgradeHandler>();
    table = routes;
    tables.set(server, routes);
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(request.url ?? '/', 'http://hub');
      const route = routes.get(url.pathname);
      if (route) route(request, socket, head, url);
      else refuseUpgrade(socket, '404 Not Found');
    });
  }
  if (table.has(path)) throw new Error(`an upgrade handler for ${path} exists already`);
  table.set(path, handler);
  const routes = table;
  return () => {
    routes.delete(path);
  };
}
