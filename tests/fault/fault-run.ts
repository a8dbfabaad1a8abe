import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SEED_AGENTS, SEED_PASSWORD } from '../../server/seed/agents.js';
import { checkRun, type CheckResult, type SeatEnd } from './end-check.js';
import { FaultProxy, type FaultStats } from './fault-proxy.js';
import { readHubData, type HubTarget } from './hub-data.js';
import { LeadDriver, type LeadStats } from './lead-driver.js';
import { Prng } from './prng.js';
import { freePort, HubProcess, WorkerProcess } from './processes.js';
import { readJournal, type WorkerReport } from './worker-protocol.js';

/**
 * One fault-injection run (issue 4, "Proof"): the hub and several seat cores as real
 * processes, the fault proxy between them, SIGKILL of seats and of the hub at random,
 * mostly while a push is in flight; then faults off, everything drained, and the end
 * check (end-check.ts).
 *
 *   seats --HTTP/WS--> fault proxy --TCP--> hub (SQLite file or PostgreSQL)
 *     ^                                       ^  ^
 *     '------ SIGKILL + restart (chaos) ------'  '--- lead01 (PATCH, assign; direct)
 */
export interface FaultRunOptions {
  /** Mutations to make over all seats (journalled, i.e. answered ok by the core). */
  mutations: number;
  seats: number;
  seed: number;
  /** Where the databases, journals and logs go (kept for a failed run's post-mortem). */
  workDir: string;
  /** PostgreSQL database for the hub (it must be empty or the hub's own); SQLite when null. */
  postgresUrl?: string | null;
  /** Mutations per second over all seats while faults run. */
  ratePerS?: number;
  /** Pause between two kills, [min, max] ms. */
  killEveryMs?: [number, number];
  /** Share of kills that hit the hub rather than a seat. */
  hubKillShare?: number;
  /** Share of mutations that edit a saved order (when the core has order.update). */
  editShare?: number;
  /** Pause between two of the lead's actions at the hub, [min, max] ms; null: no lead. */
  leadEveryMs?: [number, number] | null;
  log?: (line: string) => void;
}

export interface FaultRunResult extends CheckResult {
  seed: number;
  seats: number;
  kills: { seat: number; hub: number; duringPush: number };
  proxy: FaultStats;
  /** What the lead did at the hub (lead-driver.ts). */
  lead: Omit<LeadStats, 'errors'>;
  /** Errors the workers reported (valid calls the core refused, crashes). */
  workerErrors: string[];
  notes: string[];
  durationS: number;
  ok: boolean;
}

