import {
  PHONE_LEASE_PATH,
  PhoneLeaseHostFrameSchema,
  type PhoneLeaseClientFrame,
} from '../../../shared/phone-lease';
import { deskSocketUrl } from '../bridge/pick-bridge';
import { Backoff } from '../lib/backoff';
import { createLogger } from '../lib/log';
import { withJitter } from '../phone/jitter';

const log = createLogger('seat.phone.lease');
/** WebSocket.OPEN, without needing the global (unit tests bring ws). */
const OPEN = 1;

/** Why this window may not run the phone (shared/phone-lease.ts). */
export type LeaseLoss =
  /** Another window has it: it was there first, or took it while this one was away. */
  | 'busy'
  /** Another window has just taken it over: stop the phone, then call released(). */
  | 'taken-over';

export interface PhoneLeaseEvents {
  /** This window may run the phone now. */
  onGranted(): void;
  onLost(reason: LeaseLoss): void;
}

/** The few WebSocket members the client uses (the browser's, or ws in unit tests). */
type SocketLike = Pick<WebSocket, 'readyState' | 'send' | 'close' | 'addEventListener'>;

export interface PhoneLeaseClientOptions {
  url: string;
  events: PhoneLeaseEvents;
  openSocket?: (url: string) => SocketLike;
  /** Reconnect delays of a window that holds the phone (doubling, jittered). */
  backoff?: Backoff;
}

/**
 * This window's side of the seat host's phone lease (shared/phone-lease.ts).
 *
 *   claiming ──granted──▶ owner ──taken-over / busy──▶ elsewhere ──takeOver()──▶ claiming
 *      │                  ▲   │ socket lost: reconnect with backoff, claim again
 *      └─no answer at all─┘   └──────────────────────────────────────────┘
 *
 * A seat host that does not answer at all (it is down, or an older one without the
 * lease) leaves the window the phone: one window with a phone is better than none. The
 * owner keeps reconnecting and claims again, so a seat host that comes back decides.
 * A window elsewhere stays quiet until the agent asks to take over.
 */
export class PhoneLeaseClient {
  private socket: SocketLike | null = null;
  private state: 'claiming' | 'owner' | 'elsewhere' = 'claiming';
  private takeover = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff: Backoff;
  private readonly openSocket: (url: string) => SocketLike;
  private stopped = false;

  constructor(private readonly options: PhoneLeaseClientOptions) {
    this.backoff = options.backoff ?? new Backoff(1000, 30_000);
    this.openSocket = options.openSocket ?? ((url) => new WebSocket(url));
  }

  get current(): 'claiming' | 'owner' | 'elsewhere' {
    return this.state;
  }

  start(): void {
    this.connect();
  }

  /** Asks for the phone even though another window has it (the agent pressed take over). */
  takeOver(): void {
    this.state = 'claiming';
    this.takeover = true;
    if (this.socket?.readyState === OPEN) this.send({ type: 'claim', takeover: true });
    else if (!this.socket) this.connect();
  }

  /** Tells the seat host this window's phone has stopped after `taken-over`. */
  released(): void {
    this.send({ type: 'released' });
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'The phone host page is stopping.');
    this.socket = null;
  }

  private connect(): void {
    if (this.stopped || this.socket) return;
    const socket = this.openSocket(this.options.url);
    this.socket = socket;
    let answered = false;
    socket.addEventListener('open', () => {
      this.send({ type: 'claim', takeover: this.takeover });
    });
    socket.addEventListener('message', (event: MessageEvent) => {
      answered = true;
      this.onFrame(event.data);
    });
    // A failed socket also closes; the close decides what comes next.
    socket.addEventListener('error', () => undefined);
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.onClosed(answered);
    });
  }

  private onFrame(data: unknown): void {
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      json = undefined;
    }
    const parsed = PhoneLeaseHostFrameSchema.safeParse(json);
    if (!parsed.success) {
      log.warn('The seat host sent a phone lease frame that cannot be read; ignored.');
      return;
    }
    const frame = parsed.data;
    if (frame.type === 'error') {
      log.error(`The seat host refused a phone lease frame: ${frame.message}`);
      return;
    }
    if (frame.type === 'granted') {
      const was = this.state;
      this.state = 'owner';
      this.takeover = false;
      this.backoff.reset();
      if (was !== 'owner') {
        log.info('This window runs the seat phone (lease granted).');
        this.options.events.onGranted();
      }
      return;
    }
    this.state = 'elsewhere';
    this.takeover = false;
    log.warn(
      frame.type === 'busy'
        ? 'Another window runs the seat phone; this one does not start it.'
        : 'Another window took the seat phone over; stopping it here.',
    );
    this.options.events.onLost(frame.type);
  }

  private onClosed(answered: boolean): void {
    if (this.stopped || this.state === 'elsewhere') return;
    if (this.state === 'claiming' && !answered && !this.takeover) {
      log.warn('The seat host gave no phone lease; running the phone in this window anyway.');
      this.state = 'owner';
      this.options.events.onGranted();
    }
    const delay = withJitter(this.backoff.next());
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private send(frame: PhoneLeaseClientFrame): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(frame));
  }
}

/** The lease socket next to the desk socket the page talks to (`?desk=` moves both). */
export function phoneLeaseUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const desk = new URL(deskSocketUrl(location));
  desk.pathname = desk.pathname.replace(/\/desk$/, '') + PHONE_LEASE_PATH;
  desk.search = '';
  return desk.toString();
}
