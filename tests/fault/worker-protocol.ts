import { readFileSync } from 'node:fs';
import type { LocalOrder, SyncStatus } from '../../shared/desk-api.js';
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
}

/** One line of a worker's journal: a mutation the seat core answered ok. */
export type JournalEntry = (
  | { op: 'create'; localId: string; input: OrderInput }
  | { op: 'update'; localId: string; changes: OrderChanges }
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
      status: SyncStatus | null;
      rejected: number;
      orders: LocalOrder[];
    };

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
