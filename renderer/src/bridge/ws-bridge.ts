import {
  DeskCallError,
  type DeskBridge,
  type DeskEvent,
  type DeskEventPayload,
  type DeskMethod,
  type DeskParams,
  type DeskRequestFrame,
  type DeskResult,
} from '../../../shared/desk-api';
import { Backoff } from '../lib/backoff';
import { createLogger, describeError } from '../lib/log';
import { DeskEventHub, errorFromFrame, parseResult } from './desk-frames';
import { markPop } from './pop-marks';
import { SeatUnreachableError } from './errors';

const log = createLogger('seat.ui.bridge');

/** The part of the WebSocket API the bridge uses: the browser's, or `ws` in tests. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export interface WsBridgeOptions {
  url: string;
  /** Defaults to the browser's WebSocket. */
  createSocket?: WebSocketFactory;
  /** How long a call waits for the socket to open before it fails. */
  connectWaitMs?: number;
  /** How long a sent call waits for its answer. */
  callTimeoutMs?: number;
  minRetryMs?: number;
  maxRetryMs?: number;
}

/**
 * State of the link to the seat host.
 *
 *   connecting ──open──▶ open ──socket closed──▶ connecting (after a backoff delay)
 *        │                                              ▲
 *        └────────────────failed to open───────────────┘
 *   any ──close()──▶ closed (final)
 */
export type LinkState = 'connecting' | 'open' | 'closed';

interface Pending {
  method: DeskMethod;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;

/**
 * The desk API over the seat host's WebSocket (`/desk`), for a renderer that runs in a
 * browser rather than in Electron. Each request carries an id; answers settle the pending
 * call of that id; frames without an id are events. The link reconnects by itself; calls
 * in flight when it drops fail with SeatUnreachableError, since the core may or may not
 * have acted on them (the UI says so rather than retrying a save twice).
 */
export class WsDeskBridge implements DeskBridge {
  private readonly options: Required<WsBridgeOptions>;
  private readonly backoff: Backoff;
  private readonly pending = new Map<number, Pending>();
  private readonly events = new DeskEventHub();
  private readonly linkListeners = new Set<(state: LinkState) => void>();
  private readonly openWaiters = new Set<() => void>();
  private socket: WebSocketLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private nextId = 1;
  private state: LinkState = 'connecting';

  constructor(options: WsBridgeOptions) {
    this.options = {
      createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
      connectWaitMs: 4000,
      callTimeoutMs: 20_000,
      minRetryMs: 250,
      maxRetryMs: 10_000,
      ...options,
    };
    this.backoff = new Backoff(this.options.minRetryMs, this.options.maxRetryMs);
    this.connect();
  }

  get link(): LinkState {
    return this.state;
  }

  /** Listens to link changes; returns a function that removes the listener. */
  onLink(listener: (state: LinkState) => void): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  async call<M extends DeskMethod>(method: M, params: DeskParams<M>): Promise<DeskResult<M>> {
    await this.whenOpen(method);
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) {
      throw new SeatUnreachableError(`The seat host link closed before ${method} was sent.`);
    }

    const id = this.nextId++;
    const frame: DeskRequestFrame = { id, method, params };
    const result = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new DeskCallError('internal', `No answer to ${method} #${id} in time.`));
      }, this.options.callTimeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      socket.send(JSON.stringify(frame));
    });

    return parseResult(method, result, `${method} #${id}`);
  }

  on<E extends DeskEvent>(event: E, listener: (payload: DeskEventPayload<E>) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Closes the link for good and fails whatever is still waiting. */
  close(): void {
    this.setState('closed');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'renderer closed the bridge');
    this.failPending('The desk bridge was closed.');
    for (const wake of this.openWaiters) wake();
  }

  private connect(): void {
    if (this.state === 'closed') return;
    this.setState('connecting');
    let socket: WebSocketLike;
    try {
      socket = this.options.createSocket(this.options.url);
    } catch (error) {
      log.error(`Cannot open ${this.options.url}: ${describeError(error)}.`);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;

    socket.onopen = () => {
      if (this.socket !== socket) return;
      log.info(`Link to ${this.options.url} is open.`);
      this.backoff.reset();
      this.setState('open');
      for (const wake of this.openWaiters) wake();
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onerror = () => {
      // The close event follows and carries the reconnect; nothing to add here.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failPending('The link to the seat host dropped before the answer came.');
      if (this.state !== 'closed') this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.state === 'closed') return;
    this.setState('connecting');
    const delay = this.backoff.next();
    log.warn(`Link to ${this.options.url} is down; next try in ${delay} ms.`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private whenOpen(method: DeskMethod): Promise<void> {
    if (this.state === 'open') return Promise.resolve();
    if (this.state === 'closed') {
      return Promise.reject(new SeatUnreachableError(`The desk bridge is closed (${method}).`));
    }
    return new Promise((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        this.openWaiters.delete(wake);
        if (this.state === 'open') resolve();
        else reject(new SeatUnreachableError(`The desk bridge is closed (${method}).`));
      };
      const timer = setTimeout(() => {
        this.openWaiters.delete(wake);
        reject(new SeatUnreachableError(`The seat host at ${this.options.url} does not answer.`));
      }, this.options.connectWaitMs);
      this.openWaiters.add(wake);
    });
  }

  private receive(data: unknown): void {
    const at = performance.now();
    let frame: unknown;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      log.warn('Dropped a frame that is not JSON.');
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;

    if ('id' in frame && typeof frame.id === 'number') {
      this.settle(frame.id, frame as Record<string, unknown>);
    } else if ('event' in frame && typeof frame.event === 'string') {
      const payload = (frame as { payload?: unknown }).payload;
      if (frame.event === 'call.offered') markOffer(payload, at);
      this.events.dispatch(frame.event, payload);
    }
  }

  private settle(id: number, frame: Record<string, unknown>): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);

    if (frame.ok === true) {
      pending.resolve(frame.result);
      return;
    }
    pending.reject(errorFromFrame(pending.method, frame.error));
  }

  private failPending(reason: string): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new SeatUnreachableError(`${reason} (${pending.method} #${id})`));
    }
    this.pending.clear();
  }

  private setState(state: LinkState): void {
    if (this.state === state || this.state === 'closed') return;
    this.state = state;
    for (const listener of this.linkListeners) listener(state);
  }
}

/** The moment an offer's frame came off the socket (pop-marks.ts), before it was parsed. */
function markOffer(payload: unknown, at: number): void {
  const callId = (payload as { callId?: unknown } | null)?.callId;
  if (typeof callId === 'string') markPop('received', callId, at);
}
