import type { FastifyInstance } from 'fastify';
import { HUB_PATHS } from '../../shared/hub-api.js';
import type { RouteCatalog } from '../http/openapi.js';

export const API_INFO = {
  title: 'Hotline Desk hub API',
  version: '1',
  description:
    'The hub of the Hotline Desk agent desktop: sign-in, agent state, caller history, ' +
    'knowledge base, order sync and audit. Generated from the routes’ zod schemas; ' +
    'errors are `{ error: { code, message, field? } }`.',
};

/** The OpenAPI 3.1 document of every route the app registered; public. */
export function registerOpenApi(app: FastifyInstance, catalog: RouteCatalog): void {
  let document: unknown = null;
  app.get(
    HUB_PATHS.openapi,
    { config: { access: 'public', api: { summary: 'This API, described in OpenAPI 3.1' } } },
    async () => (document ??= catalog.document(API_INFO)),
  );
}
