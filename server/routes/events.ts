import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { HUB_PATHS } from '../../shared/hub-api.js';
import type { HubContext } from '../context.js';
import { handleUpgrades, refuseUpgrade as refuse } from '../events/upgrades.js';
import { sessionFor } from '../http/auth.js';

const PING_INTERVAL_MS = 30_000;

/** How long a seat has to answer the hub's close frame before its socket is cut. */
const CLOSE_GRACE_MS = 1_000;

/** RFC 6455 §7.4.1: 1001, the endpoint is going away. The seat reconnects later. */
export const EVENTS_CLOSE_GOING_AWAY = { code: 1001, reason: 'the hub is shutting down' };

/**
 * The hub events WebSocket (`events?token=`): one per seat, carrying HubEvent JSON
 * frames for that seat's agent. The first frame is the agent's current state, so a seat
 * that (re)connects, after a network loss or a hub restart, knows where it stands.
 * Dead sockets are found by ping and closed; on shutdown every seat is told 1001 first.
 */
export function registerEvents(app: FastifyInstance, ctx: HubContext): void {
  const log = ctx.log.child({ name: 'hub.events' });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const alive = new WeakSet<WebSocket>();
  let closing = false;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void => {
    sessionFor(ctx.store.sessions, ctx.clock, url.searchParams.get('token'))
      .then((auth) => {
        if (!auth) return refuse(socket, '401 Unauthorized');
        if (closing) return refuse(socket, '503 Service Unavailable');
        wss.handleUpgrade(request, socket, head, (ws) => {
          alive.add(ws);
          const unsubscribe = ctx.events.subscribe(auth.agentId, (event) => {
            if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
          });
          ws.on('pong', () => alive.add(ws));
          ws.on('close', () => {
            unsubscribe();
            log.debug({ agent: auth.agentId }, 'seat events socket closed');
          });
          ws.on('error', (error) =>
            log.warn({ agent: auth.agentId, err: error }, 'events socket error'),
          );
          ws.send(JSON.stringify({ type: 'agent.state', state: ctx.acd.stateOf(auth.agentId) }));
          log.debug({ agent: auth.agentId }, 'seat events socket open');
        });
      })
      .catch((error: unknown) => {
        log.error({ err: error }, 'events upgrade failed');
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

  const unroute = handleUpgrades(app.server, HUB_PATHS.events, onUpgrade);
  // preClose, not onClose: the HTTP server's close waits for every connection, an
  // upgraded one too, and onClose runs only after it. So the sockets go first.
  app.addHook('preClose', async () => {
    closing = true;
    clearInterval(pinger);
    unroute();
    await closeAll(wss);
    log.debug('seat events sockets closed for shutdown');
  });
}

/**
 * Says goodbye to every seat with 1001, waits briefly for their close frames, then cuts
 * the sockets that did not answer, so a stuck seat cannot hold the hub's shutdown.
 */
export async function closeAll(wss: WebSocketServer): Promise<void> {
  const closed = [...wss.clients].map(
    (ws) =>
      new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close(EVENTS_CLOSE_GOING_AWAY.code, EVENTS_CLOSE_GOING_AWAY.reason);
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
  await Promise.race([Promise.all(closed), grace]);
  clearTimeout(timer);
  for (const ws of wss.clients) ws.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}
