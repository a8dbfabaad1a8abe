import { QUEUES } from '../../shared/acd-protocol.js';
import { maskPhone, normalizePhone } from '../../shared/domain/phone.js';
import type {
  CallPhase,
  QueueFigures,
  WallboardAgent,
  WallboardCall,
} from '../../shared/wallboard.js';
import type { AgentPool, Presence } from './agent-pool.js';
import type { CallQueue, WaitingCall } from './call-queue.js';
import type { QueueStats } from './queue-stats.js';

/** How the ACD's state reads on the wallboard (shared/wallboard.ts). */

export function agentView(p: Presence): WallboardAgent {
  return {
    agentId: p.agentId,
    name: p.name,
    extension: p.extension,
    queues: [...p.queues],
    state: p.state,
    reason: p.reason,
    since: p.since,
  };
}

export function callView(
  call: WaitingCall & { extension: string | null },
  phase: CallPhase,
  waitMs: number | null,
): WallboardCall {
  return {
    callId: call.callId,
    queue: call.queue,
    phase,
    caller: maskPhone(normalizePhone(call.caller) ?? call.caller),
    agent: phase === 'ringing' || phase === 'on-call' ? call.extension : null,
    queuedAt: call.queuedAt,
    waitMs,
  };
}

export function queueFigures(
  queue: string,
  now: number,
  parts: { queue: CallQueue; pool: AgentPool; stats: QueueStats },
): QueueFigures {
  const oldest = parts.queue.oldest(queue);
  const staffing = parts.pool.staffing(queue);
  return {
    queue,
    waiting: parts.queue.waiting(queue),
    oldestQueuedAt: oldest?.queuedAt ?? null,
    longestWaitMs: oldest ? Math.max(0, now - oldest.queuedAt) : 0,
    ...parts.stats.counts(queue, now),
    agentsReady: staffing.ready,
    agentsSignedIn: staffing.signedIn,
  };
}

/** The hotline's queues, then any other queue an agent holds or a call came in on. */
export function knownQueues(pool: AgentPool, stats: QueueStats, now: number): string[] {
  const names = new Set<string>(QUEUES);
  for (const p of pool.all()) for (const q of p.queues) names.add(q);
  for (const q of stats.queues(now)) names.add(q);
  return [...names];
}
