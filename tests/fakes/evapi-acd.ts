import { createConnection, type Socket } from 'node:net';
import {
  type AcdReply,
  DEFAULT_QUEUE,
  type KamailioEvent,
  KamailioEventSchema,
} from '../../shared/acd-protocol.js';
import { encodeNetstring, NetstringDecoder } from '../../server/acd/netstring.js';

/**
 * A stand-in for the hub's ACD, for PBX-level tests only: connects to Kamailio's evapi
 * socket, records every event, and answers each `call.queued` after `delayMs` with a
 * `route` to `agent` (or a `reject`, or nothing when `mode` is 'hold'). A `call.requeued`
 * (the seat failed) is answered the same way by `mode.requeued` of a route: by default a
 * `reject` 480, as a hub with no other agent would do once the wait ran out.
 */
export type FakeAcdMode =
  | { kind: 'route'; agent: string; requeued?: FakeAcdMode }
  | { kind: 'reject'; code: number; reason: string }
  | { kind: 'hold' };

export interface FakeAcdOptions {
  host?: string;
  port?: number;
  mode: FakeAcdMode;
  delayMs?: number;
}

export class FakeAcd {
  readonly events: KamailioEvent[] = [];
  /** Messages that did not match the contract's schema, and framing errors (should stay empty). */
  readonly invalid: string[] = [];
  mode: FakeAcdMode;
  delayMs: number;
  private readonly waiters = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly queuedAt = new Map<string, number>();
  private readonly queueOf = new Map<string, string>();

  private constructor(
    private readonly socket: Socket,
    opts: FakeAcdOptions,
  ) {
    this.mode = opts.mode;
    this.delayMs = opts.delayMs ?? 500;
    const decoder = new NetstringDecoder();
    socket.on('data', (chunk: Buffer) => {
      const { frames, errors } = decoder.push(chunk);
      this.invalid.push(...errors);
      for (const payload of frames) this.onMessage(payload);
    });
  }

  /**
   * Connects and resolves once Kamailio has had time to count the connection (its
   * evapi:connection-new route runs right after the accept).
   */
  static async connect(opts: FakeAcdOptions): Promise<FakeAcd> {
    const socket = createConnection({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 8448 });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    const acd = new FakeAcd(socket, opts);
    await new Promise((r) => setTimeout(r, 200));
    return acd;
  }

  /** Sends a reply the contract allows (used by the automatic modes, or by a test). */
  send(reply: AcdReply): void {
    this.socket.write(encodeNetstring(JSON.stringify(reply)));
  }

  /** Resolves with the first recorded event that matches (past or future). */
  waitFor(
    match: (e: KamailioEvent) => boolean,
    timeoutMs = 10_000,
    what = 'ACD event',
  ): Promise<KamailioEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.events.find(match);
        if (!hit) return false;
        cleanup();
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.events.map((e) => `${e.event} ${e.callId}`).join(', ');
        reject(new Error(`timed out waiting for ${what}; seen: [${seen}]`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter = (): void => void check();
      if (!check()) this.waiters.add(waiter);
    });
  }

  /** Shorthand: the event named `event` for `callId`. */
  waitForEvent(event: KamailioEvent['event'], callId: string, timeoutMs = 10_000) {
    return this.waitFor(
      (e) => e.event === event && e.callId === callId,
      timeoutMs,
      `${event} for ${callId}`,
    );
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 500).unref();
    });
  }

  private onMessage(payload: string): void {
    let parsed: KamailioEvent;
    try {
      const result = KamailioEventSchema.safeParse(JSON.parse(payload));
      if (!result.success) {
        this.invalid.push(payload);
        return;
      }
      parsed = result.data;
    } catch {
      this.invalid.push(payload);
      return;
    }
    this.events.push(parsed);
    for (const w of [...this.waiters]) w();
    if (parsed.event === 'call.queued') {
      this.queuedAt.set(parsed.callId, Date.now());
      this.answer(parsed, this.mode, parsed.queue);
    } else if (parsed.event === 'call.requeued') {
      const mode = this.mode.kind === 'route' ? this.mode.requeued : undefined;
      const queue = this.queueOf.get(parsed.callId) ?? DEFAULT_QUEUE;
      this.answer(parsed, mode ?? { kind: 'reject', code: 480, reason: 'No Agent' }, queue);
    }
  }

  private answer(
    e: { tindex: number; tlabel: number; callId: string },
    mode: FakeAcdMode,
    queue: string,
  ): void {
    this.queueOf.set(e.callId, queue);
    const queuedAt = this.queuedAt.get(e.callId) ?? Date.now();
    if (mode.kind === 'hold') return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const base = { tindex: e.tindex, tlabel: e.tlabel, callId: e.callId };
      if (mode.kind === 'route') {
        this.send({
          action: 'route',
          ...base,
          agent: mode.agent,
          queue,
          waitMs: Date.now() - queuedAt,
        });
      } else {
        this.send({ action: 'reject', ...base, code: mode.code, reason: mode.reason });
      }
    }, this.delayMs);
    this.timers.add(timer);
  }
}
