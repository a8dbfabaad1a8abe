import type { AgentState } from '../../shared/hub-api.js';

/**
 * Live presence of every agent, held by the ACD in memory (the store keeps a copy for
 * restarts and the wallboard).
 *
 *   logged-out --login--> not-ready <--seat--> ready --route--> ringing
 *                                               ^  ^               |  \--cancelled--> ready
 *                          wrap-up --seat-------/  |               |   \--failed----> not-ready
 *                             ^                    |            answered
 *                             \------ ended ---- on-call <--------/
 */
export interface Presence {
  agentId: string;
  extension: string | null;
  queues: readonly string[];
  state: AgentState;
  /** When the current state began. */
  since: number;
  /** When the agent last became free for a new call; longest idle is served first. */
  idleSince: number;
}

export class AgentPool {
  private readonly agents = new Map<string, Presence>();

  add(presence: Presence): void {
    this.agents.set(presence.agentId, { ...presence });
  }

  get(agentId: string): Presence | undefined {
    return this.agents.get(agentId);
  }

  /**
   * Moves an agent to `state`. Becoming ready starts a new idle period, unless
   * `keepIdle` (a ringing call the caller gave up on is not the agent's turn used up).
   */
  set(agentId: string, state: AgentState, now: number, keepIdle = false): Presence | undefined {
    const p = this.agents.get(agentId);
    if (!p) return undefined;
    if (p.state !== state) p.since = now;
    if (state === 'ready' && p.state !== 'ready' && !keepIdle) p.idleSince = now;
    p.state = state;
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
        this.set(p.agentId, 'logged-out', now);
        displaced.push(p);
      }
    }
    const me = this.agents.get(agentId);
    if (me) me.extension = extension;
    return displaced;
  }

  /** The ready agent serving `queue` that has waited longest for a call, if any. */
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

  countByState(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const p of this.agents.values()) counts[p.state] = (counts[p.state] ?? 0) + 1;
    return counts;
  }
}
