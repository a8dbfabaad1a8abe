import {
  KamailioEventSchema,
  type AcdReply,
  type KamailioEvent,
} from '../../shared/acd-protocol.js';
import { maskPhone, normalizePhone } from '../../shared/domain/phone.js';
import type { AgentState } from '../../shared/hub-api.js';
import type { Clock } from '../clock.js';
import type { SeatEvents } from '../events/seat-events.js';
import type { Logger } from '../logger.js';
import type { CallUpdate, HubStore } from '../store/repository.js';
import { AgentPool, type Presence } from './agent-pool.js';
import { CallQueue, type WaitingCall } from './call-queue.js';
import type { AcdLink } from './evapi-client.js';

export interface AcdOptions {
  /** A call waiting longer is refused with 480 (Kamailio's own timer is a little longer). */
  queueTimeoutMs: number;
  /** Safety net: a routed call with no answer, failure or cancel by then is given up. */
  ringTimeoutMs: number;
  sweepIntervalMs: number;
  /** A call a seat failed (`call.requeued`) goes back to the queue this often, then 480. */
  maxRequeues: number;
}

export const DEFAULT_ACD_OPTIONS: AcdOptions = {
  queueTimeoutMs: 110_000,
  ringTimeoutMs: 90_000,
  sweepIntervalMs: 1_000,
  maxRequeues: 3,
};

interface LiveCall extends WaitingCall {
  phase: 'queued' | 'ringing' | 'on-call';
  agentId: string | null;
  extension: string | null;
  routedAt: number | null;
  /** How often a seat failed this call and it went back to the queue. */
  requeues: number;
}

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
}

/**
 * The automatic call distributor. Kamailio suspends each citizen's INVITE and tells the
 * hub (`call.queued`); the ACD keeps the calls in FIFO order and, whenever a call waits
 * and an agent of its queue is ready, routes the oldest call to the longest-idle agent:
 * agent -> ringing, `route` to Kamailio, `call.offered` and `agent.state` to the seat.
 * Later call events move the call and the agent on (see AgentPool for the states).
 *
 * Decisions are made synchronously in memory, so two events can never pick the same
 * agent; the store is written behind, in order, through one promise chain.
 */
