import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { z } from 'zod';
import {
  DESK_METHODS,
  isDeskMethod,
  type DeskErrorBody,
  type DeskMethod,
  type DeskResult,
  type Session,
} from '../../shared/desk-api.js';
import { maskPhone } from '../../shared/domain/phone.js';
import type { AgentState, HubEvent } from '../../shared/hub-api.js';
import { logCallEvent } from './call/call-reporter.js';
import { callerNumberKey } from './caller-number.js';
import { DeskError, describeIssue, fromHubError } from './desk-errors.js';
import { EventHub, type SeatCoreEventListener } from './events.js';
import { HubClient, type FetchLike } from './hub/hub-client.js';
import { HubHttpError } from './hub/hub-errors.js';
import { HubEvents } from './hub/hub-events.js';
import { PopService } from './pop/pop-service.js';
import { openSeatDatabase } from './store/database.js';
import { OrderStore } from './store/order-store.js';
import { createSealer } from './store/sealer.js';
import { SyncClient } from './sync/sync-client.js';

export interface SeatCoreOptions {
  /** Where the seat keeps its SQLite file (created if missing). */
  dataDir: string;
  /** The hub's base address, e.g. http://127.0.0.1:4000. */
  hubUrl: string;
  /** Overrides the id stored in the data file; normally left out (made once, then kept). */
  seatId?: string;
  /** pino logger; the core logs through children with a `category` field. */
  logger?: Logger;
  /** fetch implementation for the hub client (tests). */
  fetch?: FetchLike;
  /**
   * At least 32 bytes that encrypt citizen data at rest (Electron safeStorage, or the hub
   * for a web seat). Without it orders are stored in plain JSON and a warning is logged.
   */
  dataKey?: Uint8Array;
  /** Timings, mainly for tests. */
  tuning?: {
    syncIntervalMs?: number;
    syncBackoff?: { baseMs: number; maxMs: number };
    eventsReconnect?: { baseMs: number; maxMs: number };
    popCacheMs?: number;
    pushMaxMutations?: number;
    pushMaxBytes?: number;
  };
}

/** What `handle` answers: a DeskResponseFrame without its id. */
export type SeatCoreResponse = { ok: true; result: unknown } | { ok: false; error: DeskErrorBody };

export interface SeatCore {
  /** The stable id the seat pushes under. */
  readonly seatId: string;
  /**
   * Runs one desk call. Never throws: a refusal or a failure comes back as `ok: false`
   * with a code from DESK_ERROR_CODES. A refused call has not touched any stored data.
   */
  handle(method: unknown, params: unknown): Promise<SeatCoreResponse>;
  /** Desk events (DESK_EVENTS); returns a function that removes the listener. */
  onEvent(listener: SeatCoreEventListener): () => void;
  /** Ends the hub connections, waits for calls in flight and closes the store. */
  close(): Promise<void>;
}

/** Calls that work without a session; everything else needs a signed-in agent. */
const WITHOUT_SESSION = new Set<DeskMethod>([
  'session.login',
  'session.logout',
  'session.get',
  'sync.status',
  // Without a session a round only asks the hub's health: the sign-in screen's "retry".
  'sync.now',
]);

/** Longest list `order.list` returns. */
const ORDER_LIST_LIMIT = 500;

type Handlers = {
  [M in DeskMethod]: (
    params: z.infer<(typeof DESK_METHODS)[M]['params']>,
  ) => Promise<DeskResult<M>> | DeskResult<M>;
};

/**
 * The seat core: the local store, the sync client and the hub client behind the desk API
 * (shared/desk-api.ts). Plain Node: the Electron main process and the seat host are thin
 * adapters that pass `handle` calls in and `onEvent` events out.
 */
