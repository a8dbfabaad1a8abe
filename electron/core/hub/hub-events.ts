import type { Logger } from 'pino';
import WebSocket from 'ws';
import { EVENTS_CLOSE_SIGNED_OUT, HubEventSchema, type HubEvent } from '../../../shared/hub-api.js';
import { Backoff } from '../sync/backoff.js';

export interface HubEventsOptions {
  log: Logger;
  onEvent: (event: HubEvent) => void;
  /** The socket is open: the hub is reachable again. */
  onOpen: () => void;
  onClose: () => void;
  /** The hub refused the token on the upgrade (HTTP 401), or closed the socket because
   * the session was signed out (EVENTS_CLOSE_SIGNED_OUT). */
  onUnauthorized: () => void;
  reconnect?: { baseMs: number; maxMs: number };
  /**
   * While true (the outbox holds orders), reconnect attempts come at most FAST_RETRY_MS
   * apart, jittered: noticing the hub is back is most of a catch-up's time.
   */
  hurry?: () => boolean;
  /** A socket that answers no ping for this long is taken for dead. */
  pingIntervalMs?: number;
}

/** The longest pause between attempts to reach the hub while orders wait to go out. */
export const FAST_RETRY_MS = 1_000;

/** A pause of FAST_RETRY_MS / 2 .. FAST_RETRY_MS, so seats do not come back in step. */
export function fastRetryDelay(random: () => number = Math.random): number {
  return Math.round(FAST_RETRY_MS / 2 + (random() * FAST_RETRY_MS) / 2);
}

/** Where to connect, asked before each attempt: the token in it must be good then. */
export type EventsUrlSource = () => Promise<string | null>;

/**
 * The hub's event stream for this seat (HUB_PATHS.events), kept open while signed in.
 *
 *   stopped --start--> connecting --open--> open --close/error/no pong--> waiting
 *                          ^                                                 |
 *                          +------------- backoff delay elapsed -------------+
 *   any state --stop--> stopped
 */
export class HubEvents {
  private socket: WebSocket | null = null;
  private source: EventsUrlSource | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private readonly backoff: Backoff;

  constructor(private readonly options: HubEventsOptions) {
    // Capped low: the stream coming back is how a seat learns the hub is back, and the
    // orders saved meanwhile should reach it within seconds (DESIGN §7: 10k in < 5 s).
    this.backoff = new Backoff(options.reconnect ?? { baseMs: 250, maxMs: 3_000 });
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(url: string | EventsUrlSource): void {
    this.stop();
    this.source = typeof url === 'string' ? () => Promise.resolve(url) : url;
    this.backoff.reset();
    this.connect();
  }

  stop(): void {
    this.source = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.dropSocket();
  }

  private connect(): void {
    const source = this.source;
    if (!source) return;
    source().then(
      (url) => {
        if (this.source !== source) return;
        if (url) this.open(url);
        else this.scheduleReconnect();
      },
      (err: Error) => {
        if (this.source !== source) return;
        this.options.log.debug(`No address for the hub event stream yet: ${err.message}`);
        this.scheduleReconnect();
      },
    );
  }

  private open(url: string): void {
    const { log } = this.options;
    const socket = new WebSocket(url, { handshakeTimeout: 5_000, maxPayload: 1_000_000 });
    this.socket = socket;
    let alive = true;

    socket.on('open', () => {
      log.info('The hub event stream is open.');
      this.backoff.reset();
      this.pingTimer = setInterval(() => {
        if (!alive) {
          log.warn('The hub event stream answered no ping; reconnecting.');
          socket.terminate();
          return;
        }
        alive = false;
        socket.ping();
      }, this.options.pingIntervalMs ?? 20_000);
      this.options.onOpen();
    });
    socket.on('pong', () => {
      alive = true;
    });
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      socket.terminate();
      if (status === 401 && this.socket === socket) {
        log.warn('The hub refused the session token on the event stream.');
        this.stop();
        this.options.onUnauthorized();
      }
    });
    socket.on('error', (err) => {
      log.debug({ err: err.message }, `The hub event stream failed: ${err.message}`);
    });
    socket.on('close', (code) => {
      if (this.socket !== socket) return;
      this.dropSocket();
      this.options.onClose();
      if (code === EVENTS_CLOSE_SIGNED_OUT.code) {
        log.warn('The hub closed the event stream: this desk was signed out.');
        this.stop();
        this.options.onUnauthorized();
        return;
      }
      this.scheduleReconnect();
    });
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) return;
    let event: HubEvent;
    try {
      const parsed = HubEventSchema.safeParse(JSON.parse(data.toString()));
      if (!parsed.success) {
        this.options.log.warn('Ignored a hub event that does not match the contract.');
        return;
      }
      event = parsed.data;
    } catch {
      this.options.log.warn('Ignored a hub event frame that is not JSON.');
      return;
    }
    this.options.onEvent(event);
  }

  private scheduleReconnect(): void {
    if (!this.source || this.retryTimer) return;
    const slow = this.backoff.next();
    const delay = this.options.hurry?.() ? Math.min(slow, fastRetryDelay()) : slow;
    const attempt = this.backoff.attempts;
    // Said once per outage; the retries that follow only while debugging.
    this.options.log[attempt === 1 ? 'info' : 'debug'](
      { delayMs: delay, attempt },
      `The hub event stream is closed; reconnecting in ${delay} ms.`,
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private dropSocket(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeAllListeners('close');
      socket.on('error', () => {});
      if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
    }
  }
}