const ACCOUNTS = ['agent01', 'agent02', 'agent03', 'agent04', 'agent05'];
function agentIdOf(account: string): string {
  const agent = SEED_AGENTS.find((a) => a.account === account);
  if (!agent) throw new Error(`no seed agent ${account}`);
  return agent.id;
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Caller numbers of seat `index`: 64 of its own, so orders can be listed by number. */
function callerNumbers(index: number): string[] {
  return Array.from({ length: 64 }, (_, i) => `1390${index}${String(i).padStart(6, '0')}`);
}

export async function runFault(options: FaultRunOptions): Promise<FaultRunResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.seats < 1 || options.seats > ACCOUNTS.length) {
    throw new Error(`seats must be 1 to ${ACCOUNTS.length}, got ${options.seats}`);
  }
  const started = performance.now();
  const prng = new Prng(options.seed);
  const chaosPrng = prng.fork(1);
  mkdirSync(options.workDir, { recursive: true });
  log(
    `fault: seed ${options.seed} (replay with --seed ${options.seed}); work dir ${options.workDir}`,
  );

  const hubTarget: HubTarget = options.postgresUrl
    ? { postgresUrl: options.postgresUrl }
    : { sqlitePath: join(options.workDir, 'hub.sqlite') };
  const hub = new HubProcess({
    port: await freePort(),
    env:
      'sqlitePath' in hubTarget
        ? { HUB_DB: hubTarget.sqlitePath }
        : { HUB_DB_URL: hubTarget.postgresUrl },
    logFile: join(options.workDir, 'hub.log'),
  });

  // A kill armed for the next push in flight: the hub's, or one seat's.
  let armed: { seatId: string | null; delayMs: number; fire: () => void } | null = null;
  const proxy = new FaultProxy({
    targetPort: Number(new URL(hub.url).port),
    seed: prng.fork(2).int(0, 2 ** 31),
    onRequest: (request) => {
      if (!armed || !request.path.startsWith('/api/v1/sync/push')) return;
      if (armed.seatId !== null && armed.seatId !== request.seatId) return;
      const { fire, delayMs } = armed;
      armed = null;
      setTimeout(fire, delayMs);
    },
  });
  const proxyPort = await proxy.listen();

  const workerErrors: string[] = [];
  const notes = new Set<string>();
  const states = new Map<number, Extract<WorkerReport, { type: 'state' }>>();
  const onReport = (index: number, report: WorkerReport): void => {
    if (report.type === 'error') {
      workerErrors.push(`seat ${index}: ${report.message}`);
      log(`fault: seat ${index}: ${report.message}`);
    } else if (report.type === 'note') {
      notes.add(report.message);
    } else if (report.type === 'state') {
      states.set(index, report);
    }
  };
  const rate = options.ratePerS ?? 30;
  const quota = Math.ceil(options.mutations / options.seats);
  const workers = Array.from({ length: options.seats }, (_, index) => {
    const dir = join(options.workDir, `seat-${index}`);
    mkdirSync(dir, { recursive: true });
    return new WorkerProcess(
      {
        index,
        dataDir: dir,
        hubUrl: `http://127.0.0.1:${proxyPort}`,
        account: ACCOUNTS[index]!,
        password: SEED_PASSWORD,
        extension: String(1001 + index),
        seed: prng.fork(100 + index).int(0, 2 ** 31),
        journal: join(dir, 'journal.ndjson'),
        logFile: join(dir, 'seat.log'),
        quota,
        paceMs: Math.max(1, Math.round((1000 * options.seats) / rate)),
        edits: true,
        editShare: options.editShare ?? 0.4,
        callerNumbers: callerNumbers(index),
        otherNumbers: Array.from({ length: options.seats }, (_, i) => i)
          .filter((i) => i !== index)
          .flatMap((i) => callerNumbers(i)),
        conflictLookShare: 0.1,
        resolveShare: 0.5,
      },
      onReport,
    );
  });

  const kills = { seat: 0, hub: 0, duringPush: 0 };
  let seatDown: string | null = null;
  const lead =
    options.leadEveryMs === null
      ? null
      : new LeadDriver({
          hubUrl: hub.url,
          hubTarget,
          prng: prng.fork(3),
          agentIds: ACCOUNTS.slice(0, options.seats).map(agentIdOf),
          password: SEED_PASSWORD,
          everyMs: options.leadEveryMs ?? [300, 1500],
          seatDown: () => seatDown,
          journals: workers.map((w) => w.config.journal),
          log,
        });
  try {
    await hub.start();
    for (const w of workers) w.start();
    lead?.start();

    // Chaos: kill at random moments until every seat has made its share.
    const killEvery = options.killEveryMs ?? [3000, 8000];
    const allDone = (): boolean => workers.every((w) => w.done);
    let lastProgress = -1;
    let lastProgressAt = Date.now();
    let lastLog = Date.now();
    while (!allDone()) {
      const crashed = workerErrors.find((e) => e.includes('seat worker exited'));
      if (crashed) throw new Error(crashed);
      const wait = chaosPrng.int(killEvery[0], killEvery[1]);
      const until = Date.now() + wait;
      while (Date.now() < until && !allDone()) await sleep(100);
      if (allDone()) break;

      const progress = workers.reduce((sum, w) => sum + w.mutations, 0);
      if (progress !== lastProgress) {
        lastProgress = progress;
        lastProgressAt = Date.now();
      } else if (Date.now() - lastProgressAt > 90_000) {
        throw new Error(
          `no mutation in 90 s (${progress} made); see the logs in ${options.workDir}`,
        );
      }
      if (Date.now() - lastLog > 10_000) {
        log(
          `fault: ${progress}/${quota * options.seats} mutations, kills ${JSON.stringify(kills)}`,
        );
        lastLog = Date.now();
      }

      const hitHub = chaosPrng.chance(options.hubKillShare ?? 0.3);
      const victim = hitHub ? null : chaosPrng.pick(workers.filter((w) => !w.done));
      const delayMs = chaosPrng.int(0, 40);
      const downMs = chaosPrng.int(100, 1500);
      if (victim && (!victim.running || victim.seatId === null)) continue;
      const fired = await new Promise<boolean>((resolve) => {
        const fallback = setTimeout(() => {
          armed = null;
          resolve(false);
        }, 3000);
        armed = {
          seatId: victim ? victim.seatId : null,
          delayMs,
          fire: () => {
            clearTimeout(fallback);
            resolve(true);
          },
        };
      });
      if (fired) kills.duringPush += 1;
      if (victim) {
        await victim.kill();
        kills.seat += 1;
        seatDown = victim.seatId;
        lead?.poke(victim.config.journal);
        await sleep(downMs);
        seatDown = null;
        victim.start();
      } else {
        await hub.kill();
        kills.hub += 1;
        await sleep(downMs);
        await hub.start();
      }
    }
    await lead?.stop();
    const made = workers.reduce((sum, w) => sum + w.mutations, 0);
    log(`fault: ${made} mutations made; faults off, draining (kills ${JSON.stringify(kills)})`);

    // The drain: a clean network, the hub up, every seat synced.
    proxy.setFaulty(false);
    if (!hub.running) await hub.start();
    for (const w of workers) w.send({ type: 'drain', timeoutMs: 120_000 });
    const drainDeadline = Date.now() + 150_000;
    while (states.size < workers.length && Date.now() < drainDeadline) await sleep(100);
    if (states.size < workers.length) throw new Error('a seat did not answer the drain in 150 s');

    const hubData = await readHubData(hubTarget);
    const seatEnds: SeatEnd[] = workers.map((w) => {
      const state = states.get(w.config.index)!;
      return {
        index: w.config.index,
        seatId: state.seatId,
        agentId: state.agentId,
        journal: readJournal(w.config.journal),
        kills: w.lives - 1,
        status: state.status,
        rejected: state.rejected,
        rejectedList: state.rejectedList,
        orders: state.orders,
        conflicts: state.conflicts,
      };
    });
    const check = checkRun(seatEnds, hubData);
    const { errors: leadErrors, ...leadStats } = lead?.stats ?? {
      edits: 0,
      stale: 0,
      assigns: 0,
      unreachable: 0,
      errors: [],
    };
    const result: FaultRunResult = {
      ...check,
      seed: options.seed,
      seats: options.seats,
      kills,
      proxy: { ...proxy.stats },
      lead: leadStats,
      workerErrors: [...workerErrors, ...leadErrors],
      notes: [...notes],
      durationS: Math.round((performance.now() - started) / 100) / 10,
      ok:
        check.lost === 0 &&
        check.doubled === 0 &&
        check.mismatched === 0 &&
        check.valuesLost === 0 &&
        check.conflictsMismatched === 0 &&
        check.problems.length === 0 &&
        workerErrors.length === 0 &&
        leadErrors.length === 0,
    };
    log(summaryLine(result));
    for (const problem of [...check.problems, ...result.workerErrors]) {
      log(`fault: PROBLEM ${problem}`);
    }
    return result;
  } finally {
    await lead?.stop();
    await Promise.all(workers.map((w) => w.stop()));
    await hub.stop();
    await proxy.close();
  }
}

export function summaryLine(r: FaultRunResult): string {
  return (
    `fault: ${r.ok ? 'OK' : 'FAILED'} seed ${r.seed}: ${r.journalled} mutations ` +
    `(${r.journalledCreates} creates, ${r.journalledEdits} edits, ${r.journalledResolves} ` +
    `decisions) from ${r.seats} seats, ${r.hubOrders} orders at the hub; lead: ` +
    `${r.lead.edits} edits (${r.lead.stale} stale), ${r.lead.assigns} assigns; conflicts ` +
    `${r.hubConflicts} (${r.hubConflictsOpen} open); lost ${r.lost}, doubled ${r.doubled}, ` +
    `mismatched ${r.mismatched}, conflicts mismatched ${r.conflictsMismatched}, values lost ` +
    `${r.valuesLost}; kills: ${r.kills.seat} seat, ${r.kills.hub} hub ` +
    `(${r.kills.duringPush} during a push); proxy ${JSON.stringify(r.proxy)}; ${r.durationS} s`
  );
}
