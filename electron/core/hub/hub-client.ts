import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  AgentStateAnswerSchema,
  ApiErrorSchema,
  CallbackListSchema,
  CallbackSchema,
  CallerHistorySchema,
  CentreOrderListSchema,
  HandoverSchema,
  HUB_PATHS,
  KbSearchResponseSchema,
  LoginResponseSchema,
  RecordingSchema,
  SessionTokensSchema,
  type AgentState,
  type AgentStateAnswer,
  type Callback,
  type CallbackResultRequestSchema,
  type CallerHistory,
  type CentreOrderList,
  type CentreOrderQuery,
  type Handover,
  type HandoverRequest,
  type KbSearchResponse,
  type LoginRequest,
  type LoginResponse,
  type Recording,
  type SEAT_NOT_READY_REASONS,
  type SessionTokens,
} from '../../../shared/hub-api.js';
import { HubOrderSchema, type HubOrder } from '../../../shared/order.js';
import {
  PullResponseSchema,
  PushResponseSchema,
  type PullResponse,
  type PushResponse,
} from '../../../shared/sync-protocol.js';
import {
  HubHttpError,
  HubProtocolError,
  HubSessionChangedError,
  HubUnreachableError,
} from './hub-errors.js';

export type FetchLike = typeof fetch;

/** The hub's answer to a handover POST: its id. */
const HandoverCreatedSchema = HandoverSchema.pick({ id: true });

export interface HubClientOptions {
  baseUrl: string;
  fetch?: FetchLike;
  log: Logger;
  /** The seat's clock (tests move it). */
  now?: () => number;
  /**
   * The hub refused to renew the session (the refresh token is used up, revoked or past
   * the shift): the seat must sign in again.
   */
  onSessionLost?: () => void;
  /** Overrides of HUB_TIMEOUTS (tests use short ones). */
  timeouts?: Partial<Record<keyof typeof HUB_TIMEOUTS, number>>;
}

/** Renew this long before the bearer token ends, so no request goes out with a stale one. */
export const RENEW_BEFORE_MS = 60_000;

interface RequestOptions<S extends z.ZodType> {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | undefined>;
  /** A JSON value, or a string that already is JSON (the sync client sizes it first). */
  body?: unknown;
  schema: S | null;
  timeoutMs: number;
  auth?: boolean;
  /**
   * Checked right before the request goes out (and again before a retry after a 401),
   * with no await in between: false throws HubSessionChangedError and sends nothing.
   */
  stillValid?: () => boolean;
}

/** Per-request time limits: a pop must not wait, a big push may. */
export const HUB_TIMEOUTS = {
  login: 10_000,
  state: 5_000,
  lookup: 2_000,
  kb: 3_000,
  push: 30_000,
  pull: 15_000,
  health: 3_000,
  session: 5_000,
  callbacks: 5_000,
  handover: 3_000,
  /** A recording's audio: up to 32 MB from the hub. */
  recording: 30_000,
  /** A lead's look at the centre's orders (a page, or one by number). */
  orders: 5_000,
} as const;

/** Why an agent is not ready, as the agent picks it at the seat. */
export type SeatNotReadyReason = (typeof SEAT_NOT_READY_REASONS)[number];

/** How a callback went, as the seat reports it (CALLBACK_OUTCOMES). */
export type CallbackOutcome = z.infer<typeof CallbackResultRequestSchema>['outcome'];

/**
 * The seat's HTTP client for the hub API (shared/hub-api.ts, shared/sync-protocol.ts).
 * The session token lives here, in memory only. Where shared/ names a path but not its
 * verb, this client uses: POST login, POST agent state, GET history and KB search (query
 * `q`, `limit`), POST push, GET pull (query `cursor`, left out on the first pull, and
 * `seatId`), GET agent state (what the ACD holds now), GET callbacks, POST the next one
 * and a result.
 *
 * It also keeps the seat's estimate of the hub's clock (hubOffsetMs): measured at sign-in
 * from the answer's hubTime, then kept within what each answer's Date header allows.
 */
