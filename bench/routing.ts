import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Acd } from '../server/acd/acd.js';
import { EvapiClient } from '../server/acd/evapi-client.js';
import { systemClock } from '../server/clock.js';
import { SeatEvents } from '../server/events/seat-events.js';
import { silentLogger } from '../server/logger.js';
import { openHubStore } from '../server/store/open-store.js';
import { tempDir } from '../server/testing/fixture.js';
import type { DriverCommand, DriverMessage, DriverPlan } from './lib/evapi-driver.js';
import { benchFlags, runBench } from './lib/cli.js';
import { ms, quantile, writeResult, type Figures } from './lib/result.js';

/**
 * The hub's answer to Kamailio's routing query: a `call.queued` event goes over a real
 * evapi TCP socket on 127.0.0.1 (FakeKamailio plays Kamailio's side) to the ACD, which
 * picks the longest-idle ready agent holding the call's skill and writes `route` back.
 * Timed from just before the event is written to the socket until the reply is read from
 * it, so the figure is what Kamailio waits: both socket hops, the JSON parse, the
 * decision, the write-behind to the SQLite store and the wallboard feed (one wallboard
 * watching) included.
 *
 * The pool is the centre's: 300 agents with the hotline's skills, most of them in calls
 * (the oldest call in conversation ends as each new one is routed), and a backlog of
 * calls waiting in a queue whose agents are all not ready, so the decision runs with
 * thousands of calls in the ACD's queues. Calls that find no free agent of their skill
 * wait for one: those are counted apart (they measure waiting, not deciding).
 */

interface Args {
  calls: number;
  warmup: number;
  agents: number;
  backlog: number;
  inCall: number;
}

function parse(): Args {
  const { 'in-call': inCall, ...counts } = benchFlags({
    calls: { default: 5000, min: 100 },
    warmup: { default: 500, min: 0 },
    agents: { default: 300, min: 20 },
    backlog: { default: 2000, min: 0 },
    'in-call': { default: 200, min: 0 },
  });
  return { ...counts, inCall };
}

/** Skills of agent i of n: most take the main line; a few hold one special line. */
function skillsOf(i: number, n: number): string[] {
  const share = i / n;
  if (share < 0.8) return ['general'];
  if (share < 0.87) return ['general', 'enterprise'];
  if (share < 0.9) return ['sign-language'];
  if (share < 0.93) return ['psychological'];
  if (share < 0.96) return ['policy-expert'];
  return ['talent'];
}

/** The queue of call i: 85% main line, the rest spread over the special lines. */
function queueOf(i: number): string {
  const r = (i * 7919) % 100;
  if (r < 85) return 'general';
  if (r < 92) return 'enterprise';
  if (r < 95) return 'sign-language';
  if (r < 98) return 'psychological';
  return 'policy-expert';
}

interface RunResult {
  decisionMs: number[];
  handleMs: number[];
  waited: number;
  waitingAtEnd: number;
  frames: number;
}

/** One run: a fresh store and ACD, `calls` timed calls; `noDelay` for the fake's socket. */
/** The next message of the driver process of the given type. */
function nextMessage<T extends DriverMessage['type']>(
  driver: ChildProcess,
  type: T,
): Promise<Extract<DriverMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`driver exited (${code})`));
    const onMessage = (m: DriverMessage): void => {
      if (m.type !== type) return;
      driver.off('message', onMessage);
      driver.off('exit', onExit);
      resolve(m as Extract<DriverMessage, { type: T }>);
    };
    driver.on('message', onMessage);
    driver.once('exit', onExit);
  });
}

function command(driver: ChildProcess, message: DriverCommand): void {
  driver.send(message);
}

