import type { SipConfig } from '../../../shared/hub-api';
import { createLogger, describeError } from '../lib/log';
import {
  NoticeFrameSchema,
  PHONE_METHODS,
  PhoneChannelError,
  PhoneEventSchema,
  ResponseFrameSchema,
  describeIssue,
  type PhoneMethod,
  type PortLike,
  type RequestFrame,
  type ResponseFrame,
} from './phone-channel-frames';
import type {
  DevicePrefs,
  DialOptions,
  PhoneControl,
  PhoneEvent,
  PhoneSnapshot,
  PhoneStartOptions,
  SeatDevices,
} from './phone-types';

const deskLog = createLogger('seat.phone.channel.desk');

export interface PhoneClientOptions {
  /** How long a call waits for its answer, connecting included (10 s). */
  callTimeoutMs?: number;
  /** The same for the methods that wait on the far end or the devices (40 s). */
  slowCallTimeoutMs?: number;
}

/**
 * Methods whose answer waits on the network or the devices: getUserMedia and its
 * permission prompt, a re-INVITE's or REFER's answer (sip.js gives up on a transaction
 * after 32 s, RFC 3261 Timer B/F), so 10 s would report a failure the engine then undoes.
 */
export const SLOW_PHONE_METHODS: ReadonlySet<PhoneMethod> = new Set<PhoneMethod>([
  'answer',
  'hold',
  'resume',
  // DTMF as SIP INFO waits for each INFO's answer.
  'sendDtmf',
  'dial',
  'transfer',
  'completeTransfer',
  'conference',
  'split',
  'listDevices',
]);

interface Pending {
  method: PhoneMethod;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The desk's side: PhoneControl over a port. It may be made before its port arrives
 * (the desk waits for its host to hand one over); calls made meanwhile are sent on
 * connect, and any call fails after `callTimeoutMs` (10 s; `slowCallTimeoutMs`, 40 s, for
 * SLOW_PHONE_METHODS) with a clear error. A new
 * port (the engine page came back) replaces the old one; the client then replays the
 * engine's state as events, so subscribers catch up without asking.
 *
 *   waiting ──connect──▶ connected ──connect(new port)──▶ connected
 *      │                    │
 *      └──detach(reason)────┴──superseded──▶ detached (calls fail at once) ──connect──▶ …
 */
export class PhoneClient implements PhoneControl {
  private readonly listeners = new Set<(event: PhoneEvent) => void>();
  private readonly pending = new Map<number, Pending>();
  private readonly unsent: RequestFrame[] = [];
  private readonly timeoutMs: number;
  private readonly slowTimeoutMs: number;
  private port: PortLike | null = null;
  private detached: string | null = null;
  private connections = 0;
  private nextId = 1;

  constructor(options: PhoneClientOptions = {}) {
    this.timeoutMs = options.callTimeoutMs ?? 10_000;
    this.slowTimeoutMs = options.slowCallTimeoutMs ?? 40_000;
  }

  get connected(): boolean {
    return this.port !== null;
  }

  /** Talks to the engine at the other end of `port` from now on. */
  connect(port: PortLike): void {
    const previous = this.port;
    this.port = port;
    this.detached = null;
    this.connections++;
    port.addEventListener('message', (event) => {
      if (this.port === port) this.receive(event.data);
    });
    port.start?.();
    if (previous) {
      this.failPending('the phone engine was reconnected before it answered');
      previous.close?.();
    }
    for (const frame of this.unsent.splice(0)) port.postMessage(frame);
    deskLog.info(`Connected to the phone engine (connection ${this.connections}).`);
    if (this.connections > 1) void this.replay();
  }

  /**
   * Gives up on the engine for now (no host page, or another desk took over): waiting and
   * later calls fail at once with `reason`, and subscribers see the registration fail.
   */
  detach(reason: string): void {
    this.port?.close?.();
    this.port = null;
    this.detached = reason;
    this.failPending(reason);
    this.emit({ type: 'registration', state: 'failed', detail: reason });
  }