export class Acd {
  private readonly pool = new AgentPool();
  private readonly queue = new CallQueue();
  private readonly live = new Map<string, LiveCall>();
  private readonly options: AcdOptions;
  private readonly log: Logger;
  private link: AcdLink | null = null;
  private writes: Promise<void> = Promise.resolve();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: AcdDeps,
    options: Partial<AcdOptions> = {},
  ) {
    this.options = { ...DEFAULT_ACD_OPTIONS, ...options };
    this.log = deps.log.child({ name: 'hub.acd' });
  }

  /** Loads agents' presence; calls left open by a previous run are closed as failed. */
  async start(): Promise<void> {
    const now = this.deps.clock.now();
    const closed = await this.deps.store.calls.failOpen(now);
    for (const a of await this.deps.store.agents.list()) this.addToPool(a, now);
    this.sweeper = setInterval(() => this.sweep(), this.options.sweepIntervalMs);
    this.sweeper.unref();
    this.log.info({ agents: this.pool.countByState(), closedCalls: closed }, 'ACD started');
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  /** Resolves once every store write issued so far has finished. */
  flush(): Promise<void> {
    return this.writes;
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
      this.persistPresence(other);
      this.deps.events.publish(other.agentId, { type: 'agent.state', state: other.state });
      this.log.info({ agent: other.agentId, extension }, 'agent logged out: desk taken');
    }
    if (me.state !== 'ringing' && me.state !== 'on-call') this.pool.set(agentId, 'not-ready', now);
    this.persistPresence(me);
    this.log.info({ agent: agentId, extension, state: me.state }, 'agent signed in');
    return me.state;
  }

  /**
   * A seat sets its agent's state. While the ACD has a call ringing at the agent or in
   * conversation with them, `ready` is not taken (the agent is not free, and a second call
   * would be refused busy); anything else is. Going ready may route a waiting call at
   * once, so the answer is the state after that.
   */
  async setStateBySeat(agentId: string, extension: string, state: AgentState): Promise<AgentState> {
    const now = this.deps.clock.now();
    const me = await this.ensure(agentId);
    if (me.extension !== extension) await this.login(agentId, extension);
    if (state === 'ready' && this.liveCallOf(agentId, me.state)) return me.state;
    this.pool.set(agentId, state, now);
    this.persistPresence(me);
    this.log.info({ agent: agentId, extension, state }, 'agent state set by seat');
    if (state === 'ready') this.dispatch();
    return me.state;
  }

  stateOf(agentId: string): AgentState {
    return this.pool.get(agentId)?.state ?? 'logged-out';
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

  private addToPool(
    a: {
      id: string;
      seatExtension: string | null;
      queues: string[];
      state: AgentState;
      stateSince: number;
    },
    now: number,
  ): Presence {
    // A ringing agent's route belonged to a previous run and is gone.
    const state: AgentState = a.state === 'ringing' ? 'not-ready' : a.state;
    const presence: Presence = {
      agentId: a.id,
      extension: a.seatExtension,
      queues: a.queues,
      state,
      since: state === a.state ? a.stateSince : now,
      idleSince: a.stateSince,
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
      queue: e.queue,
      queuedAt: now,
      phase: 'queued',
      agentId: null,
      extension: null,
      routedAt: null,
      requeues: 0,
    };
    this.live.set(call.callId, call);
    this.queue.push(call);
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
        queue: e.queue,
        waiting: this.queue.size,
      },
      'call queued',
    );
    if (!this.pool.serves(e.queue)) {
      this.log.warn({ callId: e.callId, queue: e.queue }, 'no agent serves this queue');
    }
    this.dispatch();
  }

  private onCancelled(callId: string): void {
    const call = this.live.get(callId);
    if (!call) return this.unknown('call.cancelled', callId);
    const now = this.deps.clock.now();
    this.live.delete(callId);
    if (call.phase === 'queued') {
      this.queue.remove(callId);
      const waitMs = now - call.queuedAt;
      this.persistCall(callId, { outcome: 'abandoned', endedAt: now, waitMs });
      this.log.info({ callId, waitMs }, 'call abandoned while queued');
      return;
    }
    if (call.phase === 'on-call') return this.finishTalk(call, now);
    this.persistCall(callId, { outcome: 'abandoned', endedAt: now });
    this.log.info({ callId, agent: call.extension }, 'call abandoned while ringing');
    if (call.agentId && this.stateOf(call.agentId) === 'ringing') {
      this.setAgent(call.agentId, 'ready', now, true);
      this.dispatch();
    }
  }

  private onAnswered(callId: string): void {
    const call = this.live.get(callId);
    if (!call) return this.unknown('call.answered', callId);
    const now = this.deps.clock.now();
    call.phase = 'on-call';
    this.persistCall(callId, { outcome: 'answered', answeredAt: now });
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
      this.link?.send({
        action: 'reject',
        tindex: e.tindex,
        tlabel: e.tlabel,
        callId: e.callId,
        code: 480,
        reason: 'Temporarily Unavailable',
      });
      return;
    }
    const now = this.deps.clock.now();
    const missedBy = call.agentId;
    if (missedBy && this.stateOf(missedBy) === 'ringing') this.setAgent(missedBy, 'not-ready', now);
    this.queue.remove(call.callId);
    call.tindex = e.tindex;
    call.tlabel = e.tlabel;
    call.requeues += 1;
    const waitMs = now - call.queuedAt;
    const log = { callId: call.callId, code: e.code, agent: call.extension, waitMs };
    if (call.requeues > this.options.maxRequeues) {
      this.live.delete(call.callId);
      this.link?.send({
        action: 'reject',
        tindex: call.tindex,
        tlabel: call.tlabel,
        callId: call.callId,
        code: 480,
        reason: 'Temporarily Unavailable',
      });
      this.persistCall(call.callId, { outcome: 'failed', endedAt: now, waitMs });
      this.log.info({ ...log, requeues: call.requeues }, 'call refused: re-queued too often');
      return;
    }
    call.phase = 'queued';
    call.agentId = null;
    call.extension = null;
    call.routedAt = null;
    this.queue.pushFront(call);
    this.log.info({ ...log, requeues: call.requeues }, 'call re-queued: seat did not take it');
    this.dispatch();
  }

  private onFailed(callId: string, code: number): void {
    const call = this.live.get(callId);
    if (!call) return this.unknown('call.failed', callId);
    const now = this.deps.clock.now();
    this.live.delete(callId);
    const patch: CallUpdate = { outcome: 'failed', endedAt: now };
    if (call.phase === 'queued') {
      this.queue.remove(callId);
      patch.waitMs = now - call.queuedAt;
    }
    this.persistCall(callId, patch);
    this.log.info({ callId, code, agent: call.extension, phase: call.phase }, 'call failed');
    // A routed call the seat did not take: the agent is not there (missed call).
    if (call.agentId && this.stateOf(call.agentId) === 'ringing') {
      this.setAgent(call.agentId, 'not-ready', now);
    }
  }

  private onEnded(callId: string): void {
    const call = this.live.get(callId);
    if (!call) return this.unknown('call.ended', callId);
    const now = this.deps.clock.now();
    this.live.delete(callId);
    if (call.phase === 'queued') this.queue.remove(callId);
    this.finishTalk(call, now);
  }

  private finishTalk(call: LiveCall, now: number): void {
    this.persistCall(call.callId, { endedAt: now });
    this.log.info({ callId: call.callId, agent: call.extension }, 'call ended');
    const state = call.agentId ? this.stateOf(call.agentId) : null;
    if (call.agentId && (state === 'on-call' || state === 'ringing')) {
      this.setAgent(call.agentId, 'wrap-up', now);
    }
  }

  private unknown(event: string, callId: string): void {
    this.log.warn({ callId, event }, 'event for a call the ACD does not know; ignored');
  }

  /** Routes waiting calls while agents are free; oldest call first, longest idle agent. */
  private dispatch(): void {
    const link = this.link;
    if (!link?.connected) return;
    for (;;) {
      const call = this.queue.takeFirst((c) => this.pool.longestIdle(c.queue) !== undefined);
      const agent = call && this.pool.longestIdle(call.queue);
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
      if (!link.send(reply)) {
        this.queue.restore(call);
        return;
      }
      const live = this.live.get(call.callId);
      if (live) {
        live.phase = 'ringing';
        live.agentId = agent.agentId;
        live.extension = agent.extension;
        live.routedAt = now;
      }
      this.pool.set(agent.agentId, 'ringing', now);
      this.persistPresence(agent);
      this.persistCall(call.callId, { routedAt: now, agent: agent.extension, waitMs });
      this.log.info({ callId: call.callId, agent: agent.extension, waitMs }, 'call routed');
      this.deps.events.publish(agent.agentId, {
        type: 'call.offered',
        callId: call.callId,
        caller: call.caller,
        queue: call.queue,
        waitMs,
      });
      this.deps.events.publish(agent.agentId, { type: 'agent.state', state: 'ringing' });
    }
  }

  /** Refuses calls that waited too long; gives up on routes nobody reported back on. */
  private sweep(): void {
    const now = this.deps.clock.now();
    if (this.link?.connected) {
      for (const call of this.queue.takeOlderThan(now - this.options.queueTimeoutMs)) {
        this.live.delete(call.callId);
        const waitMs = now - call.queuedAt;
        this.link.send({
          action: 'reject',
          tindex: call.tindex,
          tlabel: call.tlabel,
          callId: call.callId,
          code: 480,
          reason: 'Temporarily Unavailable',
        });
        this.persistCall(call.callId, { outcome: 'timeout', endedAt: now, waitMs });
        this.log.info({ callId: call.callId, waitMs }, 'call refused: no agent in time');
      }
    }
    for (const call of [...this.live.values()]) {
      if (call.phase !== 'ringing' || call.routedAt === null) continue;
      if (now - call.routedAt < this.options.ringTimeoutMs) continue;
      this.live.delete(call.callId);
      this.persistCall(call.callId, { outcome: 'failed', endedAt: now });
      this.log.warn(
        { callId: call.callId, agent: call.extension },
        'routed call never reported back',
      );
      if (call.agentId && this.stateOf(call.agentId) === 'ringing') {
        this.setAgent(call.agentId, 'not-ready', now);
      }
    }
  }

  /** A state change the hub makes: stored and told to the agent's seats. */
  private setAgent(agentId: string, state: AgentState, now: number, keepIdle = false): void {
    const p = this.pool.set(agentId, state, now, keepIdle);
    if (!p) return;
    this.persistPresence(p);
    this.deps.events.publish(agentId, { type: 'agent.state', state });
  }

  private persistPresence(p: Presence): void {
    const update = { state: p.state, since: p.since, seatExtension: p.extension };
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
