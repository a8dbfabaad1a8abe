import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { EVENTS_CLOSE_SIGNED_OUT } from '../../shared/hub-api.js';
import type { HubContext } from '../context.js';
import { accountFor, type AuthContext } from '../http/auth.js';
import type { Logger } from '../logger.js';
import { handleUpgrades, refuseUpgrade as refuse, type UpgradeEndpoint } from './upgrades.js';

const PING_INTERVAL_MS = 30_000;

/** How long a client has to answer the hub's close frame before its socket is cut. */
const CLOSE_GRACE_MS = 1_000;

/** RFC 6455 §7.4.1: 1001, the endpoint is going away. Clients reconnect later. */
export const SOCKET_CLOSE_GOING_AWAY = { code: 1001, reason: 'the hub is shutting down' };

/**
 * The session the socket was opened with was signed out. A private-use code (RFC 6455
 * §7.4.2, 4000-4999), so a seat can tell it from a network loss and not reconnect with a
 * token that is gone.
 */
export const SOCKET_CLOSE_SIGNED_OUT = EVENTS_CLOSE_SIGNED_OUT;

export interface HubSocket extends UpgradeEndpoint {
  /** The log of this endpoint (`hub.events`, `hub.wallboard`). */
  log: Logger;
  /** What the endpoint is called in log lines ("seat events socket"). */
  label: string;
  /** The largest frame a client may send, in bytes; clients send little but pongs. */
  maxPayload: number;
  /** Wires a socket just opened for `auth`'s account; answers what to undo on close. */
  open(ws: WebSocket, auth: AuthContext): () => void;
}

/**
 * An authenticated hub WebSocket (`<path>?token=`), for the endpoints that push to a
 * client: the upgrade is refused 401 without a live token, 403 to an account whose role
 * the endpoint does not declare, 503 once the hub is shutting down. Open sockets are
 * pinged and cut when a ping goes unanswered; at shutdown each is told 1001 first.
 */
export function registerHubSocket(app: FastifyInstance, ctx: HubContext, spec: HubSocket): void {
  const { log, label } = spec;
  const wss = new WebSocketServer({ noServer: true, maxPayload: spec.maxPayload });
  const alive = new WeakSet<WebSocket>();
  let closing = false;

  const accept = (ws: WebSocket, auth: AuthContext): void => {
    alive.add(ws);
    const undo = spec.open(ws, auth);
    ws.on('pong', () => alive.add(ws));
    ws.on('close', () => {
      undo();
      log.debug({ agent: auth.agentId }, `${label} closed`);
    });
    ws.on('error', (error) => log.warn({ agent: auth.agentId, err: error }, `${label} error`));
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void => {
    accountFor(ctx.store, ctx.clock, url.searchParams.get('token'))
      .then((auth) => {
        if (!auth) return refuse(socket, '401 Unauthorized');
        if (!spec.access.includes(auth.role)) {
          log.info({ agent: auth.agentId, role: auth.role }, `${label} refused: role`);
          return refuse(socket, '403 Forbidden');
        }
        if (closing) return refuse(socket, '503 Service Unavailable');
        wss.handleUpgrade(request, socket, head, (ws) => accept(ws, auth));
      })
      .catch((error: unknown) => {
        log.error({ err: error }, `${label} upgrade failed`);
        refuse(socket, '500 Internal Server Error');
      });
  };

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, PING_INTERVAL_MS);
  pinger.unref();

  const unroute = handleUpgrades(app.server, spec, onUpgrade);
  // preClose, not onClose: the HTTP server's close waits for every connection, an
  // upgraded one too, and onClose runs only after it. So the sockets go first.
  app.addHook('preClose', async () => {
    closing = true;
    clearInterval(pinger);
    unroute();
    await closeAll(wss);
    log.debug(`${label}s closed for shutdown`);
  });
}

/**
 * Says goodbye to every client with 1001, waits briefly for their close frames, then cuts
 * the sockets that did not answer, so a stuck client cannot hold the hub's shutdown.
 */
async function closeAll(wss: WebSocketServer): Promise<void> {
  const closed = [...wss.clients].map(
    (ws) =>
      new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close(SOCKET_CLOSE_GOING_AWAY.code, SOCKET_CLOSE_GOING_AWAY.reason);
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
  await Promise.race([Promise.all(closed), grace]);
  clearTimeout(timer);
  for (const ws of wss.clients) ws.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}
