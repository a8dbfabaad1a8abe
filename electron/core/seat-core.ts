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
import type {
  AgentState,
  AgentStatus,
  HubEvent,
  LoginRequest,
  LoginResponse,
} from '../../shared/hub-api.js';
import { OfflineCredentials } from './auth/offline-credentials.js';
import { CallReporter, type CallEventName } from './call/call-reporter.js';
import { centreOrderHandlers } from './centre-orders.js';
import { callerNumberKey } from './caller-number.js';
import { DeskError, describeIssue, fromHubError } from './desk-errors.js';
import { EventHub, type SeatCoreEventListener } from './events.js';
import { HubClient, type FetchLike, type SeatNotReadyReason } from './hub/hub-client.js';
import { HubHttpError, HubProtocolError } from './hub/hub-errors.js';
import { HubEvents } from './hub/hub-events.js';
import { PopService } from './pop/pop-service.js';
import { decodeHubDataKey, fixedKeyStore, type KeyStore } from './store/key-store.js';
import { OrderNotEditableError } from './store/order-store.js';
import { SeatStore } from './store/seat-store.js';
import { StoreLockedError } from './store/writer.js';
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
   * Where the key that seals citizen data at rest comes from (store/key-store.ts): the OS
   * key store on the desktop seat, the hub at sign-in on the web seat. Without one the
   * store is plain (development only) and seat.status carries a store-unencrypted notice.
   */
  keyStore?: KeyStore;
  /** Shorthand for a fixed key (at least 32 bytes), as an OS key store that has it. */
  dataKey?: Uint8Array;
  /**
   * The desktop seat may sign in with the last known credentials while the hub is down;
   * a web seat is refused with offline-sign-in-unavailable.
   */
  offlineSignIn?: boolean;
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
  'seat.status',
  'seat.dismissNotice',
]);

/** Longest list `order.list` returns. */
const ORDER_LIST_LIMIT = 500;
/** Agent states in which a call the hub offered this seat may still ring or talk here. */
const POP_KEEPING_STATES = new Set<AgentState>(['ringing', 'on-call']);
/** Engine call events after which the call's prefetched pop is dropped. */
const CALL_OVER_EVENTS = new Set<CallEventName>(['ended', 'missed', 'failed']);

