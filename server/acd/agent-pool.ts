import type { AgentState, NotReadyReason } from '../../shared/hub-api.js';

/**
 * Live presence of every agent, held by the ACD in memory (the store keeps a copy for
 * restarts and the wallboard). The moves (seat requests are checked in seat-moves.ts):
 *
 *   logged-out --login--> not-ready <--seat--> ready --route--> ringing
 *                          ^    ^               ^  ^               |  \--cancelled--> ready
 *        wrap-up time up, |    \---seat------ wrap-up |            |   \--missed----> not-ready
 *   not-ready chosen ------/                     ^  \-time up-/    answered
 *                                                \------ ended --- on-call <--/
 *
 * Any state --seat--> logged-out. `queues` are the agent's skills: a call of a queue is
 * routed only to an agent holding it.
 */
export interface Presence {
  agentId: string;
  name: string;
  extension: string | null;
  queues: readonly string[];
  state: AgentState;
  /** Why the agent is not ready; null in every other state (and when none was given). */
  reason: NotReadyReason | null;
  /** When the current state began. */
  since: number;
  /** When the agent last became free for a new call; longest idle is served first. */
  idleSince: number;
  /**
   * Set when the agent will be not ready once the call in hand and its wrap-up are over
   * (they asked for it during the call, or were not ready when a direct call came in);
   * null: back to ready when wrap-up ends.
   */
  afterCall: { reason: NotReadyReason | null } | null;
  /** While in wrap-up: when it ends (hub clock); null in every other state. */
  wrapUpEndsAt: number | null;
  /**
   * Where the agent was when their seat reported a call of its own (an outbound call, a
   * direct call) that the ACD did not route: a call that ends with no conversation puts
   * them back there (see Acd.setStateBySeat). Null outside such calls.
   */
  beforeCall: {
    state: AgentState;
    reason: NotReadyReason | null;
    wrapUpEndsAt: number | null;
  } | null;
}

export interface MoveOptions {
  /** A ringing call the caller gave up on is not the agent's turn used up. */
  keepIdle?: boolean;
  reason?: NotReadyReason | null;
  /** With wrap-up: when it ends. */
  wrapUpEndsAt?: number;
}

export class AgentPool {
  private readonly agents = new Map<string, Presence>();

  add(presence: Presence): void {
    this.agents.set(presence.agentId, { ...presence });
  }

  get(agentId: string): Presence | undefined {
    return this.agents.get(agentId);
  }

  all(): IterableIterator<Presence> {
    return this.agents.values();
  }

  /**
   * Moves an agent to `state`. Becoming ready starts a new idle period, unless
   * `keepIdle`. The reason is kept with not-ready only, the wrap-up end with wrap-up.
   */
  set(
    agentId: string,
    state: AgentState,
    now: number,
    options: MoveOptions = {},
  ): Presence | undefined {
    const p = this.agents.get(agentId);
    if (!p) return undefined;
    const reason = state === 'not-ready' ? (options.reason ?? null) : null;
    if (p.state !== state || p.reason !== reason) p.since = now;
    if (state === 'ready' && p.state !== 'ready' && !options.keepIdle) p.idleSince = now;
    p.state = state;
    p.reason = reason;
    p.wrapUpEndsAt = state === 'wrap-up' ? (options.wrapUpEndsAt ?? now) : null;
    return p;
  }

  /**
   * Seats `agentId` at `extension`; any other agent at that extension loses it and is
   * logged out (a desk has one agent). Answers the agents displaced.
   */
  bind(agentId: string, extension: string, now: number): Presence[] {
    const displaced: Presence[] = [];
    for (const p of this.agents.values()) {
      if (p.agentId !== agentId && p.extension === extension) {
        p.extension = null;
        p.afterCall = null;
        this.set(p.agentId, 'logged-out', now);
        displaced.push(p);
      }
    }
    const me = this.agents.get(agentId);
    if (me) me.extension = extension;
    return displaced;
  }

  /** The ready agent holding `queue` that has waited longest for a call, if any. */
  longestIdle(queue: string): Presence | undefined {
    let best: Presence | undefined;
    for (const p of this.agents.values()) {
      if (p.state !== 'ready' || p.extension === null || !p.queues.includes(queue)) continue;
      if (!best || p.idleSince < best.idleSince) best = p;
    }
    return best;
  }

  serves(queue: string): boolean {
    for (const p of this.agents.values()) if (p.queues.includes(queue)) return true;
    return false;
  }

  /** Agents holding `queue`: how many are ready, how many signed in at all. */
  staffing(queue: string): { ready: number; signedIn: number } {
    let ready = 0;
    let signedIn = 0;
    for (const p of this.agents.values()) {
      if (!p.queues.includes(queue) || p.state === 'logged-out') continue;
      signedIn += 1;
      if (p.state === 'ready') ready += 1;
    }
    return { ready, signedIn };
  }

  countByState(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const p of this.agents.values()) counts[p.state] = (counts[p.state] ?? 0) + 1;
    return counts;
  }
}
