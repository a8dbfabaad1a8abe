import type { HubEvent } from '../../shared/hub-api.js';

export type EventSink = (event: HubEvent) => void;

/** An open stream of a desk: the extension its session signed in at, and how to end it. */
export interface SeatStream {
  extension: string;
  end(): void;
}

/**
 * Fan-out of hub events to the seats of one agent. The ACD publishes; the events
 * WebSocket subscribes one sink per open socket. Kept apart from the socket code so the
 * ACD can be tested without a network.
 */
export class SeatEvents {
  private readonly sinks = new Map<string, Set<EventSink>>();
  private readonly enders = new Map<EventSink, SeatStream>();

  /**
   * Adds a sink for `agentId`; answers the function that removes it. A `stream` is told
   * when its desk signs out ({@link signedOut}), so its socket closes.
   */
  subscribe(agentId: string, sink: EventSink, stream?: SeatStream): () => void {
    let set = this.sinks.get(agentId);
    if (!set) this.sinks.set(agentId, (set = new Set()));
    set.add(sink);
    if (stream) this.enders.set(sink, stream);
    return () => {
      set.delete(sink);
      this.enders.delete(sink);
      if (set.size === 0) this.sinks.delete(agentId);
    };
  }

  publish(agentId: string, event: HubEvent): void {
    for (const sink of this.sinks.get(agentId) ?? []) sink(event);
  }

  /**
   * The account signed out at `extension` (null: everywhere): the streams of that desk
   * end; a desk the account is still signed in at keeps its own. Answers how many ended.
   */
  signedOut(agentId: string, extension: string | null): number {
    const ending = [...(this.sinks.get(agentId) ?? [])]
      .map((sink) => this.enders.get(sink))
      .filter((s): s is SeatStream => s !== undefined)
      .filter((s) => extension === null || s.extension === extension);
    for (const stream of ending) stream.end();
    return ending.length;
  }

  listeners(agentId: string): number {
    return this.sinks.get(agentId)?.size ?? 0;
  }
}
