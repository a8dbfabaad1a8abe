import type { FastifyInstance } from 'fastify';
import { HUB_PATHS, type HubEvent } from '../../shared/hub-api.js';
import type { HubContext } from '../context.js';
import { registerHubSocket, SOCKET_CLOSE_SIGNED_OUT } from '../events/hub-socket.js';
import { ANY_ROLE } from '../http/access.js';

/**
 * The hub events WebSocket (`events?token=`): one per seat, carrying HubEvent JSON
 * frames for that seat's agent. The first frame is the agent's current state, so a seat
 * that (re)connects, after a network loss or a hub restart, knows where it stands.
 * Any signed-in account may open it: it carries only the account's own events.
 */
export function registerEvents(app: FastifyInstance, ctx: HubContext): void {
  registerHubSocket(app, ctx, {
    path: HUB_PATHS.events,
    access: ANY_ROLE,
    log: ctx.log.child({ name: 'hub.events' }),
    label: 'seat events socket',
    maxPayload: 4096,
    open(ws, { agentId, extension }) {
      const send = (event: HubEvent): void => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
      };
      const end = (): void =>
        ws.close(SOCKET_CLOSE_SIGNED_OUT.code, SOCKET_CLOSE_SIGNED_OUT.reason);
      const unsubscribe = ctx.events.subscribe(agentId, send, { extension, end });
      ws.send(JSON.stringify({ type: 'agent.state', ...ctx.acd.statusOf(agentId) }));
      return unsubscribe;
    },
  });
}
