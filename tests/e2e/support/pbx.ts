import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests/e2e/support -> ../../..). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/**
 * Where the dev PBX listens. Read from the same PBX_* environment variables as
 * scripts/pbx/lib.sh, with the same defaults, so a test and the scripts agree.
 */
export interface PbxConfig {
  runDir: string;
  sipHost: string;
  sipPort: number;
  wsHost: string;
  wsPort: number;
  /** ws://host:port/ws */
  wsUrl: string;
  evapiHost: string;
  evapiPort: number;
  /** SIP domain seats register in (sip:<ext>@domain). */
  domain: string;
  rtpengineHost: string;
  rtpengineNgPort: number;
  rtpengineCliPort: number;
  hotline: string;
  queue: string;
  /** Where seats' calls to outside numbers go (PBX_TRUNK, default 127.0.0.1:5099). */
  trunkHost: string;
  trunkPort: number;
  /** The registrar's shortest Expires (PBX_MIN_EXPIRES); below it a REGISTER gets 423. */
  minExpires: number;
}

export function pbxConfig(env: NodeJS.ProcessEnv = process.env): PbxConfig {
  const str = (name: string, def: string): string => env[name] || def;
  const int = (name: string, def: number): number => Number(env[name] || def);
  const sipHost = str('PBX_SIP_IP', '127.0.0.1');
  const wsHost = str('PBX_WS_IP', sipHost);
  const wsPort = int('PBX_WS_PORT', 8080);
  const trunk = str('PBX_TRUNK', '127.0.0.1:5099');
  const colon = trunk.lastIndexOf(':');
  return {
    runDir: resolve(str('PBX_RUN_DIR', join(REPO_ROOT, '.run/pbx'))),
    sipHost,
    sipPort: int('PBX_SIP_PORT', 5060),
    wsHost,
    wsPort,
    wsUrl: `ws://${wsHost}:${wsPort}/ws`,
    evapiHost: str('PBX_EVAPI_IP', '127.0.0.1'),
    evapiPort: int('PBX_EVAPI_PORT', 8448),
    domain: str('PBX_DOMAIN', sipHost),
    rtpengineHost: str('PBX_RTPE_IP', '127.0.0.1'),
    rtpengineNgPort: int('PBX_RTPE_NG_PORT', 2223),
    rtpengineCliPort: int('PBX_RTPE_CLI_PORT', 9900),
    hotline: str('PBX_HOTLINE', '12345'),
    queue: str('PBX_QUEUE', 'general'),
    trunkHost: trunk.slice(0, colon),
    trunkPort: Number(trunk.slice(colon + 1)),
    minExpires: int('PBX_MIN_EXPIRES', 30),
  };
}

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a bash script of the repo with extra environment; never rejects on exit code. */
export function runScript(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<ScriptResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [join(REPO_ROOT, script), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * Starts the dev PBX (scripts/pbx/start: rtpengine, then Kamailio) and resolves when both
 * answer. `env` overrides PBX_* settings (ports, run dir, timeouts) for this run; pass the
 * same env to pbxConfig() to read them back. Throws with the script's message on failure.
 */
export async function startPbx(env: Record<string, string> = {}): Promise<PbxConfig> {
  const cfg = pbxConfig({ ...process.env, ...env });
  const res = await runScript('scripts/pbx/start', [], { PBX_RUN_DIR: cfg.runDir, ...env });
  if (res.code !== 0) {
    throw new Error(`scripts/pbx/start failed (${res.code}):\n${res.stderr}${res.stdout}`);
  }
  return cfg;
}

/** Stops what scripts/pbx/start started (by its pid files). */
export async function stopPbx(env: Record<string, string> = {}): Promise<void> {
  const cfg = pbxConfig({ ...process.env, ...env });
  const res = await runScript('scripts/pbx/stop', [], { PBX_RUN_DIR: cfg.runDir, ...env });
  if (res.code !== 0) throw new Error(`scripts/pbx/stop failed (${res.code}):\n${res.stderr}`);
}

/** The Kamailio log of the run (for assertions and for failure messages). */
export async function readKamailioLog(cfg: PbxConfig = pbxConfig()): Promise<string> {
  return readFile(join(cfg.runDir, 'kamailio.log'), 'utf8').catch(() => '');
}

/**
 * The Kamailio log since the last start of this run directory's PBX (the log file is
 * appended to across starts): for assertions about what this PBX logged.
 */
export async function readKamailioLogSinceStart(cfg: PbxConfig = pbxConfig()): Promise<string> {
  const log = await readKamailioLog(cfg);
  const at = log.lastIndexOf('\n=== kamailio start ');
  return at < 0 ? log : log.slice(at);
}
