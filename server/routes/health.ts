import type { FastifyInstance } from 'fastify';
import { HUB_PATHS } from '../../shared/hub-api.js';
import type { HubContext } from '../context.js';

/** Liveness for scripts and the seat's "hub reachable" light; needs no token. */
export function registerHealth(app: FastifyInstance, ctx: HubContext): void {
  app.get(
    HUB_PATHS.health,
    { config: { access: 'public', api: { summary: 'Liveness and ACD figures' } } },
    async () => ({
      status: 'ok',
      time: new Date(ctx.clock.now()).toISOString(),
      acd: ctx.acd.snapshot(),
    }),
  );
}
