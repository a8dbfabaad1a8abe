import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { HubContext } from './context.js';
import { enforceAccess, requireDeclaredAccess } from './http/access.js';
import { errorOptions, installErrorHandler } from './http/error-handler.js';
import { installJsonBody } from './http/json-body.js';
import { RouteCatalog, validateInput } from './http/openapi.js';
import { registerAgentState } from './routes/agent-state.js';
import { registerAudit } from './routes/audit.js';
import { registerCallbacks } from './routes/callbacks.js';
import { registerCallerHistory } from './routes/caller-history.js';
import { registerEvents } from './routes/events.js';
import { registerHandovers } from './routes/handovers.js';
import { registerHealth } from './routes/health.js';
import { registerKbArticles } from './routes/kb-articles.js';
import { registerKbSearch } from './routes/kb-search.js';
import { registerLogin } from './routes/login.js';
import { registerOpenApi } from './routes/openapi.js';
import { registerOrder } from './routes/order.js';
import { registerOrderChanges } from './routes/order-changes.js';
import { registerRecordings } from './routes/recordings.js';
import { registerSession } from './routes/session.js';
import { registerSyncPull } from './routes/sync-pull.js';
import { registerSyncPush } from './routes/sync-push.js';
import { registerWallboardEvents } from './routes/wallboard-events.js';

/** The largest body a route takes: a full push batch (PUSH_MAX_BYTES) several times over. */
export const HUB_BODY_LIMIT = 4 * 1024 * 1024;

/** The body limit of routes that set none: room for a KB article, not for a push batch. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app registered, with its access and schemas (tests, OpenAPI). */
    readonly routeCatalog: RouteCatalog;
  }
}

/**
 * Builds the hub's HTTP app on a store, an ACD and a KB, without listening, so tests can
 * drive it with app.inject. Every route declares `config: { access, api }`: the access
 * hook checks the token and role (401/403) before anything else, the input hook validates
 * params, query and body against the route's schemas (400 naming the field), and the
 * route catalog describes the same routes at HUB_PATHS.openapi. A route without an access
 * declaration stops the hub from starting.
 * Request logging is off: the hub logs one line per sync batch and per call event.
 */
export async function buildApp(ctx: HubContext): Promise<FastifyInstance> {
  const httpLog = ctx.log.child({ name: 'hub.http' });
  const app = Fastify({
    // pino's Logger is what Fastify logs with; its own type is the narrower base logger.
    loggerInstance: httpLog as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: Math.min(DEFAULT_BODY_LIMIT, ctx.bodyLimit),
    return503OnClosing: true,
    ...errorOptions(httpLog),
  });
  app.decorateRequest('auth', null);
  installErrorHandler(app, httpLog);
  installJsonBody(app);

  // Before any route registers: the hooks see every route, plugins' ones too.
  const catalog = new RouteCatalog();
  requireDeclaredAccess(app);
  catalog.collect(app);
  app.decorate('routeCatalog', catalog);
  app.addHook('onRequest', enforceAccess(ctx.store, ctx.clock));
  app.addHook('preValidation', validateInput);
  endKeepAliveOnClose(app);

  registerHealth(app, ctx);
  registerLogin(app, ctx);
  registerSession(app, ctx);
  registerOpenApi(app, catalog);
  registerEvents(app, ctx);
  registerWallboardEvents(app, ctx);
  registerAgentState(app, ctx);
  registerCallbacks(app, ctx);
  registerCallerHistory(app, ctx);
  registerHandovers(app, ctx);
  registerKbSearch(app, ctx);
  registerKbArticles(app, ctx);
  registerSyncPush(app, ctx);
  registerSyncPull(app, ctx);
  registerOrder(app, ctx);
  registerOrderChanges(app, ctx);
  registerAudit(app, ctx);
  registerRecordings(app, ctx);
  await app.ready();
  return app;
}

/**
 * Lets the hub's close end with requests in flight. The HTTP server's close() shuts the
 * connections idle at that moment, and Fastify answers the requests that arrive during
 * the close with `Connection: close`; but a request that came before the close and is
 * answered after it (a seat's sync push still at the store) is answered keep-alive, and
 * its connection then sits idle and open for keepAliveTimeout (72 s), app.close() with
 * it. Seats keep such connections (undici) and have a request out at any time, so every
 * response sent once the close has begun says `Connection: close`: Node ends the
 * connection when the response is out.
 */
function endKeepAliveOnClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}
