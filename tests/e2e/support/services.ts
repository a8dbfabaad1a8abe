import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './pbx.js';
import { waitUntil } from './ports.js';

/**
 * The hub and the seat host as real processes (tsx), each logging to a file, so an
 * end-to-end test can stop and start them like an operator would.
 */
export interface Service {
  readonly name: string;
  readonly url: string;
  readonly logFile: string;
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL at once, as a crash or a power cut would end it; resolves when it is gone. */
  kill(): Promise<void>;
}

async function startService(opts: {
  name: string;
  entry: string;
  env: Record<string, string>;
  url: string;
  healthPath: string;
  logDir: string;
}): Promise<Service> {
  await mkdir(opts.logDir, { recursive: true });
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, opts.entry)],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let gone = false;
  void exited.then(() => (gone = true));

  try {
    await waitUntil(
      `${opts.name} answering ${opts.healthPath}`,
      async () => {
        if (gone) throw new Error(`${opts.name} exited during start; see ${logFile}`);
        const res = await fetch(opts.url + opts.healthPath).catch(() => null);
        return res?.ok ? true : undefined;
      },
      30_000,
      100,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  return {
    name: opts.name,
    url: opts.url,
    logFile,
    async stop() {
      if (gone) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const code = await exited;
      clearTimeout(timer);
      log.end();
      return code;
    },
    async kill() {
      if (!gone) child.kill('SIGKILL');
      await exited;
      log.end();
    },
  };
}

export function startHub(opts: {
  port: number;
  db: string;
  logDir: string;
  env?: Record<string, string>;
}): Promise<Service> {
  return startService({
    name: 'hub',
    entry: 'server/main.ts',
    env: { HUB_HOST: '127.0.0.1', HUB_PORT: String(opts.port), HUB_DB: opts.db, ...opts.env },
    url: `http://127.0.0.1:${opts.port}`,
    healthPath: '/api/v1/health',
    logDir: opts.logDir,
  });
}

export function startSeatHost(opts: {
  port: number;
  hubUrl: string;
  dataDir: string;
  logDir: string;
}): Promise<Service> {
  return startService({
    name: 'seat-host',
    entry: 'electron/host/main.ts',
    env: {
      SEAT_HOST: '127.0.0.1',
      SEAT_PORT: String(opts.port),
      SEAT_DATA_DIR: opts.dataDir,
      HUB_URL: opts.hubUrl,
    },
    url: `http://127.0.0.1:${opts.port}`,
    healthPath: '/healthz',
    logDir: opts.logDir,
  });
}
