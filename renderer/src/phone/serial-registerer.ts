import { Registerer, type Core, type Emitter, type RegistererRegisterOptions } from 'sip.js';

type OutgoingRegisterRequest = Core.OutgoingRegisterRequest;

/**
 * FIXME: sip.js 0.21 keeps `waiting` and `waitingChange` private in its typings though
 * its JavaScript has them as public getters; they are read through this view.
 */
interface WaitingView {
  readonly waiting: boolean;
  readonly waitingChange: Emitter<boolean>;
}

interface Queued {
  options: RegistererRegisterOptions;
  promise: Promise<OutgoingRegisterRequest>;
  resolve(request: OutgoingRegisterRequest): void;
  reject(error: unknown): void;
}

/**
 * A Registerer that keeps one REGISTER in flight at a time and never drops a refresh.
 *
 * RFC 3261 §10.2 forbids a new REGISTER before the previous one has a final answer or
 * timed out. sip.js 0.21 keeps that rule by rejecting register() while one is out; its
 * own refresh timer ignores that rejection, so a refresh that fires while a REGISTER is
 * unanswered is lost and the binding expires (CASES F02). Here such a call waits and goes
 * out once the answer (or the 408 of the timeout) is in; calls that pile up meanwhile
 * share that one REGISTER.
 *
 *   idle ──register──▶ in flight ──final answer / timeout──▶ idle
 *                         │ register                           ▲
 *                         ▼                                    │
 *                      queued (one) ──────answer, then sent─────┘
 *
 * 423 Interval Too Brief is sip.js's own: it takes Min-Expires as the new expiry, sends
 * again at once (without the caller's request delegate) and refreshes from what the
 * registrar grants (RFC 3261 §10.2.8). Watch the state and `inFlightChange` rather than
 * a request delegate to learn how a registration went.
 */
export class SerialRegisterer extends Registerer {
  private queued: Queued | null = null;

  /** True while a REGISTER has no final answer yet. */
  get inFlight(): boolean {
    return (this as unknown as WaitingView).waiting;
  }

  /** Emits true when a REGISTER goes out and false when its final answer (or 408) is in. */
  get inFlightChange(): Emitter<boolean> {
    return (this as unknown as WaitingView).waitingChange;
  }

  override register(options: RegistererRegisterOptions = {}): Promise<OutgoingRegisterRequest> {
    if (!this.inFlight && !this.queued) return super.register(options);

    if (this.queued) {
      if (options.requestDelegate || options.requestOptions) this.queued.options = options;
      return this.queued.promise;
    }
    let resolve!: Queued['resolve'];
    let reject!: Queued['reject'];
    const promise = new Promise<OutgoingRegisterRequest>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    this.queued = { options, promise, resolve, reject };
    const listener = (waiting: boolean) => {
      if (waiting) return;
      this.inFlightChange.removeListener(listener);
      // After the answer's handlers ran: sip.js may send again itself (423), then wait more.
      queueMicrotask(() => this.flush());
    };
    this.inFlightChange.addListener(listener);
    return promise;
  }

  /** Whether a REGISTER is waiting for the one in flight. */
  get hasQueued(): boolean {
    return this.queued !== null;
  }

  private flush(): void {
    const queued = this.queued;
    if (!queued) return;
    if (this.inFlight) {
      this.queued = null;
      void this.register(queued.options).then(queued.resolve, queued.reject);
      return;
    }
    this.queued = null;
    try {
      super.register(queued.options).then(queued.resolve, queued.reject);
    } catch (error) {
      queued.reject(error);
    }
  }
}
