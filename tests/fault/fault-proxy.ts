import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Prng } from './prng.js';

/**
 * A TCP proxy that misbehaves: it stands between the seat cores and the hub and, for each
 * connection it accepts, picks a fault at random (seeded, so a run can be replayed):
 *
 *   pass   bytes flow both ways untouched
 *   drop   accepted, then closed at once, before any byte reaches the hub
 *   stall  the client's bytes are held for a while; then the connection either goes on
 *          as `pass` or is closed
 *   cut    both sockets are destroyed after N bytes in one direction (towards the hub:
 *          a request torn mid-body; towards the seat: an answer lost after the hub acted)
 *   delay  every chunk waits a while before it is passed on, in order
 *
 * `setFaulty(false)` makes every later connection `pass` and closes the ones open, for a
 * clean final drain. The proxy also reads the request lines going to the hub, so a test
 * can act while a push is in flight (kill the hub or the seat that sent it).
 */
export const FAULT_KINDS = ['pass', 'drop', 'stall', 'cut', 'delay'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultMix = Record<FaultKind, number>;

/** Mostly working connections, as a flaky office network gives. */
export const DEFAULT_FAULT_MIX: FaultMix = { pass: 50, drop: 10, stall: 10, cut: 20, delay: 10 };

/** A request line seen on its way to the hub; `seatId` for a sync push whose body had it. */
export interface ProxiedRequest {
  connection: number;
  method: string;
  path: string;
  seatId: string | null;
}

export interface FaultProxyOptions {
  targetHost?: string;
  targetPort: number;
  seed: number;
  mix?: FaultMix;
  /** Ranges [min, max] in ms or bytes. */
  stallMs?: [number, number];
  delayMs?: [number, number];
  cutBytes?: [number, number];
  onRequest?: (request: ProxiedRequest) => void;
}

export type FaultStats = Record<FaultKind, number> & { connections: number };

interface Plan {
  kind: FaultKind;
  /** stall: the wait; delay: per chunk. */
  waitMs: number;
  /** stall: close after the wait instead of going on. */
  closeAfterStall: boolean;
  /** cut: which way is counted, and after how many bytes. */
  cutUpstream: boolean;
  cutAfter: number;
}

const REQUEST_LINE = /(GET|POST|PUT|PATCH|DELETE) (\S+) HTTP\/1\.[01]\r\n/g;
const SEAT_ID = /"seatId"\s*:\s*"([^"]{1,64})"/;
/** How far past a push's request line the proxy looks for its seatId. */
const SNIFF_LIMIT = 8192;

export class FaultProxy {
  private readonly server: Server;
  private readonly prng: Prng;
  private readonly sockets = new Set<Socket>();
  private faulty = true;
  private nextConnection = 1;
  readonly stats: FaultStats = {
    connections: 0,
    pass: 0,
    drop: 0,
    stall: 0,
    cut: 0,
    delay: 0,
  };

  constructor(private readonly options: FaultProxyOptions) {
    this.prng = new Prng(options.seed);
    this.server = createServer((client) => this.accept(client));
  }

