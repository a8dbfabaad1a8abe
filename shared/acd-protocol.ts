import { z } from 'zod';

/**
 * Messages between Kamailio and the hub's ACD over evapi (a TCP socket Kamailio listens
 * on; the hub connects as the client; netstring framing, JSON bodies).
 *
 * A citizen's INVITE for a queue number: Kamailio creates the transaction, answers 180
 * locally, suspends it and sends `call.queued` with the transaction's index and label.
 * The hub answers `route` when an agent is free (or `reject`), and Kamailio continues the
 * transaction to that agent, adding the queue and wait as X-Hotline-* headers.
 *
 *   INVITE -> queued --(agent free)--> route --> ringing seat --> answered --> ended
 *               |  \--(no agent, timeout / reject)--> failed      |
 *               |<--------(seat busy / no answer: requeued)-------/
 *               \--(caller CANCEL)--> abandoned
 */
export const KamailioEventSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('call.queued'),
    tindex: z.coerce.number().int(),
    tlabel: z.coerce.number().int(),
    callId: z.string().min(1),
    caller: z.string(),
    queue: z.string(),
    /** The number the caller dialled ($rU); the hub maps it to a queue (QUEUE_OF_DIALLED). */
    dialled: z.string().optional(),
  }),
  /** The caller hung up while queued (CANCEL) or while the seat rang. */
  z.object({ event: z.literal('call.cancelled'), callId: z.string().min(1) }),
  /** The seat answered (200 OK for the INVITE passed through Kamailio). */
  z.object({ event: z.literal('call.answered'), callId: z.string().min(1) }),
  /**
   * A routed call the seat did not take (busy 486, rang out 408, agent not registered 480):
   * Kamailio suspended the same transaction again (same tindex/tlabel) and waits for the
   * next `route` or a `reject`. The caller keeps waiting; the hub puts the call back at the
   * head of its queue.
   */
  z.object({
    event: z.literal('call.requeued'),
    tindex: z.coerce.number().int(),
    tlabel: z.coerce.number().int(),
    callId: z.string().min(1),
    code: z.coerce.number().int(),
  }),
  /**
   * The call ended without an agent: the hub never answered in time, the continue failed
   * (481), or a seat failed after the caller's total wait was spent (or too many re-queues).
   */
  z.object({
    event: z.literal('call.failed'),
    callId: z.string().min(1),
    code: z.coerce.number().int(),
  }),
  /** BYE seen for an answered call. */
  z.object({ event: z.literal('call.ended'), callId: z.string().min(1) }),
]);
export type KamailioEvent = z.infer<typeof KamailioEventSchema>;

export type AcdReply =
  | {
      action: 'route';
      tindex: number;
      tlabel: number;
      callId: string;
      /** Extension of the chosen agent; Kamailio looks up its registered contact. */
      agent: string;
      queue: string;
      waitMs: number;
    }
  | {
      action: 'reject';
      tindex: number;
      tlabel: number;
      callId: string;
      code: number;
      reason: string;
    };

/** The number citizens dial, and the queue it lands in. */
export const HOTLINE_NUMBER = '12345';
export const DEFAULT_QUEUE = 'general';

/**
 * The hotline's queues. An agent's `queues` are their skills: a call of a queue goes only
 * to an agent who holds it.
 */
export const QUEUES = [
  'general',
  'enterprise',
  'sign-language',
  'psychological',
  'policy-expert',
  'talent',
] as const;
export type QueueName = (typeof QUEUES)[number];

/**
 * Which queue a dialled number lands in. 12345 is the main line; the special lines are
 * 12345 and one more digit, as the centre's trunk (or an IVR choice) hands them to the PBX.
 * Numbers not listed keep the queue Kamailio sent.
 */
export const QUEUE_OF_DIALLED: Readonly<Record<string, QueueName>> = {
  [HOTLINE_NUMBER]: 'general',
  [`${HOTLINE_NUMBER}1`]: 'enterprise',
  [`${HOTLINE_NUMBER}2`]: 'sign-language',
  [`${HOTLINE_NUMBER}3`]: 'psychological',
  [`${HOTLINE_NUMBER}4`]: 'policy-expert',
  [`${HOTLINE_NUMBER}5`]: 'talent',
};

/** The queue of a `call.queued` event: by the dialled number when known, else as sent. */
export function queueOfCall(event: { queue: string; dialled?: string | undefined }): string {
  return (event.dialled !== undefined && QUEUE_OF_DIALLED[event.dialled]) || event.queue;
}