/** The largest recording the desk plays (desk-api 'recording.get'): 32 MB of audio. */
export const MAX_RECORDING_BYTES = 32 * 1024 * 1024;

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
  const storage = new SeatStore(dbFile, log.child({ category: 'seat.store' }));
  const keyStore = options.keyStore ?? (options.dataKey ? fixedKeyStore(options.dataKey) : null);
  const keySource = keyStore?.source ?? 'none';
  const offlineSignIn = options.offlineSignIn ?? false;
  if (keyStore?.source === 'os') {
    try {
      storage.unlock(keyStore.load());
    } catch (err) {
      coreLog.error({ err }, `The seat key could not be read: ${(err as Error).message}`);
    }
  } else if (!keyStore) {
    coreLog.warn('No key store was given: citizen data on this seat is stored unencrypted.');
    storage.unlock(undefined);
  }
  const seatId = options.seatId ?? storage.seatId();
  const credentials = new OfflineCredentials(() => storage);

  const events = new EventHub((err) => coreLog.error({ err }, 'A desk event listener threw.'));
  const hub = new HubClient({
    baseUrl: options.hubUrl,
    fetch: options.fetch,
    log: log.child({ category: 'seat.hub' }),
    onSessionLost: () => endSession('The hub no longer accepts this session; sign in again.', true),
  });
  const pop = new PopService({
    hub,
    store: () => storage.orders,
    onKbShown: (response) => rememberKb(response.hits),
    log: log.child({ category: 'seat.pop' }),
    ttlMs: options.tuning?.popCacheMs,
  });

  let session: Session | null = null;
  // Drafts belong to the agent who typed them: a desk PC is shared between shifts, and
  // the next agent's form must not open on the last one's half-typed order.
  function draftKey(slot: string): string;
  function draftKey(slot: string | undefined): string | undefined;
  function draftKey(slot: string | undefined): string | undefined {
    if (slot === undefined) return undefined;
    if (!session) throw new DeskError('not-logged-in', 'Sign in before using drafts.');
    return `${session.agent.id}/${slot}`;
  }
  /** An offline session's sign-in, kept in memory only until the hub answers again. */
  let offlineLogin: LoginRequest | null = null;
  let closed = false;
  const inflight = new Set<Promise<unknown>>();

  const seatStatus = (): DeskResult<'seat.status'> => {
    const notices = [...storage.notices()];
    if (keySource === 'none') {
      notices.push({
        id: 'store-unencrypted',
        kind: 'store-unencrypted',
        message: 'This seat was started without a key store: its data is not encrypted.',
        file: null,
        at: new Date(0).toISOString(),
      });
    }
    return { seatId, keySource, unlocked: storage.unlocked, offlineSignIn, notices };
  };
  const emitSeatStatus = () => events.emit({ event: 'seat.status', payload: seatStatus() });

  const endSession = (reason: string, announce: boolean) => {
    if (!session) return;
    status = null;
    coreLog.info({ agentId: session.agent.id }, `Session of agent ${session.agent.id} ended.`);
    session = null;
    offlineLogin = null;
    hub.forgetToken();
    storage.setAgent(null);
    hubEvents.stop();
    pop.clear();
    if (keySource === 'hub') {
      // The web seat's key lives in memory for the session only.
      storage.lock();
      emitSeatStatus();
    }
    if (announce) events.emit({ event: 'session.ended', payload: { reason } });
  };

  const rememberKb = (hits: DeskResult<'kb.search'>['hits']) => {
    if (!storage.unlocked) return;
    storage.kb.remember(hits).catch((err: Error) => {
      coreLog.warn(`Could not keep KB articles for offline use: ${err.message}`);
    });
  };

  const sync = new SyncClient({
    store: storage,
    hub,
    seatId,
    log,
    emit: (event) => events.emit(event),
    hasSession: () => session !== null && !session.offline && hub.hasToken && storage.unlocked,
    onHubHealthy: () => signInForReal(),
    onUnauthorized: (reason) => endSession(reason, true),
    intervalMs: options.tuning?.syncIntervalMs,
    backoff: options.tuning?.syncBackoff,
    maxMutations: options.tuning?.pushMaxMutations,
    maxBytes: options.tuning?.pushMaxBytes,
  });

  const calls = new CallReporter(callLog);

  const onHubEvent = (event: HubEvent) => {
    switch (event.type) {
      case 'call.offered': {
        const { callId, caller, queue, waitMs } = event;
        const receivedAt = performance.now();
        calls.noteOffered(callId);
        const offer = { callId, caller, queue, waitMs };
        // The hub sent the pop: the desk gets it with the offer at once (no pop.lookup), or,
        // when the hub sent a part as its error, the offer alone and looks the pop up.
        let ready: ReturnType<PopService['offered']> = null;
        if (!event.pop) {
          pop.prefetch(callId, caller);
        } else {
          try {
            ready = pop.offered(callId, caller, event.pop);
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            callLog.warn({ callId }, `Pop of call ${callId} not built: ${message}`);
          }
        }
        const popMs = Math.round((performance.now() - receivedAt) * 100) / 100;
        events.emit({ event: 'call.offered', payload: ready ? { ...offer, pop: ready } : offer });
        callLog.info(
          {
            callId,
            event: 'offered',
            caller: maskPhone(callerNumberKey(caller)),
            queue,
            waitMs,
            pop: ready ? 'sent' : event.pop ? 'partial' : 'none',
            popMs,
          },
          `Call ${callId} offered by the hub from queue ${queue}.`,
        );
        return;
      }
      case 'agent.state': {
        const { type: _type, ...status } = event;
        const held = adoptStatus(status, 'hub event');
        // Out of ringing and talking (missed, requeued, wrap-up): no offered call rings here.
        if (held === status && !POP_KEEPING_STATES.has(held.state)) pop.forgetOffers();
        return;
      }
      case 'orders.changed':
        sync.trigger('hub-event', true);
        return;
      case 'callbacks.changed':
        events.emit({ event: 'callbacks.changed', payload: { open: event.open } });
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
    hurry: () => storage.orders.counts().pending > 0,
  });

  /**
   * The agent's status as last heard from the hub (an answer or an agent.state event).
   * Answers and events come on two connections, so one can overtake the other: a status
   * that entered its state before the one held (`since`, hub time) is stale and dropped.
   */
  let status: AgentStatus | null = null;
  const adoptStatus = (next: AgentStatus, from: string): AgentStatus => {
    const held = status;
    const at = (s: AgentStatus | null) => (s?.since ? Date.parse(s.since) : NaN);
    if (held && at(next) < at(held)) {
      coreLog.debug(
        { agentState: next.state, held: held.state },
        `Dropped a stale agent state ${next.state} (${from}); the hub holds ${held.state}.`,
      );
      return held;
    }
    status = next;
    if (JSON.stringify(held) !== JSON.stringify(next)) {
      events.emit({ event: 'agent.state', payload: next });
    }
    return next;
  };

  /** Agent states live at the hub: without it (an offline session) there is none to set. */
  const requireHub = (what: string) => {
    if (session?.offline || !hub.hasToken) {
      throw new DeskError(
        'hub-unreachable',
        `${what} need the hub, which cannot be reached now; try again when it is back.`,
      );
    }
  };

  // Agent state reports go out one at a time, in the order the calls happened. The hub
  // answers the status it holds afterwards, which every window is told, since it may
  // differ from the one asked for (ready, then at once ringing for a queued call).
  let stateChain: Promise<unknown> = Promise.resolve();
  const reportState = (state: AgentState, reason?: SeatNotReadyReason): Promise<AgentStatus> => {
    const next = stateChain.then(async () => {
      const answer = await hub.setAgentState(state, reason);
      if (answer.state !== state) {
        coreLog.info(
          { requested: state, agentState: answer.state },
          `Asked the hub for state ${state}; it holds ${answer.state}.`,
        );
      }
      return adoptStatus(answer, 'answer');
    });
    stateChain = next.catch(() => {});
    return next;
  };

  const handlers: Handlers = {
    'session.login': async (params) => {
      const request: LoginRequest =
        keySource === 'hub' ? { ...params, dataKeyFor: seatId } : params;
      let response: LoginResponse;
      try {
        response = await hub.login(request);
      } catch (err) {
        if (err instanceof HubHttpError && err.status === 401) {
          throw new DeskError('bad-credentials', 'The account or the password is wrong.');
        }
        if (fromHubError(err)?.code !== 'hub-unreachable') throw err;
        sync.noteHubReachable(false);
        return signInOffline(params);
      }
      return adopt(response, params);
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

    'session.get': () =>
      session && { ...session, hubOffsetMs: hub.hubOffsetMs ?? session.hubOffsetMs ?? 0 },

    'agent.setState': async ({ state, reason }) => {
      if (state === 'not-ready' && reason === undefined) {
        throw new DeskError(
          'bad-request',
          'reason: not-ready needs a reason (break, meal, training, meeting, paperwork, other)',
          'reason',
        );
      }
      requireHub('Agent states');
      return reportState(state, reason);
    },

    'agent.get': async () => {
      if (session?.offline || !hub.hasToken) return status;
      try {
        return adoptStatus(await hub.agentState(), 'asked');
      } catch (err) {
        coreLog.info(`Could not ask the hub for the agent state: ${(err as Error).message}`);
        return status;
      }
    },

    'callback.list': () => {
      requireHub('Callbacks');
      return hub.callbacks();
    },

    'callback.next': async () => {
      requireHub('Callbacks');
      const taken = await hub.callbackNext();
      if (taken) {
        callLog.info(
          { callback: taken.id, caller: maskPhone(callerNumberKey(taken.number)) },
          `Took callback ${taken.id} to ${maskPhone(callerNumberKey(taken.number))}.`,
        );
      }
      return taken;
    },

    'callback.result': async ({ id, outcome }) => {
      requireHub('Callbacks');
      try {
        await hub.callbackResult(id, outcome);
      } catch (err) {
        if (err instanceof HubHttpError && (err.status === 404 || err.status === 409)) {
          throw new DeskError('not-found', `Callback ${id} is not yours to report: ${err.message}`);
        }
        throw err;
      }
      callLog.info({ callback: id, outcome }, `Callback ${id} reported: ${outcome}.`);
      return {};
    },

    'call.event': (call) => {
      const state = calls.report(call);
      if (CALL_OVER_EVENTS.has(call.event)) pop.forgetCall(call.callId);
      if (state && !session?.offline && hub.hasToken) {
        reportState(state).catch((err: Error) =>
          callLog.warn(
            { callId: call.callId, agentState: state },
            `Could not report state ${state} for call ${call.callId}: ${err.message}`,
          ),
        );
      }
      return {};
    },

    'pop.lookup': ({ callerNumber, contextCallId, callId, queue }) =>
      pop.lookup(callerNumber, contextCallId, callId, queue),

    'call.handover': async (request) => {
      requireHub('Handovers');
      const { id } = await hub.sendHandover(request);
      const caller = maskPhone(callerNumberKey(request.callerNumber));
      callLog.info(
        { callId: request.callId, caller, target: request.target, handover: id },
        `Handover ${id} of call ${request.callId} (${caller}) sent to ${request.target}.`,
      );
      return { id };
    },

    'recording.get': async ({ callId }) => {
      requireHub('Recordings');
      try {
        const recording = await hub.recording(callId);
        if (!recording) throw new DeskError('not-found', `Call ${callId} has no recording.`);
        if (recording.bytes > MAX_RECORDING_BYTES) {
          throw new DeskError(
            'bad-request',
            `The recording of call ${callId} is ${recording.bytes} bytes; the desk plays ` +
              `recordings up to ${MAX_RECORDING_BYTES} bytes (32 MB).`,
          );
        }
        const audio = await hub.recordingAudio(callId, MAX_RECORDING_BYTES);
        callLog.info({ callId }, `Recording of call ${callId} fetched for playback.`);
        return { recording, audioBase64: audio.toString('base64') };
      } catch (err) {
        if (err instanceof HubHttpError && err.status === 403) {
          throw new DeskError(
            'bad-request',
            `Only shift leads and admins play recordings: ${err.message}`,
          );
        }
        if (err instanceof HubProtocolError) throw new DeskError('bad-request', err.message);
        throw err;
      }
    },

    ...centreOrderHandlers({
      hub,
      session: () => session,
      requireHub,
      log: log.child({ category: 'seat.orders.centre' }),
    }),

    'kb.search': async ({ q }) => {
      try {
        const response = await hub.kbSearch(q);
        rememberKb(response.hits);
        return { ...response, offline: false };
      } catch (err) {
        if (fromHubError(err)?.code !== 'hub-unreachable') throw err;
        return { ...storage.kb.search(q), offline: true };
      }
    },

    'order.save': async ({ order, draftSlot }) => {
      const saved = await storage.orders.create(order, draftKey(draftSlot));
      events.emit({ event: 'order.updated', payload: saved });
      sync.emitStatus();
      sync.trigger('save');
      return saved;
    },

    'order.update': async ({ localId, changes, draftSlot }) => {
      const before = storage.orders.get(localId);
      const updated =
        before && (await storage.orders.update(localId, changes, draftKey(draftSlot)));
      if (!updated) throw new DeskError('not-found', `Order ${localId} is not on this seat.`);
      events.emit({ event: 'order.updated', payload: updated });
      if (updated.openConflicts !== before.openConflicts) announceConflicts();
      sync.emitStatus();
      sync.trigger('save');
      return updated;
    },

    'order.get': ({ localId }) => storage.orders.get(localId),

    'order.list': ({ callerNumber }) =>
      storage.orders.list({ callerNumber, limit: ORDER_LIST_LIMIT }),

    'draft.save': async ({ slot, draft }) => {
      await storage.drafts.save(draftKey(slot), draft);
      return {};
    },

    'draft.get': ({ slot }) => storage.drafts.get(draftKey(slot)),

    'draft.discard': async ({ slot }) => {
      await storage.drafts.discard(draftKey(slot));
      return {};
    },

    'conflict.list': () => storage.orders.conflicts(),

    'conflict.resolve': async ({ conflictId, choice }) => {
      const order = await storage.orders.resolveConflict(conflictId, choice);
      if (!order) throw new DeskError('not-found', `Conflict ${conflictId} is not open here.`);
      events.emit({ event: 'order.updated', payload: order });
      announceConflicts();
      sync.emitStatus();
      sync.trigger('save');
      return {};
    },

    'sync.rejected': () => storage.orders.rejected(),

    'sync.dismiss': async ({ mutationId }) => {
      if (!(await storage.orders.dismissRejected(mutationId))) {
        throw new DeskError('not-found', `No refused mutation ${mutationId} on this seat.`);
      }
      sync.emitStatus();
      return {};
    },

    'seat.status': () => seatStatus(),

    'seat.dismissNotice': async ({ id }) => {
      if (!(await storage.dismissNotice(id))) {
        throw new DeskError('not-found', `No seat notice ${id}.`);
      }
      emitSeatStatus();
      return {};
    },

    'sync.status': () => sync.status(),

    'sync.now': () => sync.syncNow(),
  };

  const announceConflicts = () =>
    events.emit({
      event: 'conflicts.changed',
      payload: { open: storage.orders.counts().conflicts },
    });

  /** Takes a session the hub granted: the key (web seat), tokens, events, a sync. */
  async function adopt(response: LoginResponse, params: LoginRequest): Promise<Session> {
    endSession('Signed in again.', false);
    if (keySource === 'hub') {
      if (!response.dataKey) {
        throw new DeskError('internal', 'The hub sent no store key for this seat at sign-in.');
      }
      await storage.drain();
      storage.unlock(decodeHubDataKey(response.dataKey));
      emitSeatStatus();
    }
    hub.adoptSession(response);
    const granted: Session = {
      agent: response.agent,
      sip: response.sip,
      offline: false,
      hubOffsetMs: hub.hubOffsetMs ?? 0,
    };
    session = granted;
    // Together with the token: what is shown, saved and pushed from now on is this agent's.
    storage.setAgent(granted.agent.id);
    offlineLogin = null;
    coreLog.info(
      { agentId: response.agent.id, extension: response.agent.extension },
      `Agent ${response.agent.id} signed in on extension ${response.agent.extension}.`,
    );
    if (offlineSignIn && storage.unlocked) {
      try {
        await credentials.remember(params.account, params.password, response);
      } catch (err) {
        coreLog.warn(`Could not keep the offline sign-in record: ${(err as Error).message}`);
      }
    }
    hubEvents.start(() => hub.freshEventsUrl());
    sync.noteHubReachable(true);
    sync.trigger('login', true);
    return granted;
  }

  /** The hub cannot be reached at sign-in: the desktop seat checks the kept record. */
  async function signInOffline(params: LoginRequest): Promise<Session> {
    if (!offlineSignIn) {
      throw new DeskError(
        'offline-sign-in-unavailable',
        'The hub cannot be reached, and a web seat cannot sign in without it; ' +
          'try again when the hub is back.',
      );
    }
    if (!storage.unlocked) {
      throw new DeskError(
        'offline-sign-in-unavailable',
        'The hub cannot be reached, and the seat store is locked (its key is unavailable).',
      );
    }
    const check = await credentials.check(params.account, params.password);
    if (!check.ok && check.reason === 'wrong-password') {
      throw new DeskError('bad-credentials', 'The account or the password is wrong.');
    }
    if (!check.ok) {
      throw new DeskError(
        'offline-credentials-unknown',
        check.reason === 'expired'
          ? `The hub cannot be reached, and the last sign-in of ${params.account} on this ` +
              `seat was for a shift that has ended.`
          : `The hub cannot be reached, and ${params.account} has not signed in on this ` +
              `seat before.`,
      );
    }
    endSession('Signed in again.', false);
    session = {
      ...check.session,
      agent: { ...check.session.agent, extension: params.extension },
    };
    offlineLogin = params;
    storage.setAgent(session.agent.id);
    coreLog.warn(
      { agentId: session.agent.id },
      `Agent ${session.agent.id} signed in offline (the hub cannot be reached); ` +
        `signing in at the hub as soon as it answers.`,
    );
    sync.trigger('login', true);
    return session;
  }

  let signingIn: Promise<void> | null = null;
  /** The hub answers again after an offline sign-in: sign in there for real. */
  function signInForReal(): Promise<void> {
    const pending = offlineLogin;
    if (!pending || !session?.offline) return Promise.resolve();
    signingIn ??= (async () => {
      try {
        const request = keySource === 'hub' ? { ...pending, dataKeyFor: seatId } : pending;
        const response = await hub.login(request);
        if (offlineLogin !== pending) return;
        await adopt(response, pending);
        coreLog.info('The hub answers again: the offline session is now signed in at the hub.');
      } catch (err) {
        if (offlineLogin !== pending) return;
        if (err instanceof HubHttpError && err.status === 401) {
          endSession('The hub refused the password used offline; sign in again.', true);
          return;
        }
        coreLog.info(`Signing in at the hub failed, still offline: ${(err as Error).message}`);
      } finally {
        signingIn = null;
      }
    })();
    return signingIn;
  }

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
    if (err instanceof StoreLockedError) desk = new DeskError('store-locked', err.message);
    if (err instanceof OrderNotEditableError) {
      desk = new DeskError('bad-request', err.message, 'localId');
    }
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
      await storage.close();
      coreLog.info({ seatId }, `Seat core ${seatId} closed.`);
    },
  };
}
