import {
  KamailioEventSchema,
  queueOfCall,
  type AcdReply,
  type KamailioEvent,
} from '../../shared/acd-protocol.js';
import { maskPhone, normalizePhone } from '../../shared/domain/phone.js';
import type { AgentState, AgentStateAnswer, NotReadyReason } from '../../shared/hub-api.js';
import {
  SERVICE_LEVEL_TARGET_MS,
  type CallPhase,
  type QueueFigures,
} from '../../shared/wallboard.js';
import type { Clock } from '../clock.js';
import type { SeatEvents } from '../events/seat-events.js';
import {
  WALLBOARD_FLUSH_MS,
  WallboardFeed,
  type WallboardSnapshot,
} from '../events/wallboard-feed.js';
import type { Logger } from '../logger.js';
import type { AgentRecord, CallUpdate, HubStore } from '../store/repository.js';
import { AgentPool, type MoveOptions, type Presence } from './agent-pool.js';
import { CallbackList, CALLBACK_SWEEP_MS } from './callback-list.js';
import { CallQueue, type WaitingCall } from './call-queue.js';
import type { AcdLink } from './evapi-client.js';
import { QueueStats } from './queue-stats.js';
import type { OfferPops } from './offer-pop.js';
import { AgentStateConflict, seatMove } from './seat-moves.js';
import { agentView, callView, knownQueues, queueFigures } from './views.js';

export interface AcdOptions {
  /** A call waiting longer is refused with 480 (Kamailio's own timer is a little longer). */
  queueTimeoutMs: number;
  /** Safety net: a routed call with no answer, failure or cancel by then is given up. */
  ringTimeoutMs: number;
  sweepIntervalMs: number;
  /** A call a seat failed (`call.requeued`) goes back to the queue this often, then 480. */
  maxRequeues: number;
  /**
   * Wrap-up after each call: then the agent is ready again by themselves (or not ready, if
   * they chose so during the call). 0: straight back. Timed by the sweeper.
   */
  wrapUpMs: number;
  /**
   * Wrap-up of calls of these queues, when it differs from wrapUpMs (a sign-language or
   * a psychological call needs longer notes). Queue name -> ms.
   */
  wrapUpByQueue: Readonly<Record<string, number>>;
  /** How often the wallboard stream sends a frame at most. */
  wallboardFlushMs: number;
}

export const DEFAULT_ACD_OPTIONS: AcdOptions = {
  queueTimeoutMs: 110_000,
  ringTimeoutMs: 90_000,
  sweepIntervalMs: 1_000,
  maxRequeues: 3,
  wrapUpMs: 30_000,
  wrapUpByQueue: {},
  wallboardFlushMs: WALLBOARD_FLUSH_MS,
};

interface LiveCall extends WaitingCall {
  phase: 'queued' | 'ringing' | 'on-call';
  agentId: string | null;
  extension: string | null;
  routedAt: number | null;
  /** How often a seat failed this call and it went back to the queue. */
  requeues: number;
}

/** How an unanswered call ended, for the day's figures. */
type Unanswered = 'abandoned' | 'unanswered';

export interface AcdSnapshot {
  kamailio: 'connected' | 'disconnected';
  waiting: number;
  longestWaitMs: number;
  agents: Record<string, number>;
}

export interface AcdDeps {
  store: HubStore;
  events: SeatEvents;
  clock: Clock;
  log: Logger;
  /**
   * Reads each offered call's pop after its route (offer-pop.ts), to send it with the
   * offer; without it the offer goes at once, without a pop, and the seat looks it up.
   */
  pops?: Pick<OfferPops, 'build'>;
}

/**
 * The automatic call distributor. Kamailio suspends each citizen's INVITE and tells the
 * hub (`call.queued`, with its queue: see queueOfCall); the ACD keeps one FIFO per queue
 * and, whenever a call waits and a ready agent holds its queue's skill, routes it to the
 * longest-idle such agent (the oldest waiting head first when an agent could take
 * several): agent -> ringing, `route` to Kamailio, `call.offered` and `agent.state` to
 * the seat. Later call events move the call and the agent on (see AgentPool for the
 * states), and count the day's figures per queue (QueueStats). The wallboard feed is told
 * of every move.
 *
 * Decisions are made synchronously in memory, so two events can never pick the same
 * agent; the store is written behind, in order, through one promise chain.
 */
