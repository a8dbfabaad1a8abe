import type { OrderDraft as StoredDraft } from '../../../shared/order';

/** What happens to one draft slot in the seat core: saved with this content, or dropped. */
export type DraftWrite = { kind: 'save'; draft: StoredDraft } | { kind: 'discard' };

export type DraftWriterState = 'idle' | 'saving' | 'saved' | 'failed';

export interface DraftWriter {
  /** Queues a write; a write of the same slot still waiting is replaced by this one. */
  write(slot: string, write: DraftWrite): void;
  /** Drops the waiting write of a slot (the one in flight, if any, still lands). */
  forget(slot: string): void;
  /** Resolves once nothing waits and nothing is in flight. */
  idle(): Promise<void>;
}

/**
 * Sends the order form's drafts to the seat core as the agent types: one request in flight
 * at a time, and per slot only the newest write waits, so fast typing costs few requests
 * and the last change always goes out.
 *
 *   idle ──write──▶ sending ──answer, more waiting──▶ sending (the next slot's newest write)
 *                      └──────answer, none waiting──▶ idle
 *
 * Only saves report their state (a discard is housekeeping the agent need not see, unless
 * it fails). A failed write is reported and not retried here: the next change (or the session
 * catching up after the link came back) writes the whole draft again.
 */
export function createDraftWriter(
  send: (slot: string, write: DraftWrite) => Promise<void>,
  report: (state: DraftWriterState, error?: unknown) => void,
): DraftWriter {
  const waiting = new Map<string, DraftWrite>();
  let running: Promise<void> | null = null;

  async function drain(): Promise<void> {
    for (let next = waiting.entries().next(); !next.done; next = waiting.entries().next()) {
      const [slot, write] = next.value;
      waiting.delete(slot);
      try {
        await send(slot, write);
        if (write.kind === 'save') report(waiting.size > 0 ? 'saving' : 'saved');
      } catch (error) {
        report('failed', error);
      }
    }
  }

  return {
    write(slot, write) {
      waiting.delete(slot);
      waiting.set(slot, write);
      if (write.kind === 'save') report('saving');
      if (running) return;
      running = drain().finally(() => {
        running = null;
      });
    },
    forget(slot) {
      waiting.delete(slot);
    },
    async idle() {
      while (running) await running;
    },
  };
}
