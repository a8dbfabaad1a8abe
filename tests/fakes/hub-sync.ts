/**
 * A small in-process hub for seat tests: login, agent state, caller history, KB search,
 * the sync push/pull protocol and the events WebSocket, all on node:http and faithful to
 * shared/hub-api.ts and shared/sync-protocol.ts (schemas checked on the way in, ApiError
 * bodies on the way out, 413 above the body limit, each mutation id applied once).
 *
 * It can be taken down and brought back on the same port, lose the answer to a push
 * after applying it, reject chosen mutations, and be "restored from an older backup"
 * (pull cursors ahead of it get 409 cursor_ahead, like the real hub), which is what the
 * sync tests need. Each order remembers the agent whose session pushed its create.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { z } from 'zod';
import {
  HUB_PATHS,
  LoginRequestSchema,
  AgentStateRequestSchema,
  type AgentState,
  type CallerHistory,
  type HubEvent,
  type KbHit,
  type LoginResponse,
} from '../../shared/hub-api.js';
import type { HubOrder, OrderInput } from '../../shared/order.js';
import {
  PullRequestSchema,
  PushRequestSchema,
  SYNC_PROTOCOL_VERSION,
  type Mutation,
  type MutationResult,
  type PullResponse,
  type PushResponse,
} from '../../shared/sync-protocol.js';

export interface FakeHubOptions {
  /** Body limit of the hub; a bigger request is answered 413. */
  bodyLimitBytes?: number;
  /** Reason to reject a mutation with (code `invalid`), or null to apply it. */
  rejectMutation?: (mutation: Mutation) => string | null;
  /**
   * A rule beyond the schema that refuses a whole push with 400, naming the field of the
   * first offending mutation (a retired category, say) or, with `field: null`, naming
   * nothing; null lets the push through.
   */
  refusePush?: (mutation: Mutation) => { field: string | null; message: string } | null;
  kbHits?: (q: string) => KbHit[];
  password?: string;
  /**
   * The state the hub's ACD holds after a seat asks for `requested`, which the hub answers;
   * by default the one asked for. The real hub answers `ringing` to `ready` when it routes
   * a queued call at once.
   */
  stateAfter?: (requested: AgentState) => AgentState;
}

/** A pull as the fake read it, with how it answered. */
export interface PullRecord {
  cursor: string;
  kbCursor: string;
  status: number;
}

export interface PushRecord {
  status: number;
  bytes: number;
  mutations: number;
}

export interface FakeHub {
  readonly url: string;
  readonly port: number;
  /** Orders the hub holds, by order number, with the agent whose session created each. */
  readonly orders: Map<string, FakeHubOrder>;
  /** How often each mutation id arrived in a push that was read. */
  readonly received: Map<string, number>;
  readonly pushes: PushRecord[];
  readonly pulls: PullRecord[];
  readonly stateReports: AgentState[];
  readonly kbQueries: string[];
  /** Every request, as `METHOD /path` (no query). */
  readonly requests: string[];
  /** Extra history per normalised number, merged with the orders above. */
  readonly history: Map<string, Partial<CallerHistory>>;
  /** Store keys handed out at sign-in, by seat id (LoginRequest.dataKeyFor). */
  readonly dataKeys: Map<string, string>;
  /** Applies the next n pushes, then drops the connection instead of answering. */
  loseNextAnswers(n: number): void;
  /** Makes every token invalid (the next call gets 401). */
  revokeTokens(): void;
  /** A copy of what the hub holds now: orders, mutation ids, counters. */
  backup(): FakeHubBackup;
  /**
   * The hub goes back to an older backup: later orders, edits and mutation ids are gone,
   * the order version and the KB feed's end are back where they were. A pull with a
   * cursor past either is answered 409 cursor_ahead, as by the real hub.
   */
  restore(backup: FakeHubBackup): void;
  /** Moves the KB feed's end (the fake's feed has no items, only its cursor). */
  setKbCursor(kbCursor: number): void;
  /** An edit made at the hub (a lead, a unit): the order gets a new version. */
  editAtHub(orderNo: string, changes: Partial<OrderInput>): void;
  emit(event: HubEvent): void;
  readonly eventClients: number;
  /** The hub goes away: listener and connections closed. */
  stop(): Promise<void>;
  /** Back on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export type FakeHubOrder = HubOrder & { seatId: string; mutationId: string; agentId: string };

export interface FakeHubBackup {
  readonly orders: ReadonlyMap<string, FakeHubOrder>;
  readonly byMutation: ReadonlyMap<string, string>;
  readonly version: number;
  readonly kbHead: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export async function startFakeHub(options: FakeHubOptions = {}): Promise<FakeHub> {
  const bodyLimit = options.bodyLimitBytes ?? 32 * 1024 * 1024;
  const orders = new Map<string, FakeHubOrder>();
  const byMutation = new Map<string, string>();
  const received = new Map<string, number>();
  const pushes: PushRecord[] = [];
  const pulls: PullRecord[] = [];
  const stateReports: AgentState[] = [];
  const kbQueries: string[] = [];
  const requests: string[] = [];
  const history = new Map<string, Partial<CallerHistory>>();
  const dataKeys = new Map<string, string>();
  /** Token -> the agent it was issued to. */
  let tokens = new Map<string, string>();
  let version = 0;
  let kbHead = 0;
  let loseAnswers = 0;
  let port = 0;
  let server: Server | null = null;
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();