export class HubClient {
  readonly baseUrl: string;
  private token: string | null = null;
  private refreshToken: string | null = null;
  /** When the bearer token ends, on the seat's clock. */
  private expiresAt = Infinity;
  private renewing: Promise<void> | null = null;
  private readonly fetchImpl: FetchLike;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly onSessionLost: () => void;
  private readonly closing = new AbortController();
  private readonly timeouts: Record<keyof typeof HUB_TIMEOUTS, number>;
  private offsetMs: number | null = null;

  constructor(options: HubClientOptions) {
    this.timeouts = { ...HUB_TIMEOUTS, ...options.timeouts };
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.onSessionLost = options.onSessionLost ?? (() => {});
  }

  get hasToken(): boolean {
    return this.token !== null;
  }

  /** The hub's clock minus the seat's, in ms, as last measured (null: never). */
  get hubOffsetMs(): number | null {
    return this.offsetMs;
  }

  /**
   * The events WebSocket address with a bearer token good for now: renewed first when it
   * is about to end (the hub checks it only when the socket opens).
   */
  async freshEventsUrl(): Promise<string | null> {
    await this.renewIfDue();
    return this.eventsUrl();
  }

  /** The events WebSocket address for the current token. */
  eventsUrl(): string | null {
    if (!this.token) return null;
    const url = new URL(HUB_PATHS.events, this.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', this.token);
    return url.toString();
  }

  /**
   * Signs in; the caller keeps the tokens with `adoptSession` once it accepts the session.
   * The answer's hubTime sets the clock offset, taken at the middle of the round trip.
   */
  async login(request: LoginRequest): Promise<LoginResponse> {
    const sentAt = this.now();
    const response = await this.request({
      method: 'POST',
      path: HUB_PATHS.login,
      body: request,
      schema: LoginResponseSchema,
      timeoutMs: this.timeouts.login,
      auth: false,
    });
    const hubTime = response.hubTime ? Date.parse(response.hubTime) : NaN;
    if (Number.isFinite(hubTime)) {
      this.offsetMs = Math.round(hubTime - (sentAt + this.now()) / 2);
    }
    return response;
  }

  /**
   * Keeps a session's tokens (from login or renewal). The bearer token is renewed with
   * the refresh token shortly before it ends, or after it ended while the seat was idle
   * or offline: the refresh token lasts the whole shift.
   *
   *   adopted --(RENEW_BEFORE_MS before expiry, or a 401)--> renewing --ok--> adopted
   *                                                              \--refused--> lost
   */
  adoptSession(tokens: SessionTokens): void {
    this.token = tokens.token;
    this.refreshToken = tokens.refreshToken;
    this.expiresAt = this.now() + tokens.expiresIn * 1000;
  }

  /** A bare bearer token, never renewed (tools and tests). */
  adoptToken(token: string): void {
    this.token = token;
    this.refreshToken = null;
    this.expiresAt = Infinity;
  }

  forgetToken(): void {
    this.token = null;
    this.refreshToken = null;
    this.expiresAt = Infinity;
  }

  /** Signs out at the hub: the bearer and refresh token are revoked, then forgotten here. */
  async signOut(): Promise<void> {
    if (!this.token) return;
    const refreshToken = this.refreshToken ?? undefined;
    try {
      await this.request({
        method: 'POST',
        path: HUB_PATHS.logout,
        body: refreshToken ? { refreshToken } : {},
        schema: null,
        timeoutMs: this.timeouts.session,
      });
    } finally {
      this.forgetToken();
    }
  }

  /** Renews now when the bearer token ends within RENEW_BEFORE_MS. */
  async renewIfDue(): Promise<void> {
    if (!this.refreshToken || this.now() < this.expiresAt - RENEW_BEFORE_MS) return;
    try {
      await this.renew();
    } catch (err) {
      // The hub is out of reach: the old token is still good for a moment, use it.
      if (this.now() >= this.expiresAt) throw err;
    }
  }

  /**
   * Trades the refresh token for a new pair, once at a time however many requests ask.
   * A refusal loses the session (onSessionLost); an unreachable hub is thrown as such,
   * and the same refresh token is tried again later.
   */
  private renew(): Promise<void> {
    this.renewing ??= this.doRenew().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async doRenew(): Promise<void> {
    const refreshToken = this.refreshToken;
    if (!refreshToken) return;
    try {
      const tokens = await this.request({
        method: 'POST',
        path: HUB_PATHS.sessionRefresh,
        body: { refreshToken },
        schema: SessionTokensSchema,
        timeoutMs: this.timeouts.session,
        auth: false,
      });
      // Signed out or in again meanwhile: this answer belongs to a session that is gone.
      if (this.refreshToken !== refreshToken) return;
      this.adoptSession(tokens);
      this.log.debug('Renewed the hub session.');
    } catch (err) {
      if (!(err instanceof HubHttpError)) throw err;
      if (this.refreshToken !== refreshToken) return;
      this.log.warn(`The hub refused to renew the session (${err.code}); sign in again.`);
      this.forgetToken();
      this.onSessionLost();
    }
  }

  /**
   * Asks for `state` (not-ready with its reason); resolves with what the hub holds after
   * the change, which is not always the state asked for (going ready may route a waiting
   * call at once: `ringing`).
   */
  setAgentState(state: AgentState, reason?: SeatNotReadyReason): Promise<AgentStateAnswer> {
    return this.request({
      method: 'POST',
      path: HUB_PATHS.agentState,
      body: reason === undefined ? { state } : { state, reason },
      schema: AgentStateAnswerSchema,
      timeoutMs: this.timeouts.state,
    });
  }

  /** The agent's state as the hub's ACD holds it now. */
  agentState(): Promise<AgentStateAnswer> {
    return this.request({
      method: 'GET',
      path: HUB_PATHS.agentState,
      schema: AgentStateAnswerSchema,
      timeoutMs: this.timeouts.state,
    });
  }

  /** The callback list of the agent's queues (a lead: all). */
  callbacks(): Promise<z.infer<typeof CallbackListSchema>> {
    return this.request({
      method: 'GET',
      path: HUB_PATHS.callbacks,
      schema: CallbackListSchema,
      timeoutMs: this.timeouts.callbacks,
    });
  }

  /** Claims the next callback; null when the hub has none (404 no-callback). */
  async callbackNext(): Promise<Callback | null> {
    try {
      return await this.request({
        method: 'POST',
        path: HUB_PATHS.callbackNext,
        schema: CallbackSchema,
        timeoutMs: this.timeouts.callbacks,
      });
    } catch (err) {
      if (err instanceof HubHttpError && err.status === 404 && err.code === 'no-callback') {
        return null;
      }
      throw err;
    }
  }

  /** Reports how a callback the agent holds went; resolves with the entry after it. */
  callbackResult(id: string, outcome: CallbackOutcome): Promise<Callback> {
    return this.request({
      method: 'POST',
      path: HUB_PATHS.callbackResult(id),
      body: { outcome },
      schema: CallbackSchema,
      timeoutMs: this.timeouts.callbacks,
    });
  }

  /** A page of the centre's orders of a day (leads, admins; the hub refuses others 403). */
  centreOrders(query: CentreOrderQuery): Promise<CentreOrderList> {
    const { limit, ...rest } = query;
    return this.request({
      method: 'GET',
      path: HUB_PATHS.orders,
      query: { ...rest, limit: limit === undefined ? undefined : String(limit) },
      schema: CentreOrderListSchema,
      timeoutMs: this.timeouts.orders,
    });
  }

  /** One order by its number; null when the hub has none (404 not_found). */
  async order(orderNo: string): Promise<HubOrder | null> {
    try {
      return await this.request({
        method: 'GET',
        path: HUB_PATHS.order(orderNo),
        schema: HubOrderSchema,
        timeoutMs: this.timeouts.orders,
      });
    } catch (err) {
      if (err instanceof HubHttpError && err.status === 404 && err.code === 'not_found') {
        return null;
      }
      throw err;
    }
  }

  callerHistory(number: string): Promise<CallerHistory> {
    return this.request({
      method: 'GET',
      path: HUB_PATHS.callerHistory(number),
      schema: CallerHistorySchema,
      timeoutMs: this.timeouts.lookup,
    });
  }

  /** Passes the draft and notes on with a call (before a transfer); answers its id. */
  sendHandover(request: HandoverRequest): Promise<{ id: string }> {
    return this.request({
      method: 'POST',
      path: HUB_PATHS.handovers,
      body: request,
      schema: HandoverCreatedSchema,
      timeoutMs: this.timeouts.handover,
    });
  }

  /**
   * The newest handover addressed to this agent, by call or caller; null when none (404
   * no-handover, or any 404: a hub older than handovers has none to give).
   */
  async handover(key: { callId: string } | { caller: string }): Promise<Handover | null> {
    try {
      return await this.request({
        method: 'GET',
        path: HUB_PATHS.handovers,
        query: 'callId' in key ? { callId: key.callId } : { caller: key.caller },
        schema: HandoverSchema,
        timeoutMs: this.timeouts.lookup,
      });
    } catch (err) {
      if (err instanceof HubHttpError && err.status === 404) return null;
      throw err;
    }
  }

  kbSearch(q: string, limit = 5): Promise<KbSearchResponse> {
    return this.request({
      method: 'GET',
      path: HUB_PATHS.kbSearch,
      query: { q, limit: String(limit) },
      schema: KbSearchResponseSchema,
      timeoutMs: this.timeouts.kb,
    });
  }

  /**
   * `body` is the serialised PushRequest; the caller has measured its bytes. `stillValid`
   * says the session the batch was read for is still the one signed in (a batch of one
   * agent's entries must never go out under the next agent's token).
   */
  push(body: string, stillValid?: () => boolean): Promise<PushResponse> {
    return this.request({
      method: 'POST',
      path: HUB_PATHS.syncPush,
      body,
      schema: PushResponseSchema,
      timeoutMs: this.timeouts.push,
      stillValid,
    });
  }

  /**
   * Orders pushed from this seat or assigned to the agent, changed after `cursor`, and
   * the KB feed after `kbCursor` (PullRequestSchema).
   */
  pull(cursor: string | null, kbCursor: string | null, seatId: string): Promise<PullResponse> {
    return this.request({
      method: 'GET',
      path: HUB_PATHS.syncPull,
      query: { cursor: cursor ?? undefined, kbCursor: kbCursor ?? undefined, seatId },
      schema: PullResponseSchema,
      timeoutMs: this.timeouts.pull,
    });
  }

  async health(): Promise<void> {
    await this.request({
      method: 'GET',
      path: HUB_PATHS.health,
      schema: null,
      timeoutMs: this.timeouts.health,
      auth: false,
    });
  }

  /** A call's recording metadata (leads, admins); null when the call has none (404). */
  async recording(callId: string): Promise<Recording | null> {
    try {
      return await this.request({
        method: 'GET',
        path: HUB_PATHS.recording(callId),
        schema: RecordingSchema,
        timeoutMs: this.timeouts.lookup,
      });
    } catch (err) {
      if (err instanceof HubHttpError && err.status === 404 && err.code === 'no-recording') {
        return null;
      }
      throw err;
    }
  }

  /**
   * A recording's audio (audio/wav). Refuses with HubProtocolError, before reading it, an
   * answer longer than `maxBytes` (by its Content-Length) or one that turns out longer.
   */
  async recordingAudio(callId: string, maxBytes: number): Promise<Buffer> {
    await this.renewIfDue();
    if (!this.token) throw new HubHttpError(401, 'not-logged-in', 'Not signed in to the hub.');
    const path = HUB_PATHS.recordingAudio(callId);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeouts.recording);
    try {
      let response: Response;
      try {
        response = await this.fetchImpl(new URL(path, this.baseUrl), {
          headers: { authorization: `Bearer ${this.token}`, accept: 'audio/wav' },
          signal: controller.signal,
        });
      } catch (err) {
        throw new HubUnreachableError(
          `The hub at ${this.baseUrl} cannot be reached (${describeNetworkError(err)}).`,
          { cause: err },
        );
      }
      if (!response.ok) {
        const text = await response.text();
        throw this.toHttpError(
          { method: 'GET', path, schema: null, timeoutMs: 0 },
          response.status,
          text,
        );
      }
      const length = Number(response.headers.get('content-length') ?? NaN);
      const tooLong = (bytes: number) =>
        new HubProtocolError(
          `The recording of call ${callId} is ${bytes} bytes, more than the ${maxBytes} ` +
            'bytes the desk plays.',
        );
      if (length > maxBytes) {
        await response.body?.cancel();
        throw tooLong(length);
      }
      const audio = Buffer.from(await response.arrayBuffer());
      if (audio.length > maxBytes) throw tooLong(audio.length);
      return audio;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Aborts every request in flight; used when the core closes. */
  close(): void {
    this.closing.abort(new Error('The seat core is closing.'));
  }

  private async request<S extends z.ZodType>(options: RequestOptions<S>): Promise<z.infer<S>> {
    if (options.auth === false) return this.send(options);
    await this.renewIfDue();
    const sentWith = this.token;
    try {
      return await this.send(options);
    } catch (err) {
      // A bearer token the hub no longer takes (a hub restore, a clock far off): renew
      // once and try again; a second 401 is the caller's to handle.
      if (!(err instanceof HubHttpError) || err.status !== 401 || !this.refreshToken) throw err;
      if (this.token === sentWith) await this.renew();
      if (!this.token) throw err;
      return this.send(options);
    }
  }

  private async send<S extends z.ZodType>(options: RequestOptions<S>): Promise<z.infer<S>> {
    const url = new URL(options.path, this.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }

    if (options.stillValid && !options.stillValid()) {
      throw new HubSessionChangedError(`The session changed before ${options.path} went out.`);
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
    const sentAt = this.now();
    // One controller per request, aborted by a plain timer or by close(). Not
    // AbortSignal.any([.., AbortSignal.timeout()]): on Node 20 the timeout signal inside
    // any() can be garbage-collected before it fires (nodejs/node#57736), and a request
    // on a stalled connection then never ends. Timer and listener go in the finally.
    const controller = new AbortController();
    const onClosing = () => controller.abort(this.closing.signal.reason);
    const timer = setTimeout(() => {
      controller.abort(new DOMException(`No answer in ${options.timeoutMs} ms.`, 'TimeoutError'));
    }, options.timeoutMs);
    if (this.closing.signal.aborted) onClosing();
    else this.closing.signal.addEventListener('abort', onClosing, { once: true });
    try {
      response = await this.fetchImpl(url, {
        method: options.method,
        headers,
        body,
        signal: controller.signal,
      });
      text = await response.text();
    } catch (err) {
      throw new HubUnreachableError(
        `The hub at ${this.baseUrl} cannot be reached (${describeNetworkError(err)}).`,
        { cause: err },
      );
    } finally {
      clearTimeout(timer);
      this.closing.signal.removeEventListener('abort', onClosing);
    }

    this.noteHubDate(response.headers.get('date'), sentAt, this.now());
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

  /**
   * Keeps the clock offset consistent with an answer's Date header (RFC 9110 §6.6.1:
   * whole seconds, when the answer was made). The hub's clock was then within
   * [date, date + 1 s), and the seat's within [sentAt, receivedAt]: an offset outside
   * what those allow is moved to the nearest value they do (the seat's clock jumped, or
   * drifted); one inside is left alone, being the finer measure.
   */
  private noteHubDate(header: string | null, sentAt: number, receivedAt: number): void {
    const date = header ? Date.parse(header) : NaN;
    if (!Number.isFinite(date) || this.offsetMs === null) return;
    const lowest = date - receivedAt;
    const highest = date + 1_000 - sentAt;
    const clamped = Math.min(Math.max(this.offsetMs, lowest), highest);
    if (clamped !== this.offsetMs) {
      this.log.info(
        { was: this.offsetMs, now: clamped },
        `The seat's clock moved against the hub's; offset now ${clamped} ms.`,
      );
      this.offsetMs = clamped;
    }
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
