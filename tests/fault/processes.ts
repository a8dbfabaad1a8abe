import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { HUB_PATHS } from '../../shared/hub-api.js';
import type { WorkerConfig, WorkerReport, WorkerRequest } from './worker-protocol.js';

/**
 * The processes of a fault run: the hub (server/main.ts under tsx) and the seat workers
 * (seat-worker.ts), each started again after a SIGKILL on the same database or data dir.
 */
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Resolves when `child` has exited (at once if it has already). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A child process the run starts, kills with SIGKILL, and stops cleanly. */
abstract class ChildHandle {
  protected child: ChildProcess | null = null;

  get running(): boolean {
    return this.child !== null;
  }

  /** SIGKILL, as a crash or a power cut would end it. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
    this.child = null;
  }

  /** Asks the child to stop with `ask`, and kills it if it has not after 10 s. */
  protected async end(ask: (child: ChildProcess) => void): Promise<void> {
    const child = this.child;
    if (!child) return;
    ask(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited(child);
    clearTimeout(timer);
    this.child = null;
  }
}

export interface HubProcessOptions {
  port: number;
  /** HUB_DB or HUB_DB_URL, and anything else for the hub's environment. */
  env: Record<string, string>;
  logFile: string;
}

export class HubProcess extends ChildHandle {
  starts = 0;

  constructor(private readonly options: HubProcessOptions) {
    super();
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  /** Starts the hub and waits until it answers its health check (directly, not proxied). */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.child) throw new Error('the hub is running already');
    const log = openSync(this.options.logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        HUB_HOST: '127.0.0.1',
        HUB_PORT: String(this.options.port),
        LOG_LEVEL: 'warn',
        HUB_WRAP_UP_S: '0',
        // Nothing listens on port 1: the hub runs without Kamailio.
        KAMAILIO_EVAPI: '127.0.0.1:1',
        ...this.options.env,
      },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.child = child;
    this.starts += 1;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) {
        this.child = null;
        throw new Error(
          `the hub exited with ${child.exitCode} while starting; see ${this.options.logFile}`,
        );
      }
      const res = await fetch(this.url + HUB_PATHS.health).catch(() => null);
      if (res?.ok) return;
      if (Date.now() > deadline)
        throw new Error(`the hub did not answer health in ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  /** SIGTERM (a clean stop), SIGKILL after 10 s. */
  stop(): Promise<void> {
    return this.end((child) => child.kill('SIGTERM'));
  }
}

const WORKER_ENTRY = fileURLToPath(new URL('./seat-worker.ts', import.meta.url));

/** A seat worker process; its reports go to `onReport` with the worker's index. */
export class WorkerProcess extends ChildHandle {
  lives = 0;
  seatId: string | null = null;
  /** Mutations journalled, as last reported (over all lives). */
  mutations = 0;
  done = false;

  constructor(
    readonly config: WorkerConfig,
    private readonly onReport: (index: number, report: WorkerReport) => void,
  ) {
    super();
  }

  start(): void {
    if (this.child) throw new Error(`seat ${this.config.index} is running already`);
    const log = openSync(this.config.logFile, 'a');
    const child = fork(WORKER_ENTRY, [JSON.stringify(this.config)], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', log, log, 'ipc'],
    });
    closeSync(log);
    this.child = child;
    this.lives += 1;
    child.on('message', (report: WorkerReport) => {
      if (report.type === 'ready') this.seatId = report.seatId;
      if ('mutations' in report) this.mutations = Math.max(this.mutations, report.mutations);
      if (report.type === 'done') this.done = true;
      this.onReport(this.config.index, report);
    });
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (signal !== 'SIGKILL' && code !== 0) {
        this.onReport(this.config.index, {
          type: 'error',
          message: `seat worker exited with ${code ?? signal}; see ${this.config.logFile}`,
        });
      }
    });
  }

  send(request: WorkerRequest): void {
    this.child?.send(request);
  }

  /** Asks the worker to close its core and exit; SIGKILL after 10 s. */
  stop(): Promise<void> {
    return this.end(() => this.send({ type: 'close' }));
  }
}
