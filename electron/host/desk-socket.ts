import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  DeskRequestFrameSchema,
  UNREADABLE_FRAME_ID,
  type DeskErrorBody,
  type DeskEventFrame,
  type DeskResponseFrame,
} from '../../shared/desk-api.js';
import type { SeatCore } from '../core/index.js';
import { describeIssue } from '../core/desk-errors.js';
import type { HostGuard } from './host-guard.js';
import { admitUpgrade, closeSocketServer } from './upgrade-guard.js';

/** Largest request frame the host reads; a desk call is a few kilobytes. */
export const MAX_DESK_FRAME_BYTES = 1024 * 1024;
/** Above this ws itself closes the socket with 1009 (message too big) without reading. */
const HARD_FRAME_LIMIT = 8 * MAX_DESK_FRAME_BYTES;

export const DESK_SOCKET_PATH = '/desk';

export interface DeskSocketOptions {
  core: SeatCore;
  log: Logger;
  /** Decides which Host and Origin headers may open the socket (host-guard.ts). */
  guard: HostGuard;
}

/**
 * The desk API over a WebSocket at /desk: DeskRequestFrame in, DeskResponseFrame and
 * DeskEventFrame out (shared/desk-api.ts). Every frame gets an answer: a frame that cannot
 * be read gets an error frame, with its id when one can be found and UNREADABLE_FRAME_ID
 * otherwise, and the socket stays open. Browsers may connect from the host's own page
 * only, under one of the host's own names, so another site in the agent's browser cannot
 * reach citizen data through it, not even by rebinding its name to 127.0.0.1.
 */
export class DeskSocket {
  private readonly wss: WebSocketServer;

  constructor(private readonly options: DeskSocketOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: HARD_FRAME_LIMIT });
    this.wss.on('connection', (ws, req) => this.onConnection(ws, req));
  }

  get clientCount(): number {
    return this.wss.clients.size;
  }

  /** For the HTTP server's `upgrade` event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { guard, log } = this.options;
    if (!admitUpgrade(req, socket, guard, log, DESK_SOCKET_PATH)) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Closes every client with 1001 (going away). */
  close(): Promise<void> {
    return closeSocketServer(this.wss);
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const { core, log } = this.options;
    const peer = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    log.info({ peer }, `Desk client ${peer} connected.`);

    const unsubscribe = core.onEvent((event) => {
      const frame: DeskEventFrame = event;
      send(ws, frame);
      if (event.event === 'call.offered') {
        // When the offer left for the desk, on the page's clock (epoch ms, sub-ms): the
        // pop-latency bench splits the seat's stretch from the desk's with it.
        const sentAt = performance.timeOrigin + performance.now();
        const { callId } = event.payload;
        log.info(
          { callId, peer, sentAt, pop: event.payload.pop !== undefined },
          `Offer of call ${callId} sent to desk client ${peer}.`,
        );
      }
    });

    ws.on('message', (data, isBinary) => {
      void this.onFrame(ws, data, isBinary).catch((err: unknown) => {
        log.error({ err, peer }, 'A desk frame could not be answered.');
      });
    });
    ws.on('error', (err) => {
      log.warn({ peer, err: err.message }, `Desk client ${peer} failed: ${err.message}`);
    });
    ws.on('close', (code) => {
      unsubscribe();
      log.info({ peer, code }, `Desk client ${peer} disconnected (${code}).`);
    });
  }

  private async onFrame(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    const bytes = rawToBuffer(data);
    if (isBinary) {
      return refuse(ws, UNREADABLE_FRAME_ID, 'Binary frames are not accepted; send JSON text.');
    }
    if (bytes.length > MAX_DESK_FRAME_BYTES) {
      return refuse(
        ws,
        peekId(bytes),
        `The frame has ${bytes.length} bytes; a desk frame may have at most ` +
          `${MAX_DESK_FRAME_BYTES}.`,
      );
    }

    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      return refuse(ws, UNREADABLE_FRAME_ID, 'The frame is not JSON.');
    }

    const parsed = DeskRequestFrameSchema.safeParse(json);
    if (!parsed.success) {
      const { field, message } = describeIssue(parsed.error);
      return refuse(ws, idOf(json), `Not a desk request frame: ${message}`, field);
    }

    const { id, method, params } = parsed.data;
    const response = await this.options.core.handle(method, params);
    const frame: DeskResponseFrame = response.ok
      ? { id, ok: true, result: response.result }
      : { id, ok: false, error: response.error };
    send(ws, frame);
  }
}

function refuse(ws: WebSocket, id: number, message: string, field?: string): void {
  const error: DeskErrorBody = { code: 'bad-request', message };
  if (field) error.field = field;
  const frame: DeskResponseFrame = { id, ok: false, error };
  send(ws, frame);
}

function send(ws: WebSocket, frame: DeskResponseFrame | DeskEventFrame): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
}

function idOf(json: unknown): number {
  const id = (json as { id?: unknown } | null)?.id;
  return Number.isSafeInteger(id) && (id as number) >= 0 ? (id as number) : UNREADABLE_FRAME_ID;
}

/** The id of an oversized frame, read from its first bytes without parsing the rest. */
function peekId(bytes: Buffer): number {
  const match = /^\s*\{\s*"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(bytes.subarray(0, 64).toString());
  return match?.[1] ? Number(match[1]) : UNREADABLE_FRAME_ID;
}

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
