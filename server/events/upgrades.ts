import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Role } from '../../shared/hub-api.js';

/** Handles one WebSocket upgrade request for its path; `url` is the request's, parsed. */
export type UpgradeHandler = (
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: URL,
) => void;

/**
 * A WebSocket endpoint of the hub and who may open it: the upgrade counterpart of a
 * route's `config: { access }`. Upgrades pass no route hooks, so each endpoint declares
 * its roles here and checks them itself (see registerHubSocket); the access test reads
 * the declarations back with {@link upgradeEndpoints}.
 */
export interface UpgradeEndpoint {
  path: string;
  /** Roles whose signed-in accounts may open the socket; everyone else gets 403. */
  access: readonly Role[];
}

interface UpgradeTable {
  endpoints: Map<string, UpgradeEndpoint>;
  handlers: Map<string, UpgradeHandler>;
}

const tables = new WeakMap<Server, UpgradeTable>();

/** Answers an upgrade request with a bare HTTP status and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function tableOf(server: Server): UpgradeTable {
  const existing = tables.get(server);
  if (existing) return existing;
  const table: UpgradeTable = { endpoints: new Map(), handlers: new Map() };
  tables.set(server, table);
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://hub');
    const handler = table.handlers.get(url.pathname);
    if (handler) handler(request, socket, head, url);
    else refuseUpgrade(socket, '404 Not Found');
  });
  return table;
}

/**
 * Routes the HTTP server's upgrade requests by path, so several WebSocket endpoints (the
 * seats' events, the wallboard) share one server: one listener per server, a path nobody
 * handles gets 404. Answers the function that removes the endpoint again (at shutdown).
 */
export function handleUpgrades(
  server: Server,
  endpoint: UpgradeEndpoint,
  handler: UpgradeHandler,
): () => void {
  const { path } = endpoint;
  const table = tableOf(server);
  if (table.handlers.has(path)) throw new Error(`an upgrade handler for ${path} exists already`);
  table.endpoints.set(path, endpoint);
  table.handlers.set(path, handler);
  return () => {
    table.endpoints.delete(path);
    table.handlers.delete(path);
  };
}

/** Every WebSocket endpoint the server takes upgrades for now, with its declared access. */
export function upgradeEndpoints(server: Server): UpgradeEndpoint[] {
  return [...(tables.get(server)?.endpoints.values() ?? [])];
}
