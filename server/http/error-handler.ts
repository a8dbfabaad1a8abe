import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import type { ApiError } from '../../shared/hub-api.js';
import type { Logger } from '../logger.js';
import { HttpError } from './errors.js';

function body(code: string, message: string, field?: string): ApiError {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** Fastify's own client errors, in the hub's vocabulary and in words a person can act on. */
const FASTIFY_CODES: Record<string, { code: string; message: string; field?: string }> = {
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
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'invalid_json',
    message: 'body is not valid JSON',
    field: 'body',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'invalid_request',
    message: 'the body is not as long as its Content-Length header says',
    field: 'body',
  },
  // The router's two, sent through frameworkErrors; their raw text echoes the URL, which
  // can hold a caller's number.
  FST_ERR_BAD_URL: {
    code: 'invalid_url',
    message: 'the URL path has a malformed percent-encoding',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    code: 'uri_too_long',
    message: 'a segment of the URL path is longer than the hub accepts',
  },
};

/** A status's reason phrase as a code: 405 → method_not_allowed. */
function codeOf(status: number): string {
  return (STATUS_CODES[status] ?? 'bad request').toLowerCase().replace(/[^a-z]+/g, '_');
}

/**
 * Sends any error as `{ error: { code, message, field? } }` (shared/hub-api): handlers'
 * HttpErrors as they are, Fastify's client errors mapped (an unmapped one by its status,
 * never with Fastify's own code or text), anything else a 500 that is logged with its
 * stack but shows the client nothing internal.
 */
function reply(error: FastifyError, res: FastifyReply, log: Logger, route: string): FastifyReply {
  if (error instanceof HttpError) {
    return res.status(error.statusCode).send(body(error.code, error.message, error.field));
  }
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  const status = error.statusCode ?? 500;
  if (known) return res.status(status).send(body(known.code, known.message, known.field));
  if (status >= 400 && status < 500) {
    log.debug({ err: error, route }, 'client error without a hub mapping');
    const reason = (STATUS_CODES[status] ?? 'Bad Request').toLowerCase();
    return res.status(status).send(body(codeOf(status), `the hub refused the request: ${reason}`));
  }
  log.error({ err: error, method: res.request.method, route }, 'request failed');
  return res.status(500).send(body('internal', 'the hub failed to handle the request'));
}

/**
 * Fastify options that route the errors raised before any handler runs through the same
 * shape: the router's (bad percent-encoding, an over-long path parameter) and the HTTP
 * parser's (a request that is not HTTP, or arrives too slowly).
 */
export function errorOptions(
  log: Logger,
): Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> {
  return {
    frameworkErrors: (error, _request, res) => {
      reply(error, res, log, 'no route');
    },
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => {
      if (error.code === 'ECONNRESET' || !socket.writable) return;
      const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      const status = timeout ? 408 : 400;
      const payload = JSON.stringify(
        timeout
          ? body('request_timeout', 'the request did not arrive in time')
          : body('bad_request', 'the request is not valid HTTP'),
      );
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
          'Content-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(payload)}\r\n` +
          'Connection: close\r\n\r\n' +
          payload,
      );
    },
  };
}

/** The error and not-found handlers of the app; see {@link errorOptions} for the rest. */
export function installErrorHandler(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error: FastifyError, request, res) =>
    // The route pattern, not the URL: a URL can hold a caller's number.
    reply(error, res, log, request.routeOptions.url ?? 'unknown route'),
  );

  app.setNotFoundHandler((request, res) => {
    res
      .status(404)
      .send(body('not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}
