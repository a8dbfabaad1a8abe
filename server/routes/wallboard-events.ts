import type { FastifyInstance } from 'fastify';
import { HUB_PATHS, type Role } from '../../shared/hub-api.js';
import type { HubContext } from '../context.js';
import { registerHubSocket } from '../events/hub-socket.js';

/** Who may watch the wallboard stream: it shows every agent and every waiting call. */
export const WALLBOARD_ACCESS: readonly Role[] = ['lead', 'admin'];

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
  registerHubSocket(app, ctx, {
    path: HUB_PATHS.wallboardEvents,
    access: WALLBOARD_ACCESS,
    log,
    label: 'wallboard socket',
    maxPayload: 1024,
    open(ws, { agentId }) {
      const unsubscribe = ctx.acd.wallboard.subscribe((frame) => {
        if (ws.readyState !== ws.OPEN) return;
        if (ws.bufferedAmount > WALLBOARD_MAX_BUFFERED_BYTES) {
          log.warn({ agent: agentId, buffered: ws.bufferedAmount }, 'wallboard too slow; cut');
          ws.terminate();
          return;
        }
        ws.send(JSON.stringify(frame));
      });
      log.info({ agent: agentId, wallboards: ctx.acd.wallboard.listeners }, 'wallboard open');
      return unsubscribe;
    },
  });
}
