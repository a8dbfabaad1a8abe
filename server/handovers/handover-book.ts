import { randomUUID } from 'node:crypto';
import { QUEUE_OF_DIALLED } from '../../shared/acd-protocol.js';
import { normalizePhone } from '../../shared/domain/phone.js';
import type { Handover } from '../../shared/hub-api.js';
import type { OrderDraft } from '../../shared/order.js';
import type { Clock } from '../clock.js';

/** How long a handover is kept: a transfer or consult is made within minutes. */
export const HANDOVER_TTL_MS = 30 * 60_000;

/** Most handovers kept at once; the oldest go first (a flood must not grow the heap). */
export const HANDOVERS_KEPT = 5_000;

/** Who is asking for a handover: their extension and the queues they serve. */
export interface HandoverReader {
  extension: string;
  queues: readonly string[];
}

export interface NewHandover {
  callId: string;
  callerNumber: string;
  target: string;
  fromAgent: Handover['fromAgent'];
  draft: OrderDraft | null;
  notes: string;
}

/** What a handover is found by: the citizen's Call-ID, or the caller's number. */
export type HandoverKey = { callId: string } | { caller: string };

interface Kept {
  handover: Handover;
  /** Normalised caller number; null when withheld (then only the Call-ID finds it). */
  callerKey: string | null;
  at: number;
}

/**
 * The handovers agents pass on with calls (the draft and notes that travel to the
 * specialist's pop), kept HANDOVER_TTL_MS.
 *
 * In memory only, on purpose: a handover matters for the minutes of a transfer, holds
 * citizen data that should not outlive it, and a hub restart mid-transfer only costs the
 * specialist the notes (the order draft stays on the first agent's seat). So there is no
 * table and no migration; a hub with several instances would need a shared store.
 */
export class HandoverBook {
  /** Oldest first (insertion order), so expiry and the cap drop from the front. */
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly clock: Clock) {}

  add(entry: NewHandover): Handover {
    this.sweep();
    const at = this.clock.now();
    const handover: Handover = {
      id: randomUUID(),
      ...entry,
      at: new Date(at).toISOString(),
    };
    this.kept.set(handover.id, { handover, callerKey: normalizePhone(entry.callerNumber), at });
    while (this.kept.size > HANDOVERS_KEPT) {
      const oldest = this.kept.keys().next().value;
      if (oldest === undefined) break;
      this.kept.delete(oldest);
    }
    return handover;
  }

  /**
   * The newest live handover for the key that is addressed to the reader: to their
   * extension, or to the line of a queue they serve (QUEUE_OF_DIALLED). Null otherwise:
   * another agent's handover is not theirs to read.
   */
  find(key: HandoverKey, reader: HandoverReader): Handover | null {
    this.sweep();
    const callerKey = 'caller' in key ? normalizePhone(key.caller) : null;
    if ('caller' in key && callerKey === null) return null;
    let found: Handover | null = null;
    for (const { handover, callerKey: keptCaller } of this.kept.values()) {
      const matches = 'callId' in key ? handover.callId === key.callId : keptCaller === callerKey;
      if (matches && addressedTo(handover.target, reader)) found = handover;
    }
    return found;
  }

  get size(): number {
    this.sweep();
    return this.kept.size;
  }

  /** Drops what is older than HANDOVER_TTL_MS. */
  private sweep(): void {
    const cutoff = this.clock.now() - HANDOVER_TTL_MS;
    for (const [id, kept] of this.kept) {
      if (kept.at > cutoff) break;
      this.kept.delete(id);
    }
  }
}

function addressedTo(target: string, reader: HandoverReader): boolean {
  if (target === reader.extension) return true;
  const queue = QUEUE_OF_DIALLED[target];
  return queue !== undefined && reader.queues.includes(queue);
}