export function createSeatCore(options: SeatCoreOptions): SeatCore {
  const log = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const coreLog = log.child({ category: 'seat.core' });
  const callLog = log.child({ category: 'seat.call' });

  mkdirSync(options.dataDir, { recursive: true });
  const dbFile = path.join(options.dataDir, 'seat.sqlite');
  const db = openSeatDatabase(dbFile);
  const sealer = createSealer(options.dataKey);
  if (!sealer.encrypting) {
    coreLog.warn('No data key was given: citizen data on this seat is stored unencrypted.');
  }
  const store = new OrderStore(db, sealer, log.child({ category: 'seat.store' }));
  const seatId = options.seatId ?? store.seatId();

  const events = new EventHub((err) => coreLog.error({ err }, 'A desk event listener threw.'));
  const hub = new HubClient({
    baseUrl: options.hubUrl,
    fetch: options.fetch,
    log: log.child({ category: 'seat.hub' }),
    onSessionLost: () => endSession('The hub no longer accepts this session; sign in again.', true),
  });
  const pop = new PopService({
    hub,
    store,
    log: log.child({ category: 'seat.pop' }),
    ttlMs: options.tuning?.popCacheMs,
  });

  let session: Session | null = null;
  let closed = false;
  const inflight = new Set<Promise<unknown>>();

  const endSession = (reason: string, announce: boolean) => {
    if (!session) return;
    coreLog.info({ agentId: session.agent.id }, `Session of agent ${session.agent.id} ended.`);
    session = null;
    hub.forgetToken();
    hubEvents.stop();
    pop.clear();
    if (announce) events.emit({ event: 'session.ended', payload: { reason } });
  };

  const sync = new SyncClient({
    store,
    hub,
    seatId,
    log,
    emit: (event) => events.emit(event),
    hasSession: () => session !== null,
    onUnauthorized: (reason) => endSession(reason, true),
    intervalMs: options.tuning?.syncIntervalMs,
    backoff: options.tuning?.syncBackoff,
    maxMutations: options.tuning?.pushMaxMutations,
    maxBytes: options.tuning?.pushMaxBytes,
  });

  const onHubEvent = (event: HubEvent) => {
    switch (event.type) {
      case 'call.offered': {
        const { callId, caller, queue, waitMs } = event;
        callLog.info(
          { callId, event: 'offered', caller: maskPhone(callerNumberKey(caller)), queue, waitMs },
          `Call ${callId} offered by the hub from queue ${queue}.`,
        );
        pop.prefetch(caller);
        events.emit({ event: 'call.offered', payload: { callId, caller, queue, waitMs } });
        return;
      }
      case 'agent.state':
        events.emit({ event: 'agent.state', payload: { state: event.state } });
        return;
      case 'orders.changed':
        sync.trigger('hub-event', true);
        return;
    }
  };

  const hubEvents = new HubEvents({
    log: log.child({ category: 'seat.hub.events' }),
    onEvent: onHubEvent,
    onOpen: () => {
      sync.noteHubReachable(true);
      sync.trigger('hub-back', true);
    },
    onClose: () => {},
    onUnauthorized: () =>
      endSession('The hub no longer accepts this session; sign in again.', true),
    reconnect: options.tuning?.eventsReconnect,
  });

  // Agent state reports go out one at a time, in the order the calls happened. The hub
  // answers the state it holds afterwards, which every window is told, since it may differ
  // from the one asked for (ready, then at once ringing for a queued call).
  let stateChain: Promise<unknown> = Promise.resolve();
  const reportState = (state: AgentState): Promise<AgentState> => {
    const next = stateChain.then(async () => {
      const held = await hub.setAgentState(state);
      if (held !== state) {
        coreLog.info(
          { requested: state, agentState: held },
          `Asked the hub for state ${state}; it holds ${held}.`,
        );
      }
      events.emit({ event: 'agent.state', payload: { state: held } });
      return held;
    });
    stateChain = next.catch(() => {});
    return next;
  };

  const handlers: Handlers = {
    'session.login': async (params) => {
      let response;
      try {
        response = await hub.login(params);
      } catch (err) {
        if (err instanceof HubHttpError && err.status === 401) {
          throw new DeskError('bad-credentials', 'The account or the password is wrong.');
        }
        sync.noteHubReachable(!(fromHubError(err)?.code === 'hub-unreachable'));
        throw err;
      }
      endSession('Signed in again.', false);
      hub.adoptSession(response);
      session = { agent: response.agent, sip: response.sip };
      coreLog.info(
        { agentId: response.agent.id, extension: response.agent.extension },
        `Agent ${response.agent.id} signed in on extension ${response.agent.extension}.`,
      );
      hubEvents.start(() => hub.freshEventsUrl());
      sync.noteHubReachable(true);
      sync.trigger('login', true);
      return session;
    },

    'session.logout': async () => {
      if (!session) return {};
      try {
        await reportState('logged-out');
      } catch (err) {
        coreLog.warn(`Could not tell the hub about the logout: ${(err as Error).message}`);
      }
      try {
        await hub.signOut();
      } catch (err) {
        // The tokens are forgotten here anyway; the hub's expire on their own.
        coreLog.warn(`Could not revoke the session at the hub: ${(err as Error).message}`);
      }
      endSession('Signed out.', false);
      return {};
    },

    'session.get': () => session,

    'agent.setState': async ({ state }) => ({ state: await reportState(state) }),

    'call.event': (call) => {
      const state = logCallEvent(callLog, call);
      if (state) {
        reportState(state).catch((err: Error) =>
          callLog.warn(
            { callId: call.callId, agentState: state },
            `Could not report state ${state} for call ${call.callId}: ${err.message}`,
          ),
        );
      }
      return {};
    },

    'pop.lookup': ({ callerNumber }) => pop.lookup(callerNumber),

    'kb.search': ({ q }) => hub.kbSearch(q),

    'order.save': async ({ order }) => {
      const saved = await store.create(order);
      events.emit({ event: 'order.updated', payload: saved });
      sync.emitStatus();
      sync.trigger('save');
      return saved;
    },

    'order.list': ({ callerNumber }) => store.list({ callerNumber, limit: ORDER_LIST_LIMIT }),

    'sync.status': () => sync.status(),

    'sync.now': () => sync.syncNow(),
  };

  const run = async (method: DeskMethod, params: unknown): Promise<unknown> => {
    const spec = DESK_METHODS[method];
    const parsed = spec.params.safeParse(params === undefined ? {} : params);
    if (!parsed.success) {
      const { field, message } = describeIssue(parsed.error);
      throw new DeskError('bad-request', message, field || undefined);
    }
    if (!session && !WITHOUT_SESSION.has(method)) {
      throw new DeskError('not-logged-in', `Sign in before calling ${method}.`);
    }

    const handler = handlers[method] as (p: unknown) => Promise<unknown> | unknown;
    const result = await handler(parsed.data);

    const checked = spec.result.safeParse(result);
    if (!checked.success) {
      const { message } = describeIssue(checked.error);
      coreLog.error({ method }, `The result of ${method} breaks the desk contract: ${message}`);
      throw new DeskError('internal', `The seat core produced an invalid ${method} result.`);
    }
    return checked.data;
  };

  const toFailure = (method: string, err: unknown): SeatCoreResponse => {
    let desk = err instanceof DeskError ? err : fromHubError(err);
    if (desk?.code === 'not-logged-in' && err instanceof HubHttpError) {
      endSession(desk.message, true);
    }
    if (!desk) {
      coreLog.error({ err, method }, `${method} failed inside the seat core.`);
      desk = new DeskError('internal', `${method} failed inside the seat core; see the seat log.`);
    }
    return { ok: false, error: desk.toBody() };
  };

  coreLog.info({ seatId, dataDir: options.dataDir }, `Seat core ${seatId} opened ${dbFile}.`);
  sync.trigger('timer');

  return {
    seatId,

    async handle(method, params) {
      if (typeof method !== 'string') {
        return toFailure(
          'desk call',
          new DeskError('bad-request', 'method: expected a string', 'method'),
        );
      }
      if (!isDeskMethod(method)) {
        const shown = JSON.stringify(method.slice(0, 64));
        return toFailure(method, new DeskError('unknown-method', `Unknown desk method ${shown}.`));
      }
      if (closed) return toFailure(method, new DeskError('internal', 'The seat core is closed.'));

      const work = run(method, params);
      inflight.add(work);
      try {
        return { ok: true, result: await work };
      } catch (err) {
        return toFailure(method, err);
      } finally {
        inflight.delete(work);
      }
    },

    onEvent: (listener) => events.on(listener),

    async close() {
      if (closed) return;
      closed = true;
      hubEvents.stop();
      hub.close();
      await sync.close();
      await Promise.allSettled([...inflight, stateChain]);
      events.clear();
      db.close();
      coreLog.info({ seatId }, `Seat core ${seatId} closed.`);
    },
  };
}
