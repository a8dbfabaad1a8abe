import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

/** A whole-number flag of a benchmark: `--name N`, with its default and least value. */
export interface IntFlag {
  default: number;
  min: number;
}

type Flags<I, B extends string> = { [K in keyof I]: number } & { [K in B]: boolean };

/**
 * Reads a benchmark's flags: whole numbers (`--calls 5000`) and switches (`--no-http`).
 * An unknown flag or a value that is not a whole number of at least `min` stops the
 * benchmark with a message that names the flag.
 */
export function benchFlags<I extends Record<string, IntFlag>, B extends string = never>(
  ints: I,
  switches: readonly B[] = [],
  args: string[] = process.argv.slice(2),
): Flags<I, B> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const name of Object.keys(ints)) options[name] = { type: 'string' };
  for (const name of switches) options[name] = { type: 'boolean' };
  const { values } = parseArgs({ args, options, strict: true });

  const flags: Record<string, number | boolean> = {};
  for (const [name, flag] of Object.entries(ints)) {
    const raw = values[name];
    if (raw === undefined) {
      flags[name] = flag.default;
      continue;
    }
    const n = Number(raw);
    if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < flag.min) {
      throw new Error(`--${name} must be an integer >= ${flag.min}, got "${String(raw)}"`);
    }
    flags[name] = n;
  }
  for (const name of switches) flags[name] = values[name] === true;
  return flags as Flags<I, B>;
}

/** The 1, 5 and 15 minute load averages, "0.52 0.31 0.20", for a result's notes. */
export function loadAverages(): string {
  return loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
}

/**
 * Runs a benchmark's main; a failure prints `<name>: failed:` with the error and exits 1,
 * so `npm run bench` sees it.
 */
export function runBench(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(`${name}: failed:`, error);
    process.exit(1);
  });
}