  /** Answers the agent the request's token belongs to. */
  const authorize = (req: IncomingMessage): string => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const agentId = token ? tokens.get(token) : undefined;
    if (!agentId) throw new HttpError(401, 'unauthorized', 'Sign in first.');
    return agentId;
  };

  const readBody = async (req: IncomingMessage): Promise<{ text: string; bytes: number }> => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes <= bodyLimit) chunks.push(chunk);
    }
    return { text: Buffer.concat(chunks).toString('utf8'), bytes };
  };

  const parseJson = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw new HttpError(400, 'bad-json', 'The body is not JSON.');
    }
  };

  const check = <S extends z.ZodType>(schema: S, value: unknown): z.infer<S> => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    throw new HttpError(400, 'bad-request', `${field}: ${issue?.message}`, field || undefined);
  };

  const findOrder = (ref: { orderNo: string } | { clientOrderId: string }) =>
    'orderNo' in ref
      ? orders.get(ref.orderNo)
      : [...orders.values()].find((o) => o.clientOrderId === ref.clientOrderId);

  /**
   * Protocol v2, simply: creates and edits are applied as they come (the fake finds no
   * conflicts: the conflict rule is the real hub's, tested against it); a decision on a
   * conflict is refused, there being none.
   */
  const apply = (mutation: Mutation, seatId: string, agentId: string): MutationResult => {
    received.set(mutation.id, (received.get(mutation.id) ?? 0) + 1);
    const known = byMutation.get(mutation.id);
    const existing = known ? orders.get(known) : undefined;
    if (existing) {
      return {
        id: mutation.id,
        status: 'duplicate',
        orderNo: existing.orderNo,
        version: existing.version,
      };
    }
    const reason = options.rejectMutation?.(mutation) ?? null;
    if (reason) return { id: mutation.id, status: 'rejected', code: 'invalid', reason };

    if (mutation.name === 'conflict.resolve') {
      return {
        id: mutation.id,
        status: 'rejected',
        code: 'unknown-conflict',
        reason: `No open conflict ${mutation.conflictId}.`,
      };
    }
    if (mutation.name === 'order.update') {
      const order = findOrder(mutation.order);
      if (!order) {
        return {
          id: mutation.id,
          status: 'rejected',
          code: 'unknown-order',
          reason: 'No such order.',
        };
      }
      if (mutation.baseVersion !== null && mutation.baseVersion > order.version) {
        // As the real hub: an edit based on a version this hub never had (it was restored).
        return {
          id: mutation.id,
          status: 'rejected',
          code: 'invalid',
          reason: `baseVersion ${mutation.baseVersion} is ahead of the order's ${order.version}.`,
        };
      }
      Object.assign(order, mutation.changes, { version: ++version });
      byMutation.set(mutation.id, order.orderNo);
      return { id: mutation.id, status: 'applied', orderNo: order.orderNo, version };
    }

    version++;
    const orderNo = `DG20261204${String(version).padStart(6, '0')}`;
    const now = new Date().toISOString();
    orders.set(orderNo, {
      orderNo,
      clientOrderId: mutation.clientOrderId,
      type: mutation.args.type,
      category: mutation.args.category,
      territory: mutation.args.territory,
      summary: mutation.args.summary,
      citizenName: mutation.args.citizenName,
      citizenAddress: mutation.args.citizenAddress,
      callerNumber: mutation.args.callerNumber,
      state: 'created',
      createdAt: now,
      deadline: null,
      lastReply: null,
      assignedTo: null,
      version,
      seatId,
      mutationId: mutation.id,
      agentId,
    });
    byMutation.set(mutation.id, orderNo);
    return { id: mutation.id, status: 'applied', orderNo, version };
  };

  const route = async (req: IncomingMessage): Promise<unknown> => {
    const url = new URL(req.url ?? '/', 'http://hub.invalid');
    const method = req.method ?? 'GET';
    requests.push(`${method} ${url.pathname}`);

    if (method === 'GET' && url.pathname === HUB_PATHS.health) return { ok: true };

    if (method === 'POST' && url.pathname === HUB_PATHS.login) {
      const body = check(LoginRequestSchema, parseJson((await readBody(req)).text));
      if (body.password !== (options.password ?? 'secret')) {
        throw new HttpError(401, 'bad-credentials', 'Wrong account or password.');
      }
      const token = randomUUID();
      tokens.set(token, `agent-${body.account}`);
      let dataKey: string | undefined;
      if (body.dataKeyFor) {
        dataKey = dataKeys.get(body.dataKeyFor) ?? randomBytes(32).toString('base64url');
        dataKeys.set(body.dataKeyFor, dataKey);
      }
      const response: LoginResponse = {
        dataKey,
        hubTime: new Date().toISOString(),
        token,
        // The fake has no renewal route: its tokens last the test.
        expiresIn: 15 * 60,
        refreshToken: randomUUID(),
        shiftEndsAt: new Date(Date.now() + 12 * 60 * 60 * 1000).toISOString(),
        agent: {
          id: `agent-${body.account}`,
          account: body.account,
          name: '测试坐席',
          role: 'agent',
          extension: body.extension,
          queues: ['general'],
        },
        sip: {
          wsUrl: 'ws://127.0.0.1:8080',
          domain: '127.0.0.1',
          user: body.extension,
          password: 'sip-secret',
          displayName: body.extension,
        },
      };
      return response;
    }

    const agentId = authorize(req);

    if (method === 'POST' && url.pathname === HUB_PATHS.agentState) {
      const body = check(AgentStateRequestSchema, parseJson((await readBody(req)).text));
      stateReports.push(body.state);
      return { state: options.stateAfter?.(body.state) ?? body.state };
    }

    const historyMatch = /^\/api\/v1\/callers\/([^/]+)\/history$/.exec(url.pathname);
    if (method === 'GET' && historyMatch?.[1]) {
      const number = decodeURIComponent(historyMatch[1]);
      const own = [...orders.values()]
        .filter((o) => o.callerNumber === number)
        .map(({ seatId: _s, mutationId: _m, agentId: _a, ...order }) => order);
      const extra = history.get(number) ?? {};
      const result: CallerHistory = {
        number,
        orders: [...(extra.orders ?? []), ...own],
        calls: extra.calls ?? [],
        total: (extra.orders?.length ?? 0) + own.length,
      };
      return result;
    }

    if (method === 'GET' && url.pathname === HUB_PATHS.kbSearch) {
      const q = url.searchParams.get('q') ?? '';
      kbQueries.push(q);
      const hits = options.kbHits?.(q) ?? [
        {
          id: 'kb-1',
          title: `${q} 办理指南`,
          category: 'other',
          snippet: `关于${q}的说明`,
          answer: `${q}：请携带身份证件到就近的政务服务中心办理。`,
          score: 1,
        },
      ];
      return { query: q, hits, confident: hits.length > 0 };
    }

    if (method === 'POST' && url.pathname === HUB_PATHS.syncPush) {
      const { text, bytes } = await readBody(req);
      if (bytes > bodyLimit) {
        pushes.push({ status: 413, bytes, mutations: -1 });
        throw new HttpError(413, 'body-too-large', `The body exceeds ${bodyLimit} bytes.`);
      }
      const body = check(PushRequestSchema, parseJson(text));
      body.mutations.forEach((m, i) => {
        const refusal = options.refusePush?.(m);
        if (refusal) {
          pushes.push({ status: 400, bytes, mutations: body.mutations.length });
          if (refusal.field === null) throw new HttpError(400, 'bad-request', refusal.message);
          const field = `mutations.${i}.args.${refusal.field}`;
          throw new HttpError(400, 'bad-request', `${field}: ${refusal.message}`, field);
        }
      });
      pushes.push({ status: 200, bytes, mutations: body.mutations.length });
      const response: PushResponse = {
        protocol: SYNC_PROTOCOL_VERSION,
        results: body.mutations.map((m) => apply(m, body.seatId, agentId)),
      };
      if (loseAnswers > 0) {
        loseAnswers--;
        req.socket.destroy();
        return undefined;
      }
      return response;
    }

    if (method === 'GET' && url.pathname === HUB_PATHS.syncPull) {
      const query = check(PullRequestSchema, Object.fromEntries(url.searchParams));
      const after = Number(query.cursor);
      const ahead =
        after > version ? 'cursor' : Number(query.kbCursor) > kbHead ? 'kbCursor' : null;
      pulls.push({
        cursor: query.cursor,
        kbCursor: query.kbCursor,
        status: ahead ? 409 : 200,
      });
      if (ahead) {
        throw new HttpError(
          409,
          'cursor_ahead',
          `${ahead} is ahead of this hub's latest change: pull again from 0`,
          ahead,
        );
      }
      const changed = [...orders.values()]
        .filter((o) => o.version > after && (!query.seatId || o.seatId === query.seatId))
        .sort((a, b) => a.version - b.version);
      const page = changed.slice(0, query.limit);
      const response: PullResponse = {
        protocol: SYNC_PROTOCOL_VERSION,
        cursor: String(page.at(-1)?.version ?? after),
        orders: page.map(({ seatId: _s, mutationId: _m, agentId: _a, ...order }) => order),
        conflicts: [],
        // The fake's KB feed has no items, only its end.
        kbCursor: String(kbHead),
        kb: [],
        hasMore: changed.length > page.length,
      };
      return response;
    }

    throw new HttpError(404, 'not-found', `No route ${method} ${url.pathname}.`);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    route(req).then(
      (body) => {
        if (res.destroyed || req.socket.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body ?? {}));
      },
      (err: unknown) => {
        if (res.destroyed) return;
        const e = err instanceof HttpError ? err : new HttpError(500, 'internal', String(err));
        res.writeHead(e.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: e.code, message: e.message, field: e.field } }));
      },
    );
  };

  const listen = async () => {
    const s = createServer(onRequest);
    s.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://hub.invalid');
      const token = url.searchParams.get('token') ?? '';
      if (url.pathname !== HUB_PATHS.events || !tokens.has(token)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
      });
    });
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
    port = (s.address() as AddressInfo).port;
    server = s;
  };

  const stop = async () => {
    const s = server;
    server = null;
    if (!s) return;
    for (const ws of sockets) ws.terminate();
    sockets.clear();
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  };

  await listen();

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    orders,
    received,
    pushes,
    pulls,
    stateReports,
    kbQueries,
    requests,
    history,
    dataKeys,
    loseNextAnswers(n) {
      loseAnswers = n;
    },
    revokeTokens() {
      tokens = new Map();
    },
    backup() {
      return {
        orders: new Map([...orders].map(([no, order]) => [no, structuredClone(order)])),
        byMutation: new Map(byMutation),
        version,
        kbHead,
      };
    },
    restore(backup) {
      orders.clear();
      for (const [no, order] of backup.orders) orders.set(no, structuredClone(order));
      byMutation.clear();
      for (const [id, no] of backup.byMutation) byMutation.set(id, no);
      version = backup.version;
      kbHead = backup.kbHead;
    },
    setKbCursor(kbCursor) {
      kbHead = kbCursor;
    },
    editAtHub(orderNo, changes) {
      const order = orders.get(orderNo);
      if (!order) throw new Error(`The fake hub has no order ${orderNo}.`);
      Object.assign(order, changes, { version: ++version });
    },
    emit(event) {
      for (const ws of sockets) ws.send(JSON.stringify(event));
    },
    get eventClients() {
      return sockets.size;
    },
    stop,
    start: listen,
    async close() {
      await stop();
      wss.close();
    },
  };
}

/** A valid order as the agent would type it; override what the test is about. */
export function sampleOrderInput(overrides: Partial<OrderInput> = {}): OrderInput {
  return {
    type: 'complaint',
    category: 'noise',
    territory: 'NC',
    summary: '晚上十一点后工地仍在施工，噪音很大，影响休息。',
    citizenName: '李女士',
    citizenAddress: '南城街道某小区3栋',
    callerNumber: '13800138000',
    ...overrides,
  };
}