  /** Listens on 127.0.0.1 (port 0: any free one) and answers the port. */
  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve(this.port);
      });
    });
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy not listening');
    return address.port;
  }

  /** Off: later connections all pass, and the open ones are closed so clients reconnect. */
  setFaulty(on: boolean): void {
    this.faulty = on;
    if (!on) for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private plan(): Plan {
    const o = this.options;
    const kind = this.faulty ? this.prng.weighted(o.mix ?? DEFAULT_FAULT_MIX) : 'pass';
    const [waitMin, waitMax] =
      kind === 'stall' ? (o.stallMs ?? [500, 4000]) : (o.delayMs ?? [5, 150]);
    const [cutMin, cutMax] = o.cutBytes ?? [0, 64 * 1024];
    return {
      kind,
      waitMs: this.prng.int(waitMin, waitMax),
      closeAfterStall: this.prng.chance(0.5),
      cutUpstream: this.prng.chance(0.5),
      cutAfter: this.prng.int(cutMin, cutMax),
    };
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    // A reset is what this proxy is for; it must never become an uncaught error.
    socket.on('error', () => socket.destroy());
  }

  private accept(client: Socket): void {
    const id = this.nextConnection++;
    const plan = this.plan();
    this.stats.connections += 1;
    this.stats[plan.kind] += 1;
    this.track(client);

    if (plan.kind === 'drop') {
      client.destroy();
      return;
    }
    client.pause();
    const open = (): void => {
      if (client.destroyed) return;
      const upstream = createConnection({
        host: this.options.targetHost ?? '127.0.0.1',
        port: this.options.targetPort,
      });
      this.track(upstream);
      const closeBoth = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.once('close', closeBoth);
      upstream.once('close', closeBoth);
      upstream.once('connect', () => this.relay(id, plan, client, upstream, closeBoth));
    };
    if (plan.kind === 'stall') {
      const timer = setTimeout(
        () => (plan.closeAfterStall ? client.destroy() : open()),
        plan.waitMs,
      );
      client.once('close', () => clearTimeout(timer));
    } else {
      open();
    }
  }

  private relay(
    id: number,
    plan: Plan,
    client: Socket,
    upstream: Socket,
    closeBoth: () => void,
  ): void {
    let counted = 0;
    const cutCheck = (upward: boolean, bytes: number): boolean => {
      if (plan.kind !== 'cut' || plan.cutUpstream !== upward) return false;
      counted += bytes;
      return counted > plan.cutAfter;
    };
    const sniffer = this.sniffer(id);

    const forward = (from: Socket, to: Socket, upward: boolean): void => {
      let chain = Promise.resolve();
      from.on('data', (chunk: Buffer) => {
        if (upward) sniffer(chunk);
        if (cutCheck(upward, chunk.length)) {
          // Pass on what fits below the cut, then tear both sides down.
          const keep = chunk.length - (counted - plan.cutAfter);
          if (keep > 0) to.write(chunk.subarray(0, keep));
          closeBoth();
          return;
        }
        if (plan.kind === 'delay') {
          from.pause();
          chain = chain.then(
            () =>
              new Promise<void>((resolve) =>
                setTimeout(() => {
                  if (!to.destroyed) to.write(chunk);
                  from.resume();
                  resolve();
                }, plan.waitMs),
              ),
          );
          return;
        }
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      from.once('end', () => to.end());
    };
    forward(client, upstream, true);
    forward(upstream, client, false);
    client.resume();
  }

  /** Reads request lines (and a push's seatId) from the bytes going to the hub. */
  private sniffer(connection: number): (chunk: Buffer) => void {
    const onRequest = this.options.onRequest;
    if (!onRequest) return () => {};
    let pending: { method: string; path: string; text: string } | null = null;
    const flush = (seatId: string | null): void => {
      if (pending) onRequest({ connection, method: pending.method, path: pending.path, seatId });
      pending = null;
    };
    return (chunk) => {
      const text = chunk.toString('latin1');
      let offset = 0;
      if (pending) {
        pending.text += text;
        const seat = SEAT_ID.exec(pending.text);
        if (seat) flush(seat[1]!);
        else if (pending.text.length > SNIFF_LIMIT) flush(null);
      }
      for (const match of text.matchAll(REQUEST_LINE)) {
        flush(null);
        const [, method, path] = match;
        offset = (match.index ?? 0) + match[0].length;
        if (method === 'POST' && path!.startsWith('/api/v1/sync/push')) {
          pending = { method, path: path!, text: text.slice(offset) };
          const seat = SEAT_ID.exec(pending.text);
          if (seat) flush(seat[1]!);
        } else {
          onRequest({ connection, method: method!, path: path!, seatId: null });
        }
      }
    };
  }
}
