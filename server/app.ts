import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { HubContext } from './context.js';
import { bearerAuth } from './http/auth.js';
import { errorOptions, installErrorHandler } from './http/error-handler.js';
import { registerAgentState } from './routes/agent-state.js';
import { registerCallerHistory } from './routes/caller-history.js';
import { registerEvents } from './routes/events.js';
import { registerHealth } from './routes/health.js';
import { registerKbSearch } from './routes/kb-search.js';
import { registerLogin } from './routes/login.js';
import { registerSyncPull } from './routes/sync-pull.js';
import { registerSyncPush } from './routes/sync-push.js';

/** Default body limit: room for a full push batch (PUSH_MAX_BYTES) several times over. */
export const HUB_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Builds the hub's HTTP app on a store, an ACD and a KB, without listening, so tests can
 * drive it with app.inject. Health and login are open; everything else needs a token.
 * Request logging is off: the hub logs one line per sync batch and per call event.
 */
export async function buildApp(ctx: HubContext): Promise<FastifyInstance> {
  const httpLog = ctx.log.child({ name: 'hub.http' });
  const app = Fastify({
    // pino's Logger is what Fastify logs with; its own type is the narrower base logger.
    loggerInstance: httpLog as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.bodyLimit,
    return503OnClosing: true,
    ...errorOptions(httpLog),
  });
  app.decorateRequest('auth', null);
  installErrorHandler(app, httpLog);

  registerHealth(app, ctx);
  registerLogin(app, ctx);
  registerEvents(app, ctx);
  await app.register(async (scope) => {
    scope.addHook('onRequest', bearerAuth(ctx.store.sessions, ctx.clock));
    registerAgentState(scope, ctx);
    registerCallerHistory(scope, ctx);
    registerKbSearch(scope, ctx);
    registerSyncPush(scope, ctx);
    registerSyncPull(scope, ctx);
  });
  await app.ready();
  return app;
}