export class Acd {
  private readonly pool = new AgentPool();
  private readonly queue = new CallQueue();
  private readonly live = new Map<string, LiveCall>();
  private readonly stats = new QueueStats(SERVICE_LEVEL_TARGET_MS);
  private readonly options: AcdOptions;
  private readonly log: Logger;
  private link: AcdLink | null = null;
  private writes: Promise<void> = Promise.resolve();
  private sweeper: NodeJS.Timeout | null = null;
  private lastCallbackSweep = -Infinity;
  /** The last status each agent's seats were told, so no change goes out twice. */
  private readonly told = new Map<string, string>();
  /**
   * Callers who hung up while queued or were refused after the queue timeout, to be called
   * back (routes/callbacks.ts).
   */
  readonly callbacks: CallbackList;
  /** The wallboards' live stream of this ACD (routes/wallboard-events.ts). */
  readonly wallboard: WallboardFeed;

  constructor(
    private readonly deps: AcdDeps,
    options: Partial<AcdOptions> = {},
  ) {
    this.options = { ...DEFAULT_ACD_OPTIONS, ...options };
    this.log = deps.log.child({ name: 'hub.acd' });
    this.wallboard = new WallboardFeed(
      {
        snapshot: () => this.wallboardSnapshot(),
        day: () => this.stats.dayAt(this.deps.clock.now()),
        now: () => this.deps.clock.now(),
        queueFigures: (queue) => this.figuresOf(queue),
        agent: (agentId) => {
          const p = this.pool.get(agentId);
          return p && agentView(p);
        },
      },
      this.options.wallboardFlushMs,
    );
    this.callbacks = new CallbackList({
      store: deps.store,
      events: deps.events,
      clock: deps.clock,
      log: this.log.child({ name: 'hub.acd.callbacks' }),
      servedBy: (queue) =>
        [...this.pool.all()]
          .filter((p) => p.state !== 'logged-out' && p.queues.includes(queue))
          .map((p) => ({ agentId: p.agentId, queues: p.queues })),
    });
  }

  /** Loads agents' presence; calls left open by a previous run are closed as failed. */
  async start(): Promise<void> {
    const now = this.deps.clock.now();
    const closed = await this.deps.store.calls.failOpen(now);
    for (const a of await this.deps.store.agents.list()) this.addToPool(a, now);
    this.sweeper = setInterval(() => this.tick(), this.options.sweepIntervalMs);
    this.sweeper.unref();
    this.log.info({ agents: this.pool.countByState(), closedCalls: closed }, 'ACD started');
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    this.wallboard.close();
  }

  /** Resolves once every store write issued so far has finished. */
  flush(): Promise<void> {
    return this.writes.then(() => this.callbacks.flush());
  }

  attach(link: AcdLink): void {
    this.link = link;
  }

  /** Kamailio is reachable again: calls may have waited for it. */
  linkUp(): void {
    this.dispatch();
  }

  /**
   * The evapi link dropped. Kamailio may have restarted, and then the suspended
   * transactions of the queued calls are gone: they are closed as failed rather than
   * routed later to a transaction that no longer exists, which would leave an agent
   * ringing for nothing.
   */
  linkDown(): void {
    const now = this.deps.clock.now();
    for (const call of this.queue.drain()) {
      this.live.delete(call.callId);
      const waitMs = now - call.queuedAt;
      this.persistCall(call.callId, { outcome: 'failed', endedAt: now, waitMs });
      this.closeUnanswered(call, 'unanswered', 'failed', waitMs, now);
      this.log.warn({ callId: call.callId, waitMs }, 'queued call dropped: evapi link lost');
    }
  }

