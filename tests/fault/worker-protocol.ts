import { readFileSync } from 'node:fs';
import type { LocalOrder, RejectedMutation, SyncStatus } from '../../shared/desk-api.js';
import type { OrderChanges, OrderInput } from '../../shared/order.js';

/** How the fault run's parent starts a seat worker (JSON in argv[2]). */
export interface WorkerConfig {
  index: number;
  dataDir: string;
  hubUrl: string;
  account: string;
  password: string;
  extension: string;
  seed: number;
  journal: string;
  logFile: string;
  /** Mutations this seat makes over all its lives. */
  quota: number;
  /** Mean pause between two mutations. */
  paceMs: number;
  /** Whether to edit saved orders (order.update), and how often. */
  edits: boolean;
  editShare: number;
  /** The caller numbers this seat's orders use, so they can be listed number by number. */
  callerNumbers: string[];
  /**
   * The other seats' caller numbers: orders a lead assigned to this seat's agent come
   * with them (pulled, origin `hub`), and the end check wants those too.
   */
  otherNumbers: string[];
  /**
   * Share of mutations before which the seat looks at its open conflicts; each conflict it
   * sees for the first time in a life is decided (`conflict.resolve`, hub or seat at
   * random) with probability `resolveShare`, else left open for good in that life.
   */
  conflictLookShare: number;
  resolveShare: number;
}

/** One line of a worker's journal: a mutation the seat core answered ok. */
export type JournalEntry = (
  | { op: 'create'; localId: string; input: OrderInput }
  | { op: 'update'; localId: string; changes: OrderChanges }
  /** A conflict the agent decided (the core answered ok to conflict.resolve). */
  | { op: 'resolve'; localId: string; conflictId: string; choice: 'hub' | 'seat' }
) & {
  /** The worker's clock when the core answered, for reading a run's logs only. */
  at?: string;
};

export type WorkerRequest = { type: 'drain'; timeoutMs: number } | { type: 'close' };

export type WorkerReport =
  | { type: 'ready'; seatId: string; mutations: number }
  | { type: 'progress'; mutations: number }
  | { type: 'done'; mutations: number }
  | { type: 'note'; message: string }
  | { type: 'error'; message: string }
  | {
      type: 'state';
      seatId: string;
      /** The signed-in agent (whose assigned orders the seat pulls). */
      agentId: string | null;
      status: SyncStatus | null;
      rejected: number;
      rejectedList: RejectedMutation[];
      orders: LocalOrder[];
      /** Open conflicts the seat shows (conflict.list). */
      conflicts: SeatConflict[];
    };

/** An open conflict as a seat shows it, reduced to what the end check compares. */
export interface SeatConflict {
  conflictId: string;
  orderNo: string;
  field: string;
}

/**
 * Reads a journal. A kill can leave the last line half written (the append was cut): that
 * line is dropped, since the core's ok for it was never recorded as given.
 */
export function readJournal(file: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch (err) {
      if (i < lines.length - 1 && lines.slice(i + 1).some((l) => l !== '')) throw err;
    }
  }
  return entries;
}
