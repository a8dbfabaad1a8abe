import { CALLBACK_MAX_ATTEMPTS, type Callback, type Role } from '../../shared/hub-api.js';
import { maskPhone, normalizePhone } from '../../shared/domain/phone.js';
import type { Clock } from '../clock.js';
import type { SeatEvents } from '../events/seat-events.js';
import type { Logger } from '../logger.js';
import type { CallbackOutcome, CallbackReport, HubStore } from '../store/repository.js';

/** A taken callback not reported within this time goes back to the list. */
export const CALLBACK_HOLD_MS = 10 * 60_000;

/** How often the ACD's sweeper looks for such callbacks. */
export const CALLBACK_SWEEP_MS = 30_000;

/** Longest list GET callbacks answers. */
export const CALLBACK_LIST_LIMIT = 200;

/** Who asks: their id, and whose list they see (a lead sees every queue's). */
export interface CallbackAgent {
  agentId: string;
  role: Role;
  queues: readonly string[];
}

export interface CallbackListDeps {
  store: HubStore;
  events: SeatEvents;
  clock: Clock;
  log: Logger;
  /** The signed-in agents holding `queue`, told when its list changes. */
  servedBy: (queue: string) => { agentId: string; queues: readonly string[] }[];
}

/** A call no agent took: what the list needs of it. */
export interface UnservedCall {
  callId: string;
  caller: string;
  queue: string;
}

/**
 * The callback list (DESIGN: callers who hung up while queued are called back). The ACD
 * adds to it when a queued or ringing call is abandoned, or refused after the queue
 * timeout; agents take entries and report how the call went (CallbackSchema of
 * shared/hub-api draws the moves). After each change the signed-in agents of the entry's
 * queue get `callbacks.changed` with the number of open entries they may take.
 *
 * Abandons and the sweep are written behind, in order, like the ACD's own store writes;
 * `flush` waits for them.
 */
export class CallbackList {
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly deps: CallbackListDeps) {}

  /** Which queues an agent's list holds; null: all (leads). */
  static scope(agent: CallbackAgent): readonly string[] | null {
    return agent.role === 'lead' ? null : agent.queues;
  }

  /** A caller gave up while queued or ringing: their number goes on the list. */
  abandoned(call: UnservedCall, waitMs: number): void {
    this.add(call, waitMs, 'abandoned');
  }

  /**
   * The hub turned a caller away after the queue timeout (no agent in time, 480): they
   * waited as long as one who gave up, so they are called back the same way.
   */
  timedOut(call: UnservedCall, waitMs: number): void {
    this.add(call, waitMs, 'timed out');
  }

  private add(call: UnservedCall, waitMs: number, why: 'abandoned' | 'timed out'): void {
    const number = normalizePhone(call.caller);
    if (number === null) {
      this.deps.log.info(
        { callId: call.callId },
        `${why} call not put on the callback list: no number to call back`,
      );
      return;
    }
    const at = this.deps.clock.now();
    this.behind(async () => {
      // The store counts each unserved call of the number as one more abandon.
      const entry = await this.deps.store.callbacks.recordAbandon({
        number,
        queue: call.queue,
        at,
        waitMs: Math.max(0, waitMs),
      });
      this.deps.log.info(
        {
          callId: call.callId,
          callback: entry.id,
          caller: maskPhone(number),
          queue: entry.queue,
          abandons: entry.abandons,
        },
        entry.abandons === 1 ? `callback listed (${why})` : `callback ${why} again`,
      );
      await this.notify([entry.queue]);
    });
  }

  async list(agent: CallbackAgent): Promise<{ open: number; items: Callback[] }> {
    const scope = CallbackList.scope(agent);
    const [items, open] = await Promise.all([
      this.deps.store.callbacks.list(scope, CALLBACK_LIST_LIMIT),
      this.deps.store.callbacks.countOpen(scope),
    ]);
    return { open, items };
  }

  /** Claims the next entry for the agent (the one they hold, if any); null when none. */
  async next(agent: CallbackAgent): Promise<Callback | null> {
    const now = this.deps.clock.now();
    const taken = await this.deps.store.callbacks.claimNext(
      agent.agentId,
      CallbackList.scope(agent),
      now,
    );
    if (taken) {
      this.deps.log.info(
        { callback: taken.id, agent: agent.agentId, caller: maskPhone(taken.number) },
        'callback taken',
      );
      await this.notify([taken.queue]);
    }
    return taken;
  }

  async report(
    agent: CallbackAgent,
    id: string,
    outcome: CallbackOutcome,
  ): Promise<CallbackReport> {
    const now = this.deps.clock.now();
    const result = await this.deps.store.callbacks.report(
      id,
      agent.agentId,
      outcome,
      now,
      CALLBACK_MAX_ATTEMPTS,
    );
    if (result.kind === 'reported') {
      const { callback } = result;
      this.deps.log.info(
        {
          callback: id,
          agent: agent.agentId,
          caller: maskPhone(callback.number),
          outcome,
          attempts: callback.attempts,
          status: callback.status,
        },
        'callback reported',
      );
      await this.notify([callback.queue]);
    }
    return result;
  }

  /** Taken entries nobody reported on within CALLBACK_HOLD_MS go back to the list. */
  sweep(): void {
    const cutoff = this.deps.clock.now() - CALLBACK_HOLD_MS;
    this.behind(async () => {
      const queues = await this.deps.store.callbacks.releaseStale(cutoff);
      if (queues.length === 0) return;
      this.deps.log.info({ released: queues.length }, 'callbacks not reported in time released');
      await this.notify([...new Set(queues)]);
    });
  }

  /** Resolves once the abandons and sweeps issued so far are written. */
  flush(): Promise<void> {
    return this.writes;
  }

  /** Tells the signed-in agents of these queues how many open entries they may take. */
  private async notify(queues: readonly string[]): Promise<void> {
    const agents = new Map<string, readonly string[]>();
    for (const q of queues) for (const a of this.deps.servedBy(q)) agents.set(a.agentId, a.queues);
    // Agents with the same skills see the same count: one query per set of skills.
    const counts = new Map<string, Promise<number>>();
    for (const [agentId, skills] of agents) {
      const key = [...skills].sort().join('\n');
      let open = counts.get(key);
      if (!open) counts.set(key, (open = this.deps.store.callbacks.countOpen(skills)));
      this.deps.events.publish(agentId, { type: 'callbacks.changed', open: await open });
    }
  }

  private behind(op: () => Promise<void>): void {
    this.writes = this.writes
      .then(op)
      .catch((error: unknown) => this.deps.log.error({ err: error }, 'callback write failed'));
  }
}
