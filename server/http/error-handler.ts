import type { FastifyError, FastifyInstance } from 'fastify';
import type { ApiError } from '../../shared/hub-api.js';
import type { Logger } from '../logger.js';
import { HttpError } from './errors.js';

function body(code: string, message: string, field?: string): ApiError {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** Fastify's own client errors, in the hub's vocabulary. */
const FASTIFY_CODES: Record<string, { code: string; message?: string; field?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'payload_too_large',
    message: 'the request body is larger than the hub accepts; send smaller batches',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    message: 'the body must be application/json',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'invalid_request',
    message: 'body is required',
    field: 'body',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', field: 'body' },
};

/**
 * Every error leaves the hub as `{ error: { code, message, field? } }` (shared/hub-api):
 * handlers' HttpErrors as they are, Fastify's body errors mapped, anything else a 500
 * that is logged with its stack but shows the client nothing internal.
 */
export function installErrorHandler(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError) {
      return reply.status(error.statusCode).send(body(error.code, error.message, error.field));
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    const status = error.statusCode ?? 500;
    if (known || (status >= 400 && status < 500)) {
      const code = known?.code ?? (error.code ?? 'bad_request').toLowerCase();
      const message = known?.message ?? error.message;
      return reply.status(status).send(body(code, message, known?.field));
    }
    // The route pattern, not the URL: a URL can hold a caller's number.
    const route = request.routeOptions.url ?? 'unknown route';
    log.error({ err: error, method: request.method, route }, 'request failed');
    return reply.status(500).send(body('internal', 'the hub failed to handle the request'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send(body('not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}
