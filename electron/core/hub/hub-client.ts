import type { Logger } from 'pino';
import { z } from 'zod';
import {
  AgentStateRequestSchema,
  ApiErrorSchema,
  CallerHistorySchema,
  HUB_PATHS,
  KbSearchResponseSchema,
  LoginResponseSchema,
  type AgentState,
  type CallerHistory,
  type KbSearchResponse,
  type LoginRequest,
  type LoginResponse,
} from '../../../shared/hub-api.js';
import {
  PullResponseSchema,
  PushResponseSchema,
  type PullResponse,
  type PushResponse,
} from '../../../shared/sync-protocol.js';
import { HubHttpError, HubProtocolError, HubUnreachableError } from './hub-errors.js';

export type FetchLike = typeof fetch;

export interface HubClientOptions {
  baseUrl: string;
  fetch?: FetchLike;
  log: Logger;
}

interface RequestOptions<S extends z.ZodType> {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | undefined>;
  /** A JSON value, or a string that already is JSON (the sync client sizes it first). */
  body?: unknown;
  schema: S | null;
  timeoutMs: number;
  auth?: boolean;
}

/**
 * The hub's answer to an agent state change: the state its ACD holds afterwards, which is
 * not always the one asked for (going ready may route a waiting call at once: `ringing`).
 */
const AgentStateAnswerSchema = z.object({ state: AgentStateRequestSchema.shape.state });

/** Per-request time limits: a pop must not wait, a big push may. */
export const HUB_TIMEOUTS = {
  login: 10_000,
  state: 5_000,
  lookup: 2_000,
  kb: 3_000,
  push: 30_000,
  pull: 15_000,
  health: 3_000,
} as const;

/**
 * The seat's HTTP client for the hub API (shared/hub-api.ts, shared/sync-protocol.ts).
 * The session token lives here, in memory only. Where shared/ names a path but not its
 * verb, this client uses: POST login, POST agent state, GET history and KB search (query
 * `q`, `limit`), POST push, GET pull (query `cursor`, left out on the first pull, and
 * `seatId`).
 */
export class HubClient {
  readonly baseUrl: string;
  private token: string | null = null;
  private readonly fetchImpl: FetchLike;
  private readonly log: Logger;
  private readonly closing = new AbortController();

  constructor(options: HubClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
    this.log = options.log;
  }

  get hasToken(): boolean {
    return this.token !== null;
  }

  /** The events WebSocket address for the current token. */
  eventsUrl(): string | null {
    if (!this.token) return null;
    const url = new URL(HUB_PATHS.events, this.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', this.token);
    return url.toString();
  }

  /** Signs in; the caller keeps the token with `adoptToken` once it accepts the session. */
  login(request: LoginRequest): Promise<LoginResponse> {
    return this.request({
      method: 'POST',
      path: HUB_PATHS.login,
      body: request,
      schema: LoginResponseSchema,
      timeoutMs: HUB_TIMEOUTS.login,
      auth: false,
    });
  }

  adoptToken(token: string): void {
    this.token = token;
  }

  forgetToken(): void {
    this.token = null;
  }

  /** Asks for `state`; resolves with the state the hub holds after the change. */
  async setAgentState(state: AgentState): Promise<AgentState> {
    const answer = await this.request({
      method: 'POST',
      path: HUB_PATHS.agentState,
      body: { state },
      schema: AgentStateAnswerSchema,
      timeoutMs: HUB_TIMEOUTS.state,
    });
    return answer.state;
  }

  callerHistory(number: string): Promise<CallerHistory> {
    return this.request({
      method: 'GET',
      path: HUB_PATHS.callerHistory(number),
      schema: CallerHistorySchema,
      timeoutMs: HUB_TIMEOUTS.lookup,
    });
  }

  kbSearch(q: string, limit = 5): Promise<KbSearchResponse> {
    return this.request({
      method: 'GET',
      path: HUB_PATHS.kbSearch,
      query: { q, limit: String(limit) },
      schema: KbSearchResponseSchema,
      timeoutMs: HUB_TIMEOUTS.kb,
    });
  }

  /** `body` is the serialised PushRequest; the caller has measured its bytes. */
  push(body: string): Promise<PushResponse> {
    return this.request({
      method: 'POST',
      path: HUB_PATHS.syncPush,
      body,
      schema: PushResponseSchema,
      timeoutMs: HUB_TIMEOUTS.push,
    });
  }

  /** Orders pushed from this seat, changed after `cursor` (PullRequestSchema). */
  pull(cursor: string | null, seatId: string): Promise<PullResponse> {
    return this.request({
      method: 'GET',
      path: HUB_PATHS.syncPull,
      query: { cursor: cursor ?? undefined, seatId },
      schema: PullResponseSchema,
      timeoutMs: HUB_TIMEOUTS.pull,
    });
  }

  async health(): Promise<void> {
    await this.request({
      method: 'GET',
      path: HUB_PATHS.health,
      schema: null,
      timeoutMs: HUB_TIMEOUTS.health,
      auth: false,
    });
  }

  /** Aborts every request in flight; used when the core closes. */
  close(): void {
    this.closing.abort(new Error('The seat core is closing.'));
  }

  private async request<S extends z.ZodType>(options: RequestOptions<S>): Promise<z.infer<S>> {
    const url = new URL(options.path, this.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }

    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.auth !== false) {
      if (!this.token) throw new HubHttpError(401, 'not-logged-in', 'Not signed in to the hub.');
      headers.authorization = `Bearer ${this.token}`;
    }
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }

    let response: Response;
    let text: string;
    try {
      const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(options.timeoutMs)]);
      response = await this.fetchImpl(url, { method: options.method, headers, body, signal });
      text = await response.text();
    } catch (err) {
      throw new HubUnreachableError(
        `The hub at ${this.baseUrl} cannot be reached (${describeNetworkError(err)}).`,
        { cause: err },
      );
    }

    if (!response.ok) throw this.toHttpError(options, response.status, text);
    if (!options.schema) return undefined as z.infer<S>;

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new HubProtocolError(`The hub answered ${options.path} with a body that is not JSON.`);
    }
    const parsed = options.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HubProtocolError(
        `The hub's answer to ${options.path} does not match the contract ` +
          `(${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}).`,
      );
    }
    return parsed.data;
  }

  private toHttpError(options: RequestOptions<z.ZodType>, status: number, text: string): Error {
    if (status === 502 || status === 503 || status === 504) {
      return new HubUnreachableError(
        `The hub at ${this.baseUrl} is not available (HTTP ${status} for ${options.path}).`,
      );
    }
    let parsed: z.infer<typeof ApiErrorSchema> | null = null;
    try {
      const result = ApiErrorSchema.safeParse(JSON.parse(text));
      if (result.success) parsed = result.data;
    } catch {
      // Not JSON: a proxy's page or an empty body; the status says enough.
    }
    const code = parsed?.error.code ?? `http-${status}`;
    const message = parsed?.error.message ?? `The hub answered HTTP ${status} to ${options.path}.`;
    this.log.debug({ status, code, path: options.path }, `Hub refused ${options.path}: ${code}.`);
    return new HubHttpError(status, code, message, parsed?.error.field);
  }
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return 'no answer in time';
  if (err.name === 'AbortError') return 'aborted';
  const cause = err.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? err.message;
}
