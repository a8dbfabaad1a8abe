import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { HUB_PATHS, type Role } from '../../shared/hub-api.js';
import type { HubContext } from '../context.js';
import { handleUpgrades, refuseUpgrade as refuse } from '../events/upgrades.js';
import { sessionFor } from '../http/auth.js';
import { closeAll } from './events.js';

/** Who may watch the wallboard stream: it shows every agent and every waiting call. */
export const WALLBOARD_ACCESS: readonly Role[] = ['lead', 'admin'];

const PING_INTERVAL_MS = 30_000;

/**
 * A wallboard that cannot keep up (this much unsent) is cut rather than buffered without
 * end; it reconnects and starts again from a snapshot.
 */
export const WALLBOARD_MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * The wallboard stream (`wallboard/events?token=`, shift leads and admins): a `snapshot`
 * frame first, then coalesced `update` frames (shared/wallboard.ts) from the ACD's
 * WallboardFeed. The socket carries nothing from the wallboard but pongs and close.
 */
export function registerWallboardEvents(app: FastifyInstance, ctx: HubContext): void {
  const log = ctx.log.child({ name: 'hub.wallboard' });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const alive = new WeakSet<WebSocket>();
  let closing = false;

  const open = (ws: WebSocket, agentId: string): void => {
    alive.add(ws);
    const unsubscribe = ctx.acd.wallboard.subscribe((frame) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > WALLBOARD_MAX_BUFFERED_BYTES) {
        log.warn({ agent: agentId, buffered: ws.bufferedAmount }, 'wallboard too slow; cut');
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(frame));
    });
    ws.on('pong', () => alive.add(ws));
    ws.on('close', () => {
      unsubscribe();
      log.debug({ agent: agentId }, 'wallboard socket closed');
    });
    ws.on('error', (error) => log.warn({ agent: agentId, err: error }, 'wallboard socket error'));
    log.info({ agent: agentId, wallboards: ctx.acd.wallboard.listeners }, 'wallboard open');
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void => {
    sessionFor(ctx.store.sessions, ctx.clock, url.searchParams.get('token'))
      .then(async (auth) => {
        if (!auth) return refuse(socket, '401 Unauthorized');
        const agent = await ctx.store.agents.get(auth.agentId);
        if (!agent || !WALLBOARD_ACCESS.includes(agent.role)) {
          log.info({ agent: auth.agentId, role: agent?.role }, 'wallboard refused: role');
          return refuse(socket, '403 Forbidden');
        }
        if (closing) return refuse(socket, '503 Service Unavailable');
        wss.handleUpgrade(request, socket, head, (ws) => open(ws, auth.agentId));
      })
      .catch((error: unknown) => {
        log.error({ err: error }, 'wallboard upgrade failed');
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

  const unroute = handleUpgrades(app.server, HUB_PATHS.wallboardEvents, onUpgrade);
  app.addHook('preClose', async () => {
    closing = true;
    clearInterval(pinger);
    unroute();
    await closeAll(wss);
    log.debug('wallboard sockets closed for shutdown');
  });
}
