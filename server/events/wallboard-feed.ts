import type {
  QueueFigures,
  WallboardAgent,
  WallboardCall,
  WallboardFrame,
} from '../../shared/wallboard.js';

export type WallboardSnapshot = Extract<WallboardFrame, { type: 'snapshot' }>;
export type WallboardSink = (frame: WallboardFrame) => void;

/** What the feed reads from the ACD when it builds a frame. */
export interface WallboardSource {
  snapshot(): WallboardSnapshot;
  day(): string;
  now(): number;
  queueFigures(queue: string): QueueFigures;
  agent(agentId: string): WallboardAgent | undefined;
}

/** One frame at most this often: the wallboard's goal is an event shown within 1 s. */
export const WALLBOARD_FLUSH_MS = 250;

/**
 * Fan-out of the ACD's moves to the wallboards, coalesced: the ACD only marks what
 * changed (a queue, an agent, a call's latest phase), and every flush interval one
 * `update` frame carries the current figures of the marked queues and agents and the
 * latest phase of each marked call. However busy 300 seats are, a wallboard gets at most
 * four frames a second, each no bigger than the hotline itself. Nothing is kept while no
 * wallboard listens; a new one starts from a snapshot.
 */
export class WallboardFeed {
  private readonly sinks = new Set<WallboardSink>();
  private readonly queues = new Set<string>();
  private readonly agents = new Set<string>();
  private readonly calls = new Map<string, WallboardCall>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly source: WallboardSource,
    private readonly flushMs = WALLBOARD_FLUSH_MS,
  ) {}

  /** Sends `sink` the snapshot at once, then updates; answers the function that stops it. */
  subscribe(sink: WallboardSink): () => void {
    sink(this.source.snapshot());
    this.sinks.add(sink);
    if (!this.timer) {
      this.timer = setInterval(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
    return () => {
      this.sinks.delete(sink);
      if (this.sinks.size === 0) this.stop();
    };
  }

  get listeners(): number {
    return this.sinks.size;
  }

  queueChanged(queue: string): void {
    if (this.sinks.size > 0) this.queues.add(queue);
  }

  agentChanged(agentId: string): void {
    if (this.sinks.size > 0) this.agents.add(agentId);
  }

  callChanged(call: WallboardCall): void {
    if (this.sinks.size === 0) return;
    this.calls.set(call.callId, call);
    this.queues.add(call.queue);
  }

  /** Sends what changed since the last frame, if anything did. The timer calls it. */
  flush(): void {
    if (this.queues.size === 0 && this.agents.size === 0 && this.calls.size === 0) return;
    const frame: WallboardFrame = {
      type: 'update',
      at: this.source.now(),
      day: this.source.day(),
      queues: [...this.queues].map((q) => this.source.queueFigures(q)),
      agents: [...this.agents].flatMap((id) => this.source.agent(id) ?? []),
      calls: [...this.calls.values()],
    };
    this.queues.clear();
    this.agents.clear();
    this.calls.clear();
    for (const sink of this.sinks) sink(frame);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.queues.clear();
    this.agents.clear();
    this.calls.clear();
  }

  /** Forgets every wallboard (hub shutdown). */
  close(): void {
    this.sinks.clear();
    this.stop();
  }
}
