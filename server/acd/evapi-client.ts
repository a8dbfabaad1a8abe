import { Socket } from 'node:net';
import type { AcdReply } from '../../shared/acd-protocol.js';
import type { Logger } from '../logger.js';
import { encodeNetstring, NetstringDecoder } from './netstring.js';

/** What the ACD needs of its link to Kamailio: send a reply, know if anyone listens. */
export interface AcdLink {
  readonly connected: boolean;
  /** Answers false when the reply could not be handed to a connected socket. */
  send(reply: AcdReply): boolean;
}

export interface EvapiHandlers {
  onMessage(payload: string): void;
  onUp(): void;
  onDown(): void;
}

export interface EvapiClientOptions {
  host: string;
  port: number;
  log: Logger;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

const JSON_OBJECT_START = 0x7b;

/**
 * The hub's TCP client to Kamailio's evapi socket. Kamailio is the server; the hub dials
 * it and keeps dialling, so either side may start first or restart.
 *
 *   stopped --start--> connecting --connect--> up --close/error--> waiting
 *                          ^   \--error----------------------------> waiting
 *                          \---------------- backoff timer ----------/
 *   any --stop--> stopped
 *
 * The retry delay doubles from minBackoffMs up to maxBackoffMs and resets once connected.
 */
export class EvapiClient implements AcdLink {
  private socket: Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private up = false;
  private running = false;
  private attempt = 0;
  private warnedDown = false;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly options: EvapiClientOptions,
    private readonly handlers: EvapiHandlers,
  ) {
    this.minBackoffMs = options.minBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
  }

  get connected(): boolean {
    return this.up;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.socket?.destroy();
    this.socket = null;
    this.setDown();
  }

  send(reply: AcdReply): boolean {
    if (!this.up || !this.socket) return false;
    this.socket.write(encodeNetstring(JSON.stringify(reply)));
    return true;
  }

  private connect(): void {
    const { host, port, log } = this.options;
    const socket = new Socket();
    const decoder = new NetstringDecoder(JSON_OBJECT_START);
    this.socket = socket;
    socket.setNoDelay(true);

    socket.on('connect', () => {
      socket.setKeepAlive(true, 10_000);
      this.attempt = 0;
      this.warnedDown = false;
      this.up = true;
      log.info({ host, port }, 'connected to Kamailio evapi');
      this.handlers.onUp();
    });
    socket.on('data', (chunk: Buffer) => {
      const { frames, errors } = decoder.push(chunk);
      for (const error of errors) log.warn({ error }, 'skipped bytes from Kamailio evapi');
      for (const frame of frames) this.handlers.onMessage(frame);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // 'close' follows; this only says why.
      if (!this.warnedDown) log.warn({ host, port, code: error.code }, 'Kamailio evapi link error');
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      this.setDown();
      if (this.running) this.scheduleReconnect();
    });
    socket.connect(port, host);
  }

  private setDown(): void {
    if (!this.up) return;
    this.up = false;
    this.options.log.warn('Kamailio evapi link lost');
    this.handlers.onDown();
  }

  private scheduleReconnect(): void {
    const delay = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    if (!this.warnedDown) {
      this.options.log.warn({ retryInMs: delay }, 'Kamailio evapi not reachable; retrying');
      this.warnedDown = true;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) this.connect();
    }, delay);
    this.timer.unref();
  }
}
