import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  PHONE_LEASE_PATH,
  PHONE_LEASE_RELEASE_WAIT_MS,
  PhoneLeaseClientFrameSchema,
  type PhoneLeaseHostFrame,
} from '../../shared/phone-lease.js';
import type { HostGuard } from './host-guard.js';
import { admitUpgrade, closeSocketServer } from './upgrade-guard.js';

/** A lease frame is a few dozen bytes. */
const MAX_LEASE_FRAME_BYTES = 1024;

export interface PhoneLeaseOptions {
  log: Logger;
  guard: HostGuard;
  /** How long a taken-over window has to stop its phone (PHONE_LEASE_RELEASE_WAIT_MS). */
  releaseWaitMs?: number;
}

/** A takeover waiting for the window it took the lease from to stop its phone. */
interface Handover {
  from: WebSocket;
  to: WebSocket;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The seat host's side of "one phone per web seat" (shared/phone-lease.ts): the lease on
 * the seat's phone, held by one browser window's `/phone-lease` socket at a time.
 *
 *   free ──claim──▶ held ──holder's socket closes──▶ free
 *                   │  ▲
 *     claim takeover│  │ released / holder gone / release wait over
 *                   ▼  │
 *                handing over (the old holder stops its phone; claims get busy)
 *
 * The lease says which window may run the phone; it never touches SIP itself. A window
 * that holds it keeps it across the seat host's restarts only by claiming again first.
 */
export class PhoneLease {
  private readonly wss: WebSocketServer;
  private holder: WebSocket | null = null;
  private handover: Handover | null = null;
  private readonly peers = new WeakMap<WebSocket, string>();

  constructor(private readonly options: PhoneLeaseOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_LEASE_FRAME_BYTES });
    this.wss.on('connection', (ws, req) => this.onConnection(ws, req));
  }

  /** Whether a window holds the lease now (or is being handed it). */
  get held(): boolean {
    return this.holder !== null || this.handover !== null;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!admitUpgrade(req, socket, this.options.guard, this.options.log, PHONE_LEASE_PATH)) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Closes every window's lease socket with 1001 (going away). */
  close(): Promise<void> {
    if (this.handover) clearTimeout(this.handover.timer);
    this.handover = null;
    this.holder = null;
    return closeSocketServer(this.wss);
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const peer = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    this.peers.set(ws, peer);
    ws.on('message', (data, isBinary) => this.onFrame(ws, data, isBinary));
    ws.on('error', (err) => {
      this.options.log.warn({ peer }, `Phone lease socket of ${peer} failed: ${err.message}`);
    });
    ws.on('close', () => this.onGone(ws));
  }

  private onFrame(ws: WebSocket, data: RawData, isBinary: boolean): void {
    let json: unknown;
    try {
      json = isBinary ? undefined : JSON.parse(String(data));
    } catch {
      json = undefined;
    }
    const parsed = PhoneLeaseClientFrameSchema.safeParse(json);
    if (!parsed.success) {
      const message = isBinary
        ? 'Binary frames are not accepted; send JSON text.'
        : 'Not a phone lease frame: expected {"type":"claim","takeover":boolean} or ' +
          '{"type":"released"}.';
      return send(ws, { type: 'error', message });
    }
    const frame = parsed.data;
    if (frame.type === 'released') return this.onReleased(ws);
    if (frame.takeover) return this.takeOver(ws);
    return this.claim(ws);
  }

  private claim(ws: WebSocket): void {
    const { log } = this.options;
    if (this.handover?.to === ws) return; // Granted once the old holder has let go.
    if (this.holder === null && this.handover === null) {
      this.holder = ws;
      log.info({ peer: this.peer(ws) }, `Phone lease granted to window ${this.peer(ws)}.`);
    }
    if (this.holder === ws) return send(ws, { type: 'granted' });
    log.info(
      { peer: this.peer(ws) },
      `Window ${this.peer(ws)} asked for the phone; another window has it (busy).`,
    );
    send(ws, { type: 'busy' });
  }

  private takeOver(ws: WebSocket): void {
    const { log } = this.options;
    if (this.handover === null && (this.holder === null || this.holder === ws)) {
      return this.claim(ws);
    }
    if (this.handover?.to === ws) return; // Already waiting for the release.
    const from = this.handover?.from ?? this.holder!;
    if (this.handover) {
      // A newer takeover wins; the one waiting before it is told the seat is busy.
      clearTimeout(this.handover.timer);
      if (this.handover.to !== ws) send(this.handover.to, { type: 'busy' });
    } else {
      send(from, { type: 'taken-over' });
    }
    this.holder = null;
    const wait = this.options.releaseWaitMs ?? PHONE_LEASE_RELEASE_WAIT_MS;
    const timer = setTimeout(() => {
      log.warn(
        { peer: this.peer(from) },
        `Window ${this.peer(from)} did not release the phone within ${wait} ms; handing it over.`,
      );
      this.finishHandover();
    }, wait);
    this.handover = { from, to: ws, timer };
    log.info(
      { peer: this.peer(ws), from: this.peer(from) },
      `Window ${this.peer(ws)} takes the phone over from ${this.peer(from)}.`,
    );
  }

  private onReleased(ws: WebSocket): void {
    if (this.handover?.from === ws) {
      this.options.log.info({ peer: this.peer(ws) }, `Window ${this.peer(ws)} stopped its phone.`);
      this.finishHandover();
    }
  }

  private finishHandover(): void {
    const handover = this.handover;
    if (!handover) return;
    clearTimeout(handover.timer);
    this.handover = null;
    this.holder = handover.to;
    this.options.log.info(
      { peer: this.peer(handover.to) },
      `Phone lease granted to window ${this.peer(handover.to)}.`,
    );
    send(handover.to, { type: 'granted' });
  }

  private onGone(ws: WebSocket): void {
    const { log } = this.options;
    if (this.holder === ws) {
      this.holder = null;
      log.info({ peer: this.peer(ws) }, `Window ${this.peer(ws)} let go of the phone (closed).`);
    }
    if (this.handover?.from === ws) this.finishHandover();
    else if (this.handover?.to === ws) {
      // The window that asked went away: the old holder keeps nothing (it was told), so
      // the lease is free for whoever claims next.
      clearTimeout(this.handover.timer);
      this.handover = null;
    }
  }

  private peer(ws: WebSocket): string {
    return this.peers.get(ws) ?? 'unknown';
  }
}

function send(ws: WebSocket, frame: PhoneLeaseHostFrame): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
}
