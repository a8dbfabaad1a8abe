/**
 * Test doubles for the store: a desk bridge answering from handlers the test gives, and a
 * phone that records commands. For unit tests only.
 */
import {
  DeskCallError,
  type DeskBridge,
  type DeskErrorCode,
  type DeskEvent,
  type DeskEventPayload,
  type DeskMethod,
  type DeskParams,
  type DeskResult,
  type LocalOrder,
  type Pop,
  type SeatStatus,
  type Session,
  type SyncStatus,
} from '../../../shared/desk-api';
import type { Callback, SipConfig } from '../../../shared/hub-api';
import type { OrderInput } from '../../../shared/order';
import type {
  DevicePrefs,
  DialOptions,
  PhoneCall,
  PhoneControl,
  PhoneEvent,
  PhoneSnapshot,
  SeatDevices,
} from '../phone/phone-types';
import { createDeskStore } from '../store/create-store';

type Handler<M extends DeskMethod> = (
  params: DeskParams<M>,
) => DeskResult<M> | Promise<DeskResult<M>>;
type Handlers = { [M in DeskMethod]?: Handler<M> };

export class FakeDesk implements DeskBridge {
  readonly calls: Array<{ method: DeskMethod; params: unknown }> = [];
  private readonly listeners = new Map<DeskEvent, Set<(payload: never) => void>>();

  constructor(public handlers: Handlers = {}) {}

  async call<M extends DeskMethod>(method: M, params: DeskParams<M>): Promise<DeskResult<M>> {
    this.calls.push({ method, params });
    const handler = this.handlers[method] as Handler<M> | undefined;
    if (!handler) throw new DeskCallError('unknown-method', `no fake for ${method}`);
    return handler(params);
  }

  on<E extends DeskEvent>(event: E, listener: (payload: DeskEventPayload<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<E extends DeskEvent>(event: E, payload: DeskEventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload as never);
  }

  callsOf(method: DeskMethod): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.params);
  }
}

export function fail(code: DeskErrorCode, field?: string): never {
  throw new DeskCallError(code, `fake ${code}`, field);
}

/** A line as the engine would report it; a test overrides what it is about. */
export function phoneCall(extra: Partial<PhoneCall> = {}): PhoneCall {
  return {
    callId: 'c1',
    direction: 'inbound',
    remote: '13800138000',
    queue: 'general',
    waitMs: 23_400,
    phase: 'ringing',
    held: false,
    remoteHeld: false,
    muted: false,
    video: false,
    contextCallId: null,
    conferencedWith: null,
    transfer: null,
    startedAt: 1_000_000,
    answeredAt: null,
    endedAt: null,
    outcome: null,
    failure: null,
    ...extra,
  };
}

export const DEFAULT_PREFS: DevicePrefs = {
  microphoneId: null,
  speakerId: null,
  ringerId: null,
  cameraId: null,
  ringVolume: 0.8,
  ringTone: 'classic',
};

/**
 * A phone engine that records the commands it gets ("hold c1") and answers from what the
 * test set: `snap` for snapshot(), `devices` for listDevices(), `failWith` to reject the
 * next command. emit() plays an engine event to the desk.
 */
export class FakePhone implements PhoneControl {
  readonly commands: string[] = [];
  started: SipConfig | null = null;
  snap: PhoneSnapshot = {
    started: false,
    registration: 'idle',
    registrationDetail: null,
    calls: [],
    devices: DEFAULT_PREFS,
  };
  devices: SeatDevices = {
    microphones: [{ deviceId: 'mic-1', label: 'Headset mic' }],
    speakers: [{ deviceId: 'spk-1', label: 'Headset' }],
    cameras: [],
    microphone: 'ok',
  };
  savedPrefs: DevicePrefs[] = [];
  rungWith: DevicePrefs[] = [];
  failWith: Error | null = null;
  /** While set, hangup, hold and resume wait for it: a command still in flight. */
  gate: Promise<void> | null = null;
  private nextCall = 1;
  private readonly listeners = new Set<(event: PhoneEvent) => void>();

  private run(command: string): void {
    this.commands.push(command);
    const error = this.failWith;
    this.failWith = null;
    if (error) throw error;
  }