  subscribe(listener: (event: PhoneEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(config: SipConfig, options?: PhoneStartOptions): Promise<void> {
    return this.call('start', options ? [config, options] : [config]) as Promise<void>;
  }
  stop(): Promise<void> {
    return this.call('stop', []) as Promise<void>;
  }
  snapshot(): Promise<PhoneSnapshot> {
    return this.call('snapshot', []) as Promise<PhoneSnapshot>;
  }
  answer(callId: string): Promise<void> {
    return this.call('answer', [callId]) as Promise<void>;
  }
  hangup(callId: string): Promise<void> {
    return this.call('hangup', [callId]) as Promise<void>;
  }
  hold(callId: string): Promise<void> {
    return this.call('hold', [callId]) as Promise<void>;
  }
  resume(callId: string): Promise<void> {
    return this.call('resume', [callId]) as Promise<void>;
  }
  setMuted(callId: string, muted: boolean): Promise<void> {
    return this.call('setMuted', [callId, muted]) as Promise<void>;
  }
  sendDtmf(callId: string, digits: string): Promise<void> {
    return this.call('sendDtmf', [callId, digits]) as Promise<void>;
  }
  dial(target: string, options?: DialOptions): Promise<string> {
    return this.call('dial', options ? [target, options] : [target]) as Promise<string>;
  }
  transfer(callId: string, target: string): Promise<void> {
    return this.call('transfer', [callId, target]) as Promise<void>;
  }
  completeTransfer(callId: string, consultCallId: string): Promise<void> {
    return this.call('completeTransfer', [callId, consultCallId]) as Promise<void>;
  }
  conference(callIdA: string, callIdB: string): Promise<void> {
    return this.call('conference', [callIdA, callIdB]) as Promise<void>;
  }
  split(callId: string): Promise<void> {
    return this.call('split', [callId]) as Promise<void>;
  }
  testRing(prefs: DevicePrefs): Promise<void> {
    return this.call('testRing', [prefs]) as Promise<void>;
  }
  listDevices(): Promise<SeatDevices> {
    return this.call('listDevices', []) as Promise<SeatDevices>;
  }
  setDevicePrefs(prefs: DevicePrefs): Promise<void> {
    return this.call('setDevicePrefs', [prefs]) as Promise<void>;
  }

  private call(method: PhoneMethod, args: unknown[]): Promise<unknown> {
    if (this.detached !== null) {
      return Promise.reject(new PhoneChannelError('no-engine', `${method}: ${this.detached}`));
    }
    const id = this.nextId++;
    const frame: RequestFrame = { kind: 'request', id, method, args };
    const timeoutMs = SLOW_PHONE_METHODS.has(method) ? this.slowTimeoutMs : this.timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const i = this.unsent.indexOf(frame);
        if (i >= 0) this.unsent.splice(i, 1);
        const why = i >= 0 ? 'no phone engine connected' : 'the phone engine did not answer';
        reject(new PhoneChannelError('timeout', `${method} #${id}: ${why} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      if (this.port) this.port.postMessage(frame);
      else this.unsent.push(frame);
    });
  }

  private receive(data: unknown): void {
    const answer = ResponseFrameSchema.safeParse(data);
    if (answer.success) return this.settle(answer.data);

    const notice = NoticeFrameSchema.safeParse(data);
    if (!notice.success) {
      deskLog.warn(
        `Dropped a frame from the phone engine: ${describeIssue(notice.error, 'frame')}.`,
      );
      return;
    }
    if (notice.data.kind === 'superseded') {
      deskLog.warn('Another desk connected to the phone engine; this one gets no more events.');
      this.detach('another desk window took over the phone');
      return;
    }
    const event = PhoneEventSchema.safeParse(notice.data.event);
    if (!event.success) {
      deskLog.warn(`Dropped a malformed phone event: ${describeIssue(event.error, 'event')}.`);
      return;
    }
    this.emit(event.data);
  }

  private settle(frame: ResponseFrame): void {
    if (frame.id === null) {
      const detail = frame.ok ? '' : `: ${frame.error.message}`;
      deskLog.error(`The phone engine could not read a request${detail}.`);
      return;
    }
    const pending = this.pending.get(frame.id);
    if (!pending) return;
    this.pending.delete(frame.id);
    clearTimeout(pending.timer);
    const label = `${pending.method} #${frame.id}`;

    if (!frame.ok) {
      pending.reject(new PhoneChannelError(frame.error.code, `${label}: ${frame.error.message}`));
      return;
    }
    const result = PHONE_METHODS[pending.method].result.safeParse(frame.result);
    if (!result.success) {
      const message = describeIssue(result.error, `the answer to ${label}`);
      pending.reject(new PhoneChannelError('bad-answer', message));
      return;
    }
    pending.resolve(result.data);
  }

  /** After a reconnect: the engine's state as events, so the store catches up. */
  private async replay(): Promise<void> {
    try {
      const snap = await this.snapshot();
      this.emit({
        type: 'registration',
        state: snap.registration,
        detail: snap.registrationDetail,
      });
      for (const call of snap.calls) this.emit({ type: 'call', call });
    } catch (error) {
      deskLog.warn(
        `Could not read the phone engine's state after a reconnect: ${describeError(error)}.`,
      );
    }
  }

  private emit(event: PhoneEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        deskLog.error(`A phone ${event.type} listener failed: ${describeError(error)}.`);
      }
    }
  }

  private failPending(reason: string): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new PhoneChannelError('no-engine', `${pending.method} #${id}: ${reason}`));
    }
    this.pending.clear();
    this.unsent.length = 0;
  }
}
