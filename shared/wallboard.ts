import { z } from 'zod';
import { AGENT_STATES, NOT_READY_REASONS } from './hub-api.js';

/**
 * The wallboard's live stream (HUB_PATHS.wallboardEvents, a WebSocket for shift leads and
 * admins): one `snapshot` frame when the socket opens, then `update` frames with only
 * what changed since the frame before. Updates are coalesced: the hub sends at most one
 * frame per flush interval, with the latest figures of each queue, the latest state of
 * each agent and the latest phase of each call that moved, however many events there were.
 *
 * A client keeps maps by queue, agent id and call id and overwrites entries with each
 * frame; a call in a final phase (ended, abandoned, failed) can be dropped after showing.
 */

/** Calls answered within this wait count towards the service level. */
export const SERVICE_LEVEL_TARGET_MS = 20_000;

/** Figures of one queue for the hotline's day (China time), from the hub's ACD. */
export const QueueFiguresSchema = z.object({
  queue: z.string(),
  /** Calls waiting for an agent now. */
  waiting: z.number().int(),
  /** When the call waiting longest was queued (the client can tick the wait itself). */
  oldestQueuedAt: z.number().int().nullable(),
  longestWaitMs: z.number().int(),
  /** Calls that reached the queue today. */
  offered: z.number().int(),
  answered: z.number().int(),
  /** Callers who hung up before an agent answered. */
  abandoned: z.number().int(),
  /** Calls that ended without an agent for another reason (no agent in time, failures). */
  unanswered: z.number().int(),
  /** Mean time from queued to answered over today's answered calls; null before the first. */
  averageWaitMs: z.number().int().nullable(),
  /** Answered within SERVICE_LEVEL_TARGET_MS. */
  answeredWithinTarget: z.number().int(),
  /**
   * answeredWithinTarget / (answered + abandoned + unanswered): the share of today's
   * finished calls answered in time; null before the first finished call.
   */
  serviceLevel: z.number().nullable(),
  /** Agents holding this queue's skill who are ready now. */
  agentsReady: z.number().int(),
  /** Agents holding the skill who are signed in (any state but logged-out). */
  agentsSignedIn: z.number().int(),
});
export type QueueFigures = z.infer<typeof QueueFiguresSchema>;

export const WallboardAgentSchema = z.object({
  agentId: z.string(),
  name: z.string(),
  extension: z.string().nullable(),
  queues: z.array(z.string()),
  state: z.enum(AGENT_STATES),
  reason: z.enum(NOT_READY_REASONS).nullable(),
  /** When the current state began. */
  since: z.number().int(),
});
export type WallboardAgent = z.infer<typeof WallboardAgentSchema>;

export const CALL_PHASES = [
  'queued',
  'ringing',
  'on-call',
  'ended',
  'abandoned',
  'failed',
] as const;
export type CallPhase = (typeof CALL_PHASES)[number];

export const WallboardCallSchema = z.object({
  callId: z.string(),
  queue: z.string(),
  phase: z.enum(CALL_PHASES),
  /** Masked (139****0000): the wallboard shows no citizen's full number. */
  caller: z.string(),
  /** Extension of the agent the call was routed to, while it rings or talks. */
  agent: z.string().nullable(),
  queuedAt: z.number().int(),
  /** Time in the queue so far (queued to routed, or to the end when never routed). */
  waitMs: z.number().int().nullable(),
});
export type WallboardCall = z.infer<typeof WallboardCallSchema>;

export const WallboardFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'),
    at: z.number().int(),
    /** The hotline's day the figures count, YYYY-MM-DD in China time. */
    day: z.string(),
    serviceLevelTargetMs: z.number().int(),
    queues: z.array(QueueFiguresSchema),
    agents: z.array(WallboardAgentSchema),
    /** Calls queued, ringing or in conversation now. */
    calls: z.array(WallboardCallSchema),
  }),
  z.object({
    type: z.literal('update'),
    at: z.number().int(),
    day: z.string(),
    queues: z.array(QueueFiguresSchema),
    agents: z.array(WallboardAgentSchema),
    calls: z.array(WallboardCallSchema),
  }),
]);
export type WallboardFrame = z.infer<typeof WallboardFrameSchema>;