  async start(config: SipConfig) {
    this.run('start');
    this.started = config;
  }
  async stop() {
    this.run('stop');
  }
  async snapshot() {
    return this.snap;
  }
  async answer(callId: string) {
    this.run(`answer ${callId}`);
  }
  async hangup(callId: string) {
    this.run(`hangup ${callId}`);
    if (this.gate) await this.gate;
  }
  async hold(callId: string) {
    this.run(`hold ${callId}`);
    if (this.gate) await this.gate;
  }
  async resume(callId: string) {
    this.run(`resume ${callId}`);
    if (this.gate) await this.gate;
  }
  async setMuted(callId: string, muted: boolean) {
    this.run(`${muted ? 'mute' : 'unmute'} ${callId}`);
  }
  async sendDtmf(callId: string, digits: string) {
    this.run(`dtmf ${callId} ${digits}`);
  }
  /** Recorded as "dial 123453", with " context=<call>" and " video" when given. */
  async dial(target: string, options: DialOptions = {}) {
    const context = options.contextCallId ? ` context=${options.contextCallId}` : '';
    this.run(`dial ${target}${context}${options.video ? ' video' : ''}`);
    return `out-${this.nextCall++}`;
  }
  async transfer(callId: string, target: string) {
    this.run(`transfer ${callId} ${target}`);
  }
  async completeTransfer(callId: string, consultCallId: string) {
    this.run(`complete ${callId} ${consultCallId}`);
  }
  async conference(callIdA: string, callIdB: string) {
    this.run(`conference ${callIdA} ${callIdB}`);
  }
  async split(callId: string) {
    this.run(`split ${callId}`);
  }
  async testRing(prefs: DevicePrefs) {
    this.run('testRing');
    this.rungWith.push(prefs);
  }
  async listDevices() {
    return this.devices;
  }
  async setDevicePrefs(prefs: DevicePrefs) {
    this.run('setDevicePrefs');
    this.savedPrefs.push(prefs);
  }
  subscribe(listener: (event: PhoneEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: PhoneEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

export class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

export const SESSION: Session = {
  agent: {
    id: 'a-7',
    account: 'gh0137',
    name: '李敏',
    role: 'agent',
    extension: '1001',
    queues: ['general'],
  },
  sip: {
    wsUrl: 'ws://127.0.0.1:8080/ws',
    domain: 'hotline.local',
    user: '1001',
    displayName: '李敏',
  },
  offline: false,
};

export const SYNC: SyncStatus = {
  hubReachable: true,
  pending: 0,
  rejected: 0,
  conflicts: 0,
  syncing: false,
  lastSuccessAt: null,
  lastError: null,
  nextRetryAt: null,
  catchUp: null,
};

export const SEAT_STATUS: SeatStatus = {
  seatId: 'seat-1',
  keySource: 'os',
  unlocked: true,
  offlineSignIn: true,
  notices: [],
};

export function popFor(number: string, extra: Partial<Pop> = {}): Pop {
  return {
    number,
    history: { number, orders: [], calls: [], total: 0 },
    historyError: null,
    topic: null,
    kb: null,
    localOrders: [],
    ...extra,
  };
}

export function localOrder(input: OrderInput, extra: Partial<LocalOrder> = {}): LocalOrder {
  return {
    localId: 'L-1',
    status: 'pending',
    orderNo: null,
    rejectReason: null,
    origin: 'seat',
    createdAt: '2026-12-04T02:00:00.000Z',
    input,
    hub: null,
    pendingEdits: 0,
    openConflicts: 0,
    ...extra,
  };
}

/** A callback the hub handed this agent (callback.next). */
export const CALLBACK: Callback = {
  id: 'cb-1',
  number: '13712345678',
  queue: 'general',
  abandonedAt: '2026-12-04T01:50:00.000Z',
  waitMs: 95_000,
  abandons: 1,
  attempts: 0,
  status: 'taken',
  takenBy: 'a-7',
  lastOutcome: null,
};

/** Handlers every signed-in test needs; a test overrides the ones it is about. */
export function baseHandlers(): Handlers {
  return {
    'session.get': () => null,
    'session.login': () => SESSION,
    'session.logout': () => ({}),
    'sync.status': () => SYNC,
    'sync.now': () => SYNC,
    'order.list': () => [],
    'pop.lookup': ({ callerNumber }) => popFor(callerNumber),
    'agent.setState': ({ state, reason }) => (reason ? { state, reason } : { state }),
    'agent.get': () => ({ state: 'not-ready', reason: 'signed-in' }),
    'callback.list': () => ({ open: 0, items: [] }),
    'callback.next': () => null,
    'callback.result': () => ({}),
    'seat.status': () => SEAT_STATUS,
    'seat.dismissNotice': () => ({}),
    'draft.get': () => null,
    'draft.save': () => ({}),
    'draft.discard': () => ({}),
    'conflict.list': () => [],
    'sync.rejected': () => [],
  };
}

/** A store over fakes, with a clock the test moves. */
export function setup(handlers: Handlers = {}) {
  const desk = new FakeDesk({ ...baseHandlers(), ...handlers });
  const phone = new FakePhone();
  const storage = new MemoryStorage();
  const clock = { now: 1_000_000 };
  const store = createDeskStore({ desk, phone, storage, now: () => clock.now });
  phone.subscribe((event) => store.getState().phoneEvent(event));
  return { desk, phone, storage, clock, store, state: () => store.getState() };
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
