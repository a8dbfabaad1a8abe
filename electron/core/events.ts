import type { DeskEvent, DeskEventPayload } from '../../shared/desk-api.js';

/** One desk event as the core hands it to its adapter; a valid DeskEventFrame as it is. */
export type SeatCoreEvent = {
  [E in DeskEvent]: { event: E; payload: DeskEventPayload<E> };
}[DeskEvent];

export type SeatCoreEventListener = (event: SeatCoreEvent) => void;

/** Listeners of the core's events; a listener that throws does not stop the others. */
export class EventHub {
  private readonly listeners = new Set<SeatCoreEventListener>();

  constructor(private readonly onListenerError: (err: unknown) => void) {}

  on(listener: SeatCoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: SeatCoreEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