  /** One evapi message: parsed and validated; anything malformed is logged and skipped. */
  handleMessage(payload: string): void {
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      this.log.warn({ bytes: payload.length }, 'skipped an evapi message that is not JSON');
      return;
    }
    const parsed = KamailioEventSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.log.warn(
        { field: issue?.path.join('.'), problem: issue?.message },
        'skipped an evapi message that is not a known call event',
      );
      return;
    }
    this.handleEvent(parsed.data);
  }

  handleEvent(event: KamailioEvent): void {
    switch (event.event) {
      case 'call.queued':
        return this.onQueued(event);
      case 'call.cancelled':
        return this.onCancelled(event.callId);
      case 'call.answered':
        return this.onAnswered(event.callId);
      case 'call.requeued':
        return this.onRequeued(event);
      case 'call.failed':
        return this.onFailed(event.callId, event.code);
      case 'call.ended':
        return this.onEnded(event.callId);
    }
  }

  /**
   * An agent signed in at `extension`. Another agent seated there is logged out (one
   * agent per desk). A fresh login starts not-ready; a call in hand is kept.
   */
  async login(agentId: string, extension: string): Promise<AgentState> {
    const now = this.deps.clock.now();
    const me = await this.ensure(agentId);
    for (const other of this.pool.bind(agentId, extension, now)) {
      other.beforeCall = null;
      this.changed(other);
      this.announce(other);
      this.log.info({ agent: other.agentId, extension }, 'agent logged out: desk taken');
    }
    if (me.state !== 'ringing' && me.state !== 'on-call') {
      me.afterCall = null;
      me.beforeCall = null;
      this.pool.set(agentId, 'not-ready', now, { reason: 'signed-in' });
    }
    this.changed(me);
    this.announce(me);
    this.log.info({ agent: agentId, extension, state: me.state }, 'agent signed in');
    return me.state;
  }

  /**
   * A seat sets its agent's state (see seat-moves.ts for what is taken). While the ACD
   * has a call ringing at the agent or in conversation with them, `ready` is not taken
   * (the agent is not free, and a second call would be refused busy), and not-ready then
   * waits for the end of the call and its wrap-up. Going ready may route a waiting call
   * at once, so the answer is the state after that. A move that makes no sense from the
   * state held throws AgentStateConflict.
   *
   * Calls the seat reports itself (an outbound call: dialing and talking are `on-call`;
   * a direct call: `ringing`) keep the ACD from routing to the agent meanwhile. When such
   * a call ends with no conversation (a failed outbound call, a direct call missed) the
   * seat asks `ready`, and the agent goes back to where they were before the call: ready,
   * not ready with the same reason, or the rest of their wrap-up. Answered, it ends in
   * `wrap-up` as any call does.
   */
  async setStateBySeat(
    agentId: string,
    extension: string,
    state: AgentState,
    reason: NotReadyReason | null = null,
  ): Promise<AgentState> {
    const now = this.deps.clock.now();
    const me = await this.ensure(agentId);
    if (me.extension !== extension) await this.login(agentId, extension);
    const from = me.state;
    const routed = this.liveCallOf(agentId, 'ringing') ?? this.liveCallOf(agentId, 'on-call');
    const move =
      state === 'ready' && me.queues.length === 0
        ? ({ kind: 'conflict', why: 'the account serves no queue' } as const)
        : seatMove(from, state, routed !== undefined);
    const log = { agent: agentId, extension, from, state, reason: reason ?? undefined };
    switch (move.kind) {
      case 'conflict':
        this.log.info({ ...log, why: move.why }, 'agent state refused');
        throw new AgentStateConflict(from, state, move.why);
      case 'keep':
        return from;
      case 'after-call':
        me.afterCall = { reason };
        this.log.info(log, 'agent will be not ready after the call');
        return from;
      case 'apply':
        break;
    }
    const inCall = (s: AgentState) => s === 'ringing' || s === 'on-call';
    const intoCall = inCall(state);
    const before = me.beforeCall;
    if (intoCall && !inCall(from)) {
      me.beforeCall = { state: from, reason: me.reason, wrapUpEndsAt: me.wrapUpEndsAt };
    } else if (!intoCall) {
      me.beforeCall = null;
    }
    // A direct call reaching a not-ready agent: back to not-ready after it.
    if (intoCall && from === 'not-ready') me.afterCall ??= { reason: me.reason };
    else if (!intoCall && state !== 'wrap-up') me.afterCall = null;
    if (state === 'ready' && inCall(from) && before) {
      this.resume(me, before, now);
    } else {
      const wrapUpEndsAt = state === 'wrap-up' ? now + this.options.wrapUpMs : undefined;
      this.pool.set(agentId, state, now, { reason, wrapUpEndsAt });
    }
    this.changed(me);
    this.log.info(log, 'agent state set by seat');
    if (me.state === 'wrap-up') this.endWrapUps();
    if (me.state === 'ready') this.dispatch();
    this.announce(me);
    return me.state;
  }

  /**
   * The seat at `extension` signed out (its session was revoked). The agent goes
   * logged-out, so no queue call is routed to a seat nobody is signed in at, unless they
   * have since signed in at another desk: the ACD presence belongs to the desk last
   * signed in at, and that desk's own sign-out ends it (`extension` null: every desk,
   * when all the account's sessions were revoked). A call in hand is not cut: the hub
   * cannot hang up the softphone, and cutting a citizen off is worse than finishing the
   * call; its end no longer leads to wrap-up or ready (finishTalk only moves agents who
   * are ringing or on a call). Answers whether the agent was taken out.
   */
  async signOut(agentId: string, extension: string | null): Promise<boolean> {
    const me = this.pool.get(agentId);
    if (!me || me.state === 'logged-out') return false;
    if (extension !== null && me.extension !== extension) return false;
    const call = this.liveCallOf(agentId, 'ringing') ?? this.liveCallOf(agentId, 'on-call');
    me.afterCall = null;
    me.beforeCall = null;
    this.setAgent(agentId, 'logged-out', this.deps.clock.now());
    this.log.info(
      { agent: agentId, extension: me.extension, callInHand: call?.callId ?? undefined },
      'agent logged out: signed out',
    );
    return true;
  }

  stateOf(agentId: string): AgentState {
    return this.pool.get(agentId)?.state ?? 'logged-out';
  }

  /**
   * The agent's status as the seat is told it: state, not-ready reason, and the hub times
   * of entering the state and of the end of wrap-up (ISO 8601).
   */
  statusOf(agentId: string): AgentStateAnswer {
    const p = this.pool.get(agentId);
    if (!p) return { state: 'logged-out' };
    const status: AgentStateAnswer = { state: p.state, since: new Date(p.since).toISOString() };
    if (p.reason !== null) status.reason = p.reason;
    if (p.wrapUpEndsAt !== null) status.wrapUpEndsAt = new Date(p.wrapUpEndsAt).toISOString();
    return status;
  }

  /**
   * Whose a live call is, for the checks of who may act on it (routes/handovers.ts):
   * `undefined` when the ACD does not know the call (a direct or outbound call, or one
   * already over), `null` when it is known but routed to no agent (still queued), else the
   * id of the agent it was routed to.
   */
  agentOfCall(callId: string): string | null | undefined {
    const call = this.live.get(callId);
    return call ? call.agentId : undefined;
  }

  /** Why the agent is not ready (null when they are in another state or gave none). */
  reasonOf(agentId: string): NotReadyReason | null {
    return this.pool.get(agentId)?.reason ?? null;
  }

  snapshot(): AcdSnapshot {
    const oldest = this.queue.oldest();
    return {
      kamailio: this.link?.connected ? 'connected' : 'disconnected',
      waiting: this.queue.size,
      longestWaitMs: oldest ? this.deps.clock.now() - oldest.queuedAt : 0,
      agents: this.pool.countByState(),
    };
  }

  /** Today's figures of one queue, with its waiting calls and staffing now. */
  figuresOf(queue: string): QueueFigures {
    const now = this.deps.clock.now();
    return queueFigures(queue, now, { queue: this.queue, pool: this.pool, stats: this.stats });
  }

  /** Everything the wallboard shows, as its stream's first frame. */
  wallboardSnapshot(): WallboardSnapshot {
    const now = this.deps.clock.now();
    const calls = [...this.live.values()].map((c) =>
      callView(c, c.phase, c.routedAt === null ? null : c.routedAt - c.queuedAt),
    );
    return {
      type: 'snapshot',
      at: now,
      day: this.stats.dayAt(now),
      serviceLevelTargetMs: SERVICE_LEVEL_TARGET_MS,
      queues: knownQueues(this.pool, this.stats, now).map((q) => this.figuresOf(q)),
      agents: [...this.pool.all()].map(agentView),
      calls,
    };
  }

  /**
   * Runs what is due at the clock's now: refuses calls that waited too long, gives up on
   * routes nobody reported back on, ends wrap-up whose time is up. The sweeper calls it
   * every sweepIntervalMs; tests on a manual clock call it themselves.
   */
  tick(): void {
    this.sweep();
    this.endWrapUps();
    const now = this.deps.clock.now();
    if (now - this.lastCallbackSweep >= CALLBACK_SWEEP_MS) {
      this.lastCallbackSweep = now;
      this.callbacks.sweep();
    }
  }

  /** The wrap-up after a call of `queue` (its own length, or the centre's default). */
  wrapUpMsFor(queue: string | null): number {
    return (
      (queue !== null ? this.options.wrapUpByQueue[queue] : undefined) ?? this.options.wrapUpMs
    );
  }

  private addToPool(a: AgentRecord, now: number): Presence {
    // A ringing agent's route belonged to a previous run and is gone.
    const state: AgentState = a.state === 'ringing' ? 'not-ready' : a.state;
    const presence: Presence = {
      agentId: a.id,
      name: a.name,
      extension: a.seatExtension,
      queues: a.queues,
      state,
      reason: state === a.state ? ((a.stateReason as NotReadyReason | null) ?? null) : null,
      since: state === a.state ? a.stateSince : now,
      idleSince: a.stateSince,
      afterCall: null,
      wrapUpEndsAt:
        state === 'wrap-up' ? (a.wrapUpEndsAt ?? a.stateSince + this.options.wrapUpMs) : null,
      beforeCall: null,
    };
    this.pool.add(presence);
    const added = this.pool.get(a.id)!;
    if (state !== a.state) this.persistPresence(added);
    return added;
  }

  private async ensure(agentId: string): Promise<Presence> {
    const known = this.pool.get(agentId);
    if (known) return known;
    const record = await this.deps.store.agents.get(agentId);
    if (!record) throw new Error(`unknown agent ${agentId}`);
    return this.pool.get(agentId) ?? this.addToPool(record, this.deps.clock.now());
  }

  /** The agent's call in the given phase (ringing or on-call), if the ACD has one. */
  private liveCallOf(agentId: string, phase: AgentState): LiveCall | undefined {
    for (const c of this.live.values()) if (c.phase === phase && c.agentId === agentId) return c;
    return undefined;
  }

  private onQueued(e: Extract<KamailioEvent, { event: 'call.queued' }>): void {
    if (this.live.has(e.callId)) {
      this.log.warn({ callId: e.callId }, 'call.queued for a call already known; ignored');
      return;
    }
    const now = this.deps.clock.now();
    const callerKey = normalizePhone(e.caller);
    const call: LiveCall = {
      callId: e.callId,
      tindex: e.tindex,
      tlabel: e.tlabel,
      caller: e.caller,
      queue: queueOfCall(e),
      queuedAt: now,
      phase: 'queued',
      agentId: null,
      extension: null,
      routedAt: null,
      requeues: 0,
    };
    this.live.set(call.callId, call);
    this.queue.push(call);
    this.stats.offered(call.queue, now);
    this.wallboard.callChanged(callView(call, 'queued', null));
    this.write(() =>
      this.deps.store.calls.queued({
        callId: call.callId,
        caller: call.caller,
        callerKey,
        queue: call.queue,
        queuedAt: now,
      }),
    );
    this.log.info(
      {
        callId: call.callId,
        caller: maskPhone(callerKey ?? e.caller),
        queue: call.queue,
        dialled: e.dialled,
        waiting: this.queue.size,
      },
      'call queued',
    );
    if (!this.pool.serves(call.queue)) {
      this.log.warn({ callId: e.callId, queue: call.queue }, 'no agent serves this queue');
    }
    this.dispatch();
  }

  private onCancelled(callId: string): void {
    const call = this.live.get(callId);
    if (!call) return this.unknown('call.cancelled', callId);
    const now = this.deps.clock.now();
    this.live.delete(callId);
    if (call.phase === 'queued') {
      this.queue.remove(call);
      const waitMs = now - call.queuedAt;
      this.persistCall(callId, { outcome: 'abandoned', endedAt: now, waitMs });
      this.closeUnanswered(call, 'abandoned', 'abandoned', waitMs, now);
      this.log.info({ callId, waitMs }, 'call abandoned while queued');
      this.callbacks.abandoned(call, waitMs);
      return;
    }
    if (call.phase === 'on-call') return this.finishTalk(call, now);
    this.persistCall(callId, { outcome: 'abandoned', endedAt: now });
    this.closeUnanswered(call, 'abandoned', 'abandoned', this.routedWait(call), now);
    this.log.info({ callId, agent: call.extension }, 'call abandoned while ringing');
    this.callbacks.abandoned(call, now - call.queuedAt);
    if (call.agentId && this.stateOf(call.agentId) === 'ringing') {
      this.setAgent(call.agentId, 'ready', now, { keepIdle: true });
      this.dispatch();
    }
  }

  private onAnswered(callId: string): void {
    const call = this.live.get(callId);
    if (!call) return this.unknown('call.answered', callId);
    if (call.phase === 'on-call') return;
    const now = this.deps.clock.now();
    call.phase = 'on-call';
    this.persistCall(callId, { outcome: 'answered', answeredAt: now });
    this.stats.answered(call.queue, now - call.queuedAt, now);
    this.wallboard.callChanged(callView(call, 'on-call', this.routedWait(call)));
    this.log.info({ callId, agent: call.extension }, 'call answered');
    if (call.agentId) this.setAgent(call.agentId, 'on-call', now);
  }

  /**
   * The seat did not take a routed call and Kamailio holds the transaction again: the agent
   * missed it (not-ready), the call goes back to the head of the queue with its first
   * queuedAt (the caller's wait keeps counting) and goes to the next free agent. After
   * maxRequeues it is refused with 480.
   */
  private onRequeued(e: Extract<KamailioEvent, { event: 'call.requeued' }>): void {
    const call = this.live.get(e.callId);
    if (!call) {
      this.unknown('call.requeued', e.callId);
      // Nobody would answer for it: let Kamailio end the suspended transaction now.
      this.reject({ ...e, callId: e.callId });
      return;
    }
    const now = this.deps.clock.now();
    const missedBy = call.agentId;
    if (missedBy && this.stateOf(missedBy) === 'ringing') {
      this.setAgent(missedBy, 'not-ready', now, { reason: 'missed-call' });
    }
    this.queue.remove(call);
    call.tindex = e.tindex;
    call.tlabel = e.tlabel;
    call.requeues += 1;
    const waitMs = now - call.queuedAt;
    const log = { callId: call.callId, code: e.code, agent: call.extension, waitMs };
    if (call.requeues > this.options.maxRequeues) {
      this.live.delete(call.callId);
      this.reject(call);
      this.persistCall(call.callId, { outcome: 'failed', endedAt: now, waitMs });
      this.closeUnanswered(call, 'unanswered', 'failed', waitMs, now);
      this.log.info({ ...log, requeues: call.requeues }, 'call refused: re-queued too often');
      return;
    }
    call.phase = 'queued';
    call.agentId = null;
    call.extension = null;
    call.routedAt = null;
    this.queue.pushFront(call);
    this.wallboard.callChanged(callView(call, 'queued', null));
    this.log.info({ ...log, requeues: call.requeues }, 'call re-queued: seat did not take it');
    this.dispatch();
  }

  private onFailed(callId: string, code: number): void {
    const call = this.live.get(callId);
    if (!call) return this.unknown('call.failed', callId);
    const now = this.deps.clock.now();
    if (call.phase === 'on-call') return this.onEnded(callId);
    this.live.delete(callId);
    const patch: CallUpdate = { outcome: 'failed', endedAt: now };
    if (call.phase === 'queued') {
      this.queue.remove(call);
      patch.waitMs = now - call.queuedAt;
    }
    this.persistCall(callId, patch);
    this.closeUnanswered(call, 'unanswered', 'failed', patch.waitMs ?? this.routedWait(call), now);
    this.log.info({ callId, code, agent: call.extension, phase: call.phase }, 'call failed');
    // A routed call the seat did not take: the agent is not there (missed call).
    if (call.agentId && this.stateOf(call.agentId) === 'ringing') {
      this.setAgent(call.agentId, 'not-ready', now, { reason: 'missed-call' });
    }
  }

  private onEnded(callId: string): void {
    const call = this.live.get(callId);
    if (!call) return this.unknown('call.ended', callId);
    const now = this.deps.clock.now();
    this.live.delete(callId);
    if (call.phase === 'queued') this.queue.remove(call);
    this.finishTalk(call, now);
  }

  private finishTalk(call: LiveCall, now: number): void {
    this.persistCall(call.callId, { endedAt: now });
    this.wallboard.callChanged(callView(call, 'ended', this.routedWait(call)));
    this.log.info({ callId: call.callId, agent: call.extension }, 'call ended');
    const state = call.agentId ? this.stateOf(call.agentId) : null;
    if (call.agentId && (state === 'on-call' || state === 'ringing')) {
      const wrapUpMs = this.wrapUpMsFor(call.queue);
      this.setAgent(call.agentId, 'wrap-up', now, { wrapUpEndsAt: now + wrapUpMs });
      if (wrapUpMs <= 0) this.endWrapUps();
    }
  }

  /** A call that ends unanswered: counted for its queue, shown on the wallboard. */
  private closeUnanswered(
    call: LiveCall | WaitingCall,
    how: Unanswered,
    phase: CallPhase,
    waitMs: number | null,
    now: number,
  ): void {
    if (how === 'abandoned') this.stats.abandoned(call.queue, now);
    else this.stats.unanswered(call.queue, now);
    const extension = 'extension' in call ? call.extension : null;
    this.wallboard.callChanged(callView({ ...call, extension }, phase, waitMs));
  }

  /** The wait until the route of a routed call, as the calls table records it. */
  private routedWait(call: LiveCall): number | null {
    return call.routedAt === null ? null : call.routedAt - call.queuedAt;
  }

  private unknown(event: string, callId: string): void {
    this.log.warn({ callId, event }, 'event for a call the ACD does not know; ignored');
  }

  private reject(call: { tindex: number; tlabel: number; callId: string }): void {
    this.link?.send({
      action: 'reject',
      tindex: call.tindex,
      tlabel: call.tlabel,
      callId: call.callId,
      code: 480,
      reason: 'Temporarily Unavailable',
    });
  }

  /**
   * Routes waiting calls while agents are free. For each queue only its head may go; of
   * the heads that have a ready agent with the skill, the one that has waited longest goes
   * first, to that skill's longest-idle agent.
   */
  private dispatch(): void {
    const link = this.link;
    if (!link?.connected) return;
    for (;;) {
      let call: WaitingCall | undefined;
      let agent: Presence | undefined;
      for (const head of this.queue.heads()) {
        if (call && head.queuedAt >= call.queuedAt) continue;
        const free = this.pool.longestIdle(head.queue);
        if (free) [call, agent] = [head, free];
      }
      if (!call || !agent || agent.extension === null) return;
      const now = this.deps.clock.now();
      const waitMs = Math.max(0, now - call.queuedAt);
      const reply: AcdReply = {
        action: 'route',
        tindex: call.tindex,
        tlabel: call.tlabel,
        callId: call.callId,
        agent: agent.extension,
        queue: call.queue,
        waitMs,
      };
      if (!link.send(reply)) return;
      this.queue.shift(call.queue);
      const live = this.live.get(call.callId);
      if (live) {
        live.phase = 'ringing';
        live.agentId = agent.agentId;
        live.extension = agent.extension;
        live.routedAt = now;
        this.wallboard.callChanged(callView(live, 'ringing', waitMs));
      }
      agent.beforeCall = null;
      this.setAgent(agent.agentId, 'ringing', now, { tellSeat: false });
      this.persistCall(call.callId, { routedAt: now, agent: agent.extension, waitMs });
      this.log.info({ callId: call.callId, agent: agent.extension, waitMs }, 'call routed');
      this.offer(agent.agentId, call, waitMs);
      this.announce(agent);
    }
  }

  /**
   * Tells the agent's seats of the call routed to them (`call.offered`), with its pop when
   * the ACD reads pops: the route is out already, so the reads never delay it. The offer
   * of a call that went on meanwhile (cancelled, re-queued) is not sent: its pop would
   * show a call that no longer rings there.
   */
  private offer(agentId: string, call: WaitingCall, waitMs: number): void {
    const event = {
      type: 'call.offered' as const,
      callId: call.callId,
      caller: call.caller,
      queue: call.queue,
      waitMs,
    };
    const pops = this.deps.pops;
    if (!pops) {
      this.deps.events.publish(agentId, event);
      return;
    }
    void pops.build({ callId: call.callId, caller: call.caller, agentId }).then(
      (built) => {
        const live = this.live.get(call.callId);
        if (live?.agentId !== agentId || live.phase === 'queued') {
          this.log.info({ callId: call.callId }, 'offer not sent: the call moved on');
          return;
        }
        this.deps.events.publish(agentId, built ? { ...event, pop: built.pop } : event);
        if (!built) return;
        this.log.info(
          {
            callId: call.callId,
            historyMs: round(built.historyMs),
            kbMs: round(built.kbMs),
            orders: built.pop.history?.orders.length ?? null,
            kbHits: built.pop.kb?.hits.length ?? null,
          },
          'call offered with its pop',
        );
      },
      (error: unknown) => {
        // build() answers errors in the pop; this is a bug, and the seat still gets the call.
        this.log.error({ err: error, callId: call.callId }, 'pop of an offer failed');
        this.deps.events.publish(agentId, event);
      },
    );
  }

  /** Refuses calls that waited too long; gives up on routes nobody reported back on. */
  private sweep(): void {
    const now = this.deps.clock.now();
    if (this.link?.connected) {
      for (const call of this.queue.takeOlderThan(now - this.options.queueTimeoutMs)) {
        this.live.delete(call.callId);
        const waitMs = now - call.queuedAt;
        this.reject(call);
        this.persistCall(call.callId, { outcome: 'timeout', endedAt: now, waitMs });
        this.closeUnanswered(call, 'unanswered', 'failed', waitMs, now);
        this.log.info({ callId: call.callId, waitMs }, 'call refused: no agent in time');
        this.callbacks.timedOut(call, waitMs);
      }
    }
    for (const call of [...this.live.values()]) {
      if (call.phase !== 'ringing' || call.routedAt === null) continue;
      if (now - call.routedAt < this.options.ringTimeoutMs) continue;
      this.live.delete(call.callId);
      this.persistCall(call.callId, { outcome: 'failed', endedAt: now });
      this.closeUnanswered(call, 'unanswered', 'failed', this.routedWait(call), now);
      this.log.warn(
        { callId: call.callId, agent: call.extension },
        'routed call never reported back',
      );
      if (call.agentId && this.stateOf(call.agentId) === 'ringing') {
        this.setAgent(call.agentId, 'not-ready', now, { reason: 'missed-call' });
      }
    }
    this.releaseStrayRinging(now);
  }

  /**
   * A seat that reported a direct call ringing (not one the ACD routed) and then nothing:
   * after the ring timeout the agent is free again rather than stuck out of routing.
   */
  private releaseStrayRinging(now: number): void {
    let freed = false;
    for (const p of this.pool.all()) {
      if (p.state !== 'ringing' || now - p.since < this.options.ringTimeoutMs) continue;
      if (this.liveCallOf(p.agentId, 'ringing')) continue;
      const after = p.afterCall;
      p.afterCall = null;
      if (after) this.setAgent(p.agentId, 'not-ready', now, { reason: after.reason });
      else this.setAgent(p.agentId, 'ready', now, { keepIdle: true });
      freed ||= after === null;
      this.log.warn({ agent: p.agentId }, 'seat reported ringing and nothing after; released');
    }
    if (freed) this.dispatch();
  }

  /** Agents whose wrap-up time is up: ready again, or not ready when they chose so. */
  private endWrapUps(): void {
    const now = this.deps.clock.now();
    let freed = false;
    for (const p of this.pool.all()) {
      if (p.state !== 'wrap-up' || now < (p.wrapUpEndsAt ?? p.since)) continue;
      const after = p.afterCall;
      p.afterCall = null;
      if (after) this.setAgent(p.agentId, 'not-ready', now, { reason: after.reason });
      else this.setAgent(p.agentId, 'ready', now);
      freed ||= after === null;
      this.log.info(
        { agent: p.agentId, state: p.state, reason: p.reason ?? undefined },
        'wrap-up over',
      );
    }
    if (freed) this.dispatch();
  }

  /** A state change the hub makes: stored, shown, and told to the agent's seats. */
  private setAgent(
    agentId: string,
    state: AgentState,
    now: number,
    options: MoveOptions & { tellSeat?: boolean } = {},
  ): void {
    const p = this.pool.set(agentId, state, now, options);
    if (!p) return;
    this.changed(p);
    if (options.tellSeat ?? true) this.announce(p);
  }

  /**
   * A seat-reported call ended with no conversation: the agent goes back to the state
   * held before it (an expired wrap-up ends as wrap-up ends).
   */
  private resume(p: Presence, before: NonNullable<Presence['beforeCall']>, now: number): void {
    if (before.state === 'not-ready') {
      this.pool.set(p.agentId, 'not-ready', now, { reason: before.reason });
    } else if (before.state === 'wrap-up' && before.wrapUpEndsAt !== null) {
      // The rest of it: the countdown runs to the same end as before the call.
      this.pool.set(p.agentId, 'wrap-up', now, { wrapUpEndsAt: before.wrapUpEndsAt });
    } else {
      this.pool.set(p.agentId, 'ready', now, { keepIdle: true });
    }
    p.afterCall = null;
  }

  /**
   * Tells the agent's seats their status (agent.state with since and wrapUpEndsAt), once
   * per change: a seat request and the routing it set off end in one event, the last.
   */
  private announce(p: Presence): void {
    const status = this.statusOf(p.agentId);
    const key = JSON.stringify(status);
    if (this.told.get(p.agentId) === key) return;
    this.told.set(p.agentId, key);
    this.deps.events.publish(p.agentId, { type: 'agent.state', ...status });
  }

  /** After any move of an agent: the store's copy and the wallboard follow. */
  private changed(p: Presence): void {
    this.persistPresence(p);
    this.wallboard.agentChanged(p.agentId);
    for (const q of p.queues) this.wallboard.queueChanged(q);
  }

  private persistPresence(p: Presence): void {
    const update = {
      state: p.state,
      reason: p.reason,
      since: p.since,
      seatExtension: p.extension,
      wrapUpEndsAt: p.wrapUpEndsAt,
    };
    this.write(() => this.deps.store.agents.setPresence(p.agentId, update));
  }

  private persistCall(callId: string, patch: CallUpdate): void {
    this.write(() => this.deps.store.calls.update(callId, patch));
  }

  private write(op: () => Promise<unknown>): void {
    this.writes = this.writes
      .then(op)
      .then(() => undefined)
      .catch((error: unknown) => this.log.error({ err: error }, 'ACD store write failed'));
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
