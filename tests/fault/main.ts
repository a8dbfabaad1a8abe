import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeResult } from '../../bench/lib/result.js';
import { withScratchDatabase } from '../../server/testing/pg-databases.js';
import { randomSeed } from './prng.js';
import { runFault, type FaultRunResult } from './fault-run.js';

/**
 * `npm run fault -- [--mutations 10000] [--seats 5] [--seed N] [--pg] [--rate 40]`: the
 * full fault-injection run; writes bench/results/fault.json and exits 1 on any loss,
 * double or mismatch. `--pg` runs the hub on PostgreSQL: a scratch database beside
 * HUB_FAULT_PG_URL, or on the throwaway cluster of scripts/pg/start when that is unset.
 * `--keep` keeps the work dir of a clean run too (a failed run's is always kept).
 */
function wholeNumber(flag: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new Error(`--${flag} must be a whole number >= ${min}, got "${raw}"`);
  }
  return Number(raw);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mutations: { type: 'string' },
      seats: { type: 'string' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      pg: { type: 'boolean' },
      keep: { type: 'boolean' },
    },
    strict: true,
  });
  const mutations = wholeNumber('mutations', values.mutations, 10_000, 1);
  const seats = wholeNumber('seats', values.seats, 5, 1);
  const seed = wholeNumber('seed', values.seed, randomSeed(), 0);
  const ratePerS = wholeNumber('rate', values.rate, 40, 1);
  const workDir = mkdtempSync(join(tmpdir(), 'hotline-fault-'));

  const run = (postgresUrl: string | null): Promise<FaultRunResult> =>
    runFault({ mutations, seats, seed, workDir, postgresUrl, ratePerS });
  let result: FaultRunResult;
  let backend = 'sqlite';
  if (values.pg) {
    backend = 'postgres';
    const adminUrl =
      process.env.HUB_FAULT_PG_URL ??
      execFileSync('bash', ['scripts/pg/start'], { encoding: 'utf8' }).trim();
    result = await withScratchDatabase(adminUrl, 'hub_fault', (url) => run(url));
  } else {
    result = await run(null);
  }

  const args = process.argv.slice(2).join(' ');
  const file = writeResult(
    values.pg ? 'fault-postgres' : 'fault',
    `npm run fault --${args ? ` ${args}` : ''}`,
    {
      fault_mutations: result.journalled,
      fault_lost: result.lost,
      fault_doubled: result.doubled,
      fault_seed: result.seed,
      fault_mismatched: result.mismatched,
      fault_creates: result.journalledCreates,
      fault_edits: result.journalledEdits,
      fault_hub_orders: result.hubOrders,
      fault_seats: result.seats,
      fault_kills_seat: result.kills.seat,
      fault_kills_hub: result.kills.hub,
      fault_kills_during_push: result.kills.duringPush,
      fault_duration_s: result.durationS,
      fault_ok: result.ok,
      fault_proxy_connections: { ...result.proxy },
      fault_hub_edits: result.lead.edits,
      fault_hub_edits_stale: result.lead.stale,
      fault_hub_assigns: result.lead.assigns,
      fault_conflicts: result.hubConflicts,
      fault_conflicts_open: result.hubConflictsOpen,
      fault_conflict_decisions: result.journalledResolves,
      fault_conflicts_mismatched: result.conflictsMismatched,
      fault_values_lost: result.valuesLost,
    },
    [
      `hub on ${backend}; ${seats} seat-core processes through a TCP fault proxy ` +
        '(pass, drop, stall, cut, delay per connection); SIGKILL of seats and hub, mostly ' +
        'while a push was in flight, each restarted on the same data',
      `fault_mutations counts the mutations the seat cores answered ok (journalled: creates, ` +
        'edits, conflict decisions); the end check compares every order field by field ' +
        'between seat and hub, by clientOrderId (by order number for orders assigned to a ' +
        "seat), and each seat's open conflicts with the hub's",
      `a lead (lead01, straight to the hub, not through the proxy) edited ` +
        `${result.lead.edits} orders (${result.lead.stale} PATCHes refused 409 as stale, ` +
        `${result.lead.unreachable} attempts while the hub was down) and assigned ` +
        `${result.lead.assigns} to another seat's agent; fault_conflicts counts the hub's ` +
        "conflict rows on the seats' orders, fault_conflict_decisions the conflicts seats " +
        'decided (the rest stay open, and must be open on both sides)',
      ...result.notes,
      ...result.problems.slice(0, 20),
      ...result.workerErrors.slice(0, 20),
    ],
  );
  console.log(`fault: wrote ${file}`);
  if (result.ok && !values.keep) rmSync(workDir, { recursive: true, force: true });
  else console.log(`fault: work dir kept: ${workDir}`);
  process.exit(result.ok ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error('fault: failed:', err);
  process.exit(1);
});
