import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.js';

/** Keys that could reach an object's prototype; the JSON parser refuses them. */
const POISON_KEY = /"(__proto__|constructor)"\s*:/;

export interface JsonBodyOptions {
  /** What an empty body stands for; unset, an empty body is refused ("body is required"). */
  emptyBody?: unknown;
}

/**
 * The JSON body parser of `scope`: Fastify's own (secure-json-parse, which refuses
 * `__proto__` and `constructor` keys), with that refusal named instead of answered as
 * "not valid JSON", which sent people looking for a syntax error that is not there.
 */
export function installJsonBody(scope: FastifyInstance, options: JsonBodyOptions = {}): void {
  const parse = scope.getDefaultJsonParser('error', 'error');
  // A scope may replace the parser it inherits (the sign-out route takes an empty body).
  if (scope.hasContentTypeParser('application/json')) {
    scope.removeContentTypeParser('application/json');
  }
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, raw, done) => {
    const text = raw.toString();
    if (text.length === 0 && 'emptyBody' in options)
      return done(null, structuredClone(options.emptyBody));
    parse(request, text, (error, body) => {
      const key = error ? POISON_KEY.exec(text)?.[1] : undefined;
      if (key === undefined) return done(error, body);
      done(new HttpError(400, 'invalid_request', `body: the key ${key} is not allowed`, key));
    });
  });
}
