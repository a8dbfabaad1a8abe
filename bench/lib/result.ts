import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where every benchmark writes its latest run (see ../shared/BENCH.md). */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export type Figures = Record<string, number | string | boolean | null | Record<string, unknown>>;

export interface BenchResult {
  name: string;
  date: string;
  machine: string;
  command: string;
  figures: Figures;
  /** Anything a reader needs to judge the figures: sizes, runs, method. */
  notes?: string[];
}

/** "2 cores, 24 GiB, Node 20.20": the machine line of a result. */
export function machineLine(): string {
  const gib = Math.round(totalmem() / 2 ** 30);
  return `${cpus().length} cores, ${gib} GiB, Node ${process.versions.node}`;
}

/** Writes bench/results/<name>.json (or into `dir`) and answers its path. */
export function writeResult(
  name: string,
  command: string,
  figures: Figures,
  notes: string[] = [],
  dir: string = RESULTS_DIR,
): string {
  const result: BenchResult = {
    name,
    date: new Date().toISOString(),
    machine: machineLine(),
    command,
    figures,
    ...(notes.length > 0 ? { notes } : {}),
  };
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(result, null, 2) + '\n');
  return path;
}

/** The q-quantile (0..1) of `values` by nearest rank; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Milliseconds rounded to microseconds, for figures. */
export function ms(value: number): number {
  return Math.round(value * 1000) / 1000;
}
