import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_DIR, type BenchResult } from './lib/result.js';

/**
 * `npm run bench [-- NAME... [--flag value...]]`: runs every benchmark (each
 * bench/<name>.ts, a plain program that writes bench/results/<name>.json), or the named
 * ones, one after another (they time things: never two at once). Flags go to each
 * benchmark run. Exits non-zero when a benchmark fails.
 */
const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

function benchmarks(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'run.ts')
    .map((f) => basename(f, '.ts'))
    .sort();
}

function splitArgs(argv: readonly string[]): { names: string[]; flags: string[] } {
  const names: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      names.push(arg);
      continue;
    }
    flags.push(arg);
    const value = argv[i + 1];
    if (!arg.includes('=') && value !== undefined && !value.startsWith('--')) {
      flags.push(value);
      i++;
    }
  }
  return { names, flags };
}

function summary(name: string): string {
  const file = join(RESULTS_DIR, `${name}.json`);
  if (!existsSync(file)) return `${name}: no results file`;
  const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  const figures = Object.entries(result.figures)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `${name}: ${figures}`;
}

function main(): void {
  const available = benchmarks();
  const { names, flags } = splitArgs(process.argv.slice(2));
  const unknown = names.filter((n) => !available.includes(n));
  if (unknown.length > 0) {
    console.error(
      `bench: no benchmark named ${unknown.join(', ')}; there are: ${available.join(', ')}`,
    );
    process.exit(2);
  }
  const chosen = names.length > 0 ? names : available;
  const failed: string[] = [];
  for (const name of chosen) {
    console.error(`bench: running ${name}`);
    const started = performance.now();
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(BENCH_DIR, `${name}.ts`), ...flags],
      { stdio: 'inherit', env: { ...process.env, BENCH_COMMAND: benchCommand(name, flags) } },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (run.status !== 0) {
      failed.push(name);
      console.error(`bench: ${name} failed (exit ${run.status ?? run.signal}) after ${seconds} s`);
    } else {
      console.error(`bench: ${name} done in ${seconds} s`);
    }
  }
  console.log(
    chosen
      .filter((n) => !failed.includes(n))
      .map(summary)
      .join('\n'),
  );
  if (failed.length > 0) {
    console.error(`bench: failed: ${failed.join(', ')}`);
    process.exit(1);
  }
}

/** The command line that reproduces one benchmark's run, for its results file. */
function benchCommand(name: string, flags: readonly string[]): string {
  return ['npm run bench --', name, ...flags].join(' ');
}

main();