/** One run: a fresh store and ACD, `calls` timed calls; `noDelay` for the fake's socket. */
async function run(args: Args, noDelay: boolean): Promise<RunResult> {
  const tmp = tempDir();
  const store = await openHubStore({ sqlitePath: join(tmp.dir, 'routing.sqlite') });
  const extensionOf = (i: number): string => String(3000 + i);
  for (let i = 0; i < args.agents; i++) {
    await store.agents.insert({
      id: `bench-${i}`,
      account: `bench${i}`,
      name: `Bench agent ${i}`,
      role: 'agent',
      homeExtension: extensionOf(i),
      queues: skillsOf(i, args.agents),
      passwordHash: 'unused',
    });
  }

  const log = silentLogger();
  const acd = new Acd(
    { store, events: new SeatEvents(), clock: systemClock, log },
    // Agents are ready again right after a call, so the pool keeps moving.
    { wrapUpMs: 0, queueTimeoutMs: 3_600_000 },
  );
  await acd.start();
  let frames = 0;
  const unwatch = acd.wallboard.subscribe((frame) => {
    JSON.stringify(frame);
    frames += 1;
  });

  const plan: DriverPlan = {
    noDelay,
    calls: args.calls,
    warmup: args.warmup,
    backlog: args.backlog,
    inCall: args.inCall,
    queues: Array.from({ length: 100 }, (_, i) => queueOf(i)),
  };
  const driver = fork(fileURLToPath(new URL('./lib/evapi-driver.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
  });
  command(driver, { type: 'plan', plan });
  const { port } = await nextMessage(driver, 'listening');

  const handleMs: number[] = [];
  let up!: () => void;
  const connected = new Promise<void>((resolve) => (up = resolve));
  const evapi = new EvapiClient(
    { host: '127.0.0.1', port, log },
    {
      onMessage: (payload) => {
        const started = performance.now();
        acd.handleMessage(payload);
        if (payload.includes('"call.queued"')) handleMs.push(performance.now() - started);
      },
      onUp: () => {
        acd.linkUp();
        up();
      },
      onDown: () => acd.linkDown(),
    },
  );
  acd.attach(evapi);
  evapi.start();
  await connected;

  for (let i = 0; i < args.agents; i++) {
    await acd.login(`bench-${i}`, extensionOf(i));
    if (!skillsOf(i, args.agents).includes('talent')) {
      await acd.setStateBySeat(`bench-${i}`, extensionOf(i), 'ready');
    }
  }

  // The backlog: talent calls wait, their agents are all not ready.
  command(driver, { type: 'backlog' });
  await nextMessage(driver, 'backlog-sent');
  while (acd.snapshot().waiting < args.backlog) await new Promise((r) => setTimeout(r, 20));

  command(driver, { type: 'go' });
  const { decisionMs, waited } = await nextMessage(driver, 'done');

  await acd.flush();
  const snapshot = acd.snapshot();
  unwatch();
  evapi.stop();
  acd.stop();
  driver.kill();
  await acd.flush();
  await store.close();
  tmp.cleanup();

  return {
    decisionMs,
    handleMs: handleMs.slice(args.backlog + args.warmup),
    waited,
    waitingAtEnd: snapshot.waiting,
    frames,
  };
}

/** Calls of the comparison run with Nagle's algorithm left on at the fake Kamailio. */
const NAGLE_CALLS = 300;

async function main(): Promise<void> {
  const args = parse();
  const loadBefore = loadavg()[0]!;
  const main = await run(args, true);
  const nagle = await run({ ...args, calls: NAGLE_CALLS, warmup: 30 }, false);
  const { decisionMs } = main;
  const figures: Figures = {
    routing_decision_p50_ms: ms(quantile(decisionMs, 0.5)),
    routing_decision_p95_ms: ms(quantile(decisionMs, 0.95)),
    routing_decision_p99_ms: ms(quantile(decisionMs, 0.99)),
    routing_decision_max_ms: ms(quantile(decisionMs, 1)),
    routing_handle_p50_ms: ms(quantile(main.handleMs, 0.5)),
    routing_handle_p95_ms: ms(quantile(main.handleMs, 0.95)),
    routing_calls: decisionMs.length,
    routing_calls_waited: main.waited,
    routing_agents: args.agents,
    routing_backlog_calls: args.backlog,
    routing_waiting_at_end: main.waitingAtEnd,
    routing_wallboard_frames: main.frames,
    routing_decision_nagle_p50_ms: ms(quantile(nagle.decisionMs, 0.5)),
    routing_decision_nagle_p95_ms: ms(quantile(nagle.decisionMs, 0.95)),
  };
  const file = writeResult(
    'routing',
    process.env.BENCH_COMMAND ?? 'npm run bench -- routing',
    figures,
    [
      `${args.agents} agents with skills (80% general, 7% general+enterprise, 3% each of ` +
        'sign-language, psychological, policy-expert; 4% talent, kept not ready)',
      `${args.backlog} talent calls waiting throughout; ${args.inCall} calls in conversation`,
      `${args.calls} timed calls after ${args.warmup} warm-up calls, one at a time; ` +
        'decision = call.queued written by the fake Kamailio until its route reply is read, ' +
        'over evapi netstrings on 127.0.0.1; the fake runs in a process of its own',
      'routing_handle_*: the ACD alone (parse, decide, send, queue the store write)',
      `load average (1 min) ${loadBefore.toFixed(1)} before the run, ` +
        `${loadavg()[0]!.toFixed(1)} after, on ${cpus().length} cores: ` +
        'tails above the handle time are waits for a CPU',
      'store: SQLite in a temp dir (write-behind, as in the hub); one wallboard subscribed',
      `routing_decision_nagle_*: ${NAGLE_CALLS} calls with TCP_NODELAY off on the fake ` +
        "Kamailio's socket: its call.answered/ended and the next call.queued go out back to " +
        'back, and Nagle holds the queued event until the delayed ACK (about 40 ms on Linux). ' +
        'The hub sets TCP_NODELAY on its side; whether Kamailio evapi does is to be checked ' +
        'on the real PBX',
    ],
  );
  console.log(JSON.stringify(figures));
  console.error(`routing: results in ${file}`);
}

runBench('routing', main);
