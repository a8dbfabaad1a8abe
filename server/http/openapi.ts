import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiErrorSchema } from '../../shared/hub-api.js';
import type { RouteAccess } from './access.js';
import { HttpError, parseOrThrow } from './errors.js';

/**
 * What a route tells the world about itself, next to its access: `config: { access, api }`.
 * The same zod schemas validate the request (validateInput, before the handler runs)
 * and describe it in the OpenAPI document (RouteCatalog), so the two cannot drift.
 */
export interface RouteApi {
  summary: string;
  description?: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The 200 answer. */
  response?: z.ZodType;
  /** Error statuses beyond the ones every route may answer (400, 401, 403). */
  errors?: readonly number[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    api?: RouteApi;
  }
}

/** A route as registered, with its declarations. */
export interface CatalogRoute {
  method: string;
  url: string;
  access: RouteAccess | undefined;
  api: RouteApi | undefined;
}

const EMPTY = z.strictObject({});

/**
 * preValidation hook: parses params, query and body with the route's schemas and puts
 * the parsed values (defaults filled, numbers coerced) in their place, or answers 400
 * naming the field. A route that declares no query schema accepts no query string; one
 * without a body schema accepts no body. Routes without `api` are left to their handler.
 */
export async function validateInput(request: FastifyRequest): Promise<void> {
  const api = request.routeOptions.config.api;
  if (!api) return;
  request.params = parseOrThrow(
    api.params ?? z.record(z.string(), z.string()),
    request.params,
    'params',
  );
  request.query = parseOrThrow(api.query ?? EMPTY, request.query ?? {}, 'query');
  if (api.body) {
    request.body = parseOrThrow(api.body, request.body);
  } else if (request.body !== undefined && request.body !== null) {
    throw new HttpError(400, 'invalid_request', 'body: this route takes no body', 'body');
  }
}

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

const ERROR_TEXT: Record<number, string> = {
  400: 'The request is invalid; `error.field` names the first offending field.',
  401: 'No valid bearer token.',
  403: 'The account lacks the role the route needs; the message names it.',
  404: 'Not found.',
  409: 'Conflicts with the current state.',
  413: 'The body is larger than this route accepts.',
  429: 'Too many attempts; wait for Retry-After seconds.',
};

function accessText(access: RouteAccess | undefined): string {
  if (access === 'public') return 'Public: no token needed.';
  if (access === undefined) return 'Declares no access (refused).';
  return `Roles: ${access.join(', ')}.`;
}

function operation(route: CatalogRoute): JsonSchema {
  const { api, access } = route;
  const isPublic = access === 'public';
  const errors = new Set<number>(api?.errors ?? []);
  if (api?.params || api?.query || api?.body) errors.add(400);
  if (!isPublic) [401, 403].forEach((status) => errors.add(status));
  const responses: Record<string, JsonSchema> = {
    200: {
      description: 'OK',
      ...(api?.response
        ? { content: { 'application/json': { schema: jsonSchema(api.response, 'output') } } }
        : {}),
    },
  };
  for (const status of [...errors].sort()) {
    responses[status] = {
      description: ERROR_TEXT[status] ?? 'Error.',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
    };
  }
  const params = [...parameters(api?.params, 'path'), ...parameters(api?.query, 'query')];
  return {
    summary: api?.summary ?? 'Undocumented route',
    description: [api?.description, accessText(access)].filter(Boolean).join('\n\n'),
    ...(isPublic ? { security: [] } : {}),
    'x-roles': isPublic ? [] : (access ?? []),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(api?.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(api.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/** Collects the routes an app registers (call before they register) and describes them. */
export class RouteCatalog {
  private readonly collected: CatalogRoute[] = [];

  collect(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method === 'HEAD') continue;
        const config = route.config as { access?: RouteAccess; api?: RouteApi } | undefined;
        this.collected.push({ method, url: route.url, access: config?.access, api: config?.api });
      }
    });
  }

  get routes(): readonly CatalogRoute[] {
    return this.collected;
  }

  /** The OpenAPI 3.1 document; stable for the same routes (paths and methods sorted). */
  document(info: { title: string; version: string; description: string }): JsonSchema {
    const paths: Record<string, Record<string, JsonSchema>> = {};
    const sorted = [...this.collected].sort(
      (a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method),
    );
    for (const route of sorted) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
    }
    return {
      openapi: '3.1.0',
      info,
      security: [{ bearer: [] }],
      paths,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'The token of a sign-in.' },
        },
        schemas: { ApiError: jsonSchema(ApiErrorSchema, 'output') },
      },
    };
  }
}
