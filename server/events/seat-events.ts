import type { HubEvent } from '../../shared/hub-api.js';

export type EventSink = (event: HubEvent) => void;

/**
 * Fan-out of hub events to the seats of one agent. The ACD publishes; the events
 * WebSocket subscribes one sink per open socket. Kept apart from the socket code so the
 * ACD can be tested without a network.
 */
export class SeatEvents {
  private readonly sinks = new Map<string, Set<EventSink>>();

  /** Adds a sink for `agentId`; answers the function that removes it. */
  subscribe(agentId: string, sink: EventSink): () => void {
    let set = this.sinks.get(agentId);
    if (!set) this.sinks.set(agentId, (set = new Set()));
    set.add(sink);
    return () => {
      set.delete(sink);
      if (set.size === 0) this.sinks.delete(agentId);
    };
  }

  publish(agentId: string, event: HubEvent): void {
    for (const sink of this.sinks.get(agentId) ?? []) sink(event);
  }

  listeners(agentId: string): number {
    return this.sinks.get(agentId)?.size ?? 0;
  }
}
