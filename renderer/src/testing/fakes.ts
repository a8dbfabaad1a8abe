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
import type { SipConfig } from '../../../shared/hub-api';
import type { OrderInput } from '../../../shared/order';
import type { PhoneControl, PhoneEvent } from '../phone/phone-types';
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

export class FakePhone implements PhoneControl {
  readonly commands: string[] = [];
  started: SipConfig | null = null;
  private readonly listeners = new Set<(event: PhoneEvent) => void>();

  async start(config: SipConfig) {
    this.commands.push('start');
    this.started = config;
  }
  async stop() {
    this.commands.push('stop');
  }
  async answer() {
    this.commands.push('answer');
  }
  async hangup() {
    this.commands.push('hangup');
  }
  subscribe(listener: (event: PhoneEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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

/** Handlers every signed-in test needs; a test overrides the ones it is about. */
export function baseHandlers(): Handlers {
  return {
    'session.get': () => null,
    'session.login': () => SESSION,
    'session.logout': () => ({}),
    'sync.status': () => SYNC,
    'sync.now': () => SYNC,
    'order.list': () => [],
    'call.event': () => ({}),
    'pop.lookup': ({ callerNumber }) => popFor(callerNumber),
    'agent.setState': ({ state }) => ({ state }),
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
  return { desk, phone, storage, clock, store, state: () => store.getState() };
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
