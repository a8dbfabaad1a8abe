import { RegistererState, type UserAgent } from 'sip.js';
import { Backoff } from '../lib/backoff';
import { createLogger, describeError } from '../lib/log';
import { withJitter } from './jitter';
import type { PhoneEvent, RegistrationState } from './phone-types';
import { SerialRegisterer } from './serial-registerer';

const regLog = createLogger('seat.sip.registration');

/** Registration lifetime asked of the registrar; sip.js refreshes it before it runs out. */
const REGISTER_EXPIRES_S = 300;

/** What the registration tells the phone. */
export interface RegistrationHost {
  emit(event: PhoneEvent): void;
  /** The registrar took the seat (again): calls that were up may need a target refresh. */
  onRegistered(): void;
  /** The transport went down while the phone runs; the calls stay. */
  onTransportLost(): void;
}

/**
 * Keeps the seat registered: one Registerer (one REGISTER in flight, SerialRegisterer)
 * with the same Contact for the life of a start; a dropped transport reconnects after a
 * doubling, jittered delay (1 s to 30 s, at once on the browser's `online`) and then
 * re-registers; a refused, lost or expired registration is retried after its answer.
 * The state follows each REGISTER's final answer, not only the Registerer's state: after
 * a PBX restart the Registerer is still Registered, so an accepted re-REGISTER changes
 * no state of its own.
 *
 *   connecting ──transport up──▶ registering ──200──▶ registered
 *       ▲                             │ 4xx-6xx            │ transport down, lapsed
 *       └──────── retry (backoff) ◀── failed / unregistered ◀┘
 */
export class SeatRegistration {
  private readonly backoff = new Backoff(1000, 30_000);
  private ua: UserAgent | null = null;
  private registerer: SerialRegisterer | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private current: RegistrationState = 'idle';
  private currentDetail: string | null = null;

  constructor(private readonly host: RegistrationHost) {}

  get state(): RegistrationState {
    return this.current;
  }

  get detail(): string | null {
    return this.currentDetail;
  }

  /** Connects `ua` and registers it; resolves once the first connect was tried. */
  async begin(ua: UserAgent, wsUrl: string): Promise<void> {
    const registerer = new SerialRegisterer(ua, { expires: REGISTER_EXPIRES_S });
    registerer.stateChange.addListener((state) => {
      if (this.registerer === registerer) this.onRegistererState(state);
    });
    registerer.inFlightChange.addListener((inFlight) => {
      // Every final answer, also to a re-REGISTER after a reconnect or a 423 retry, which
      // change no state: the status follows the registrar, not only the Registerer.
      if (this.registerer !== registerer || inFlight || !this.running) return;
      if (registerer.state === RegistererState.Registered) this.registered();
    });
    this.ua = ua;
    this.registerer = registerer;
    this.running = true;
    window.addEventListener('online', this.onOnline);

    this.set('connecting', null);
    regLog.info(`Starting ${ua.configuration.uri.toString()} over ${wsUrl}.`);
    try {
      await ua.start();
    } catch (error) {
      if (this.ua !== ua) return; // Stopped meanwhile.
      this.set('failed', `cannot reach ${wsUrl}: ${describeError(error)}`);
      this.retryLater();
    }
  }

  /** Stops keeping the seat registered; answers the Registerer, for its un-REGISTER. */
  end(): SerialRegisterer | null {
    const registerer = this.registerer;
    this.running = false;
    this.clearRetry();
    window.removeEventListener('online', this.onOnline);
    this.ua = null;
    this.registerer = null;
    return registerer;
  }

  onTransportUp(): void {
    regLog.info('Transport is up; registering.');
    this.backoff.reset();
    this.register();
  }

  onTransportDown(error?: Error): void {
    if (!this.running) return;
    const detail = error ? describeError(error) : 'transport closed';
    this.host.onTransportLost();
    this.set('connecting', detail);
    this.retryLater();
  }

  set(state: RegistrationState, detail: string | null): void {
    if (state === this.current && detail === null) return;
    this.current = state;
    this.currentDetail = detail;
    if (detail) regLog.info(`Registration is ${state}: ${detail}.`);
    this.host.emit({ type: 'registration', state, detail });
  }

  private registered(): void {
    this.backoff.reset();
    this.set('registered', null);
    this.host.onRegistered();
  }

  private register(): void {
    const registerer = this.registerer;
    if (!this.running || !registerer) return;
    if (this.current !== 'registered') this.set('registering', null);
    registerer
      .register({
        requestDelegate: {
          onReject: (response) => {
            if (this.registerer !== registerer || !this.running) return;
            const { statusCode, reasonPhrase } = response.message;
            this.set('failed', `registrar answered ${statusCode} ${reasonPhrase}`);
            this.retryLater();
          },
        },
      })
      .catch((error: unknown) => {
        // The Registerer was disposed, or the transport went away.
        regLog.warn(`REGISTER not sent: ${describeError(error)}.`);
        this.retryLater();
      });
  }

  private onRegistererState(state: RegistererState): void {
    if (state === RegistererState.Registered) {
      this.registered();
    } else if (state === RegistererState.Unregistered && this.running) {
      this.set('unregistered', 'registration lapsed');
      this.retryLater();
    }
  }

  /** One retry timer at a time: reconnect when the transport is down, else re-register. */
  private retryLater(): void {
    if (!this.running || this.retryTimer) return;
    const delay = withJitter(this.backoff.next());
    regLog.warn(`Phone is ${this.current}; next try in ${delay} ms.`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryNow();
    }, delay);
  }

  private retryNow(): void {
    const ua = this.ua;
    if (!this.running || !ua) return;
    if (ua.isConnected()) {
      this.register();
      return;
    }
    this.set('connecting', null);
    ua.reconnect().catch((error: unknown) => {
      this.set('failed', `cannot reach the PBX: ${describeError(error)}`);
      this.retryLater();
    });
  }

  private readonly onOnline = () => {
    if (!this.running || this.current === 'registered') return;
    this.clearRetry();
    this.backoff.reset();
    this.retryNow();
  };

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
