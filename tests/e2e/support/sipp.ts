import { spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { pbxConfig, REPO_ROOT } from './pbx.js';
import { waitUntil } from './ports.js';

/**
 * Runs SIPp scenarios of tests/sipp against the dev PBX. Each run gets its own work
 * directory (holding the tone file the scenarios play, and SIPp's log files), and its
 * result carries the exit code and those files' contents.
 *
 * SIPp exit codes: 0 all calls succeeded, 1 at least one failed, 97 stopped by an internal
 * command, 99 ended without calls, 255/254 fatal (254: cannot bind).
 */

export const SIPP_DIR = join(REPO_ROOT, 'tests/sipp');
/** Raw 8 kHz mu-law audio; SIPp 3.6 sends a file's bytes as they are, so no WAV header. */
export const TONE_FILE = 'tone-pcmu.raw';

export interface SippOptions {
  /** File in tests/sipp (e.g. 'caller.xml') or an absolute path. */
  scenario: string;
  /** host:port to send to; omit for a server (UAS) scenario. */
  remote?: string;
  localIp?: string;
  localPort: number;
  /** -mi: the media address; default localIp. `::1` puts `c=IN IP6 ::1` in the SDP. */
  mediaIp?: string;
  /**
   * RTP port (-mp); SIPp binds it (rtp_stream, -rtp_echo) and mediaPort + 2 (video). Keep
   * it below 32768 (Linux's ephemeral range, where any client socket may hold it) and out of
   * rtpengine's range. Default: localPort + 10000 (SIPp would bind 6000 otherwise, and two
   * SIPps would collide).
   */
  mediaPort?: number;
  rtpEcho?: boolean;
  /** -s: the called number (UAC) or the registered extension (register.xml). */
  service?: string;
  /** -key NAME VALUE: [NAME] keywords in the scenario. */
  keys?: Record<string, string | number>;
  /** -set NAME VALUE: global variables ($NAME) of the scenario. */
  sets?: Record<string, string | number>;
  /** -m: number of calls; default 1. */
  calls?: number;
  extraArgs?: string[];
  /** Killed (SIGTERM, then SIGKILL) after this long; default 60 s. */
  timeoutMs?: number;
  /** Default: a fresh directory under <run dir>/sipp. */
  workDir?: string;
}

export interface SippResult {
  exitCode: number;
  /** The process was killed by the timeout (or by stop()). */
  killed: boolean;
  workDir: string;
  /** The scenario's <log> lines (-log_file). */
  logs: string;
  /** Every SIP message sent and received (-message_file). */
  messages: string;
  errors: string;
  /** -trace_stat CSV (one line per period plus the final one). */
  stats: string;
  stderr: string;
}

export interface SippProcess {
  pid: number;
  workDir: string;
  /** SIPp's Call-ID for call n (1-based): `${n}-${pid}@${localIp}`. */
  callId(n?: number): string;
  done: Promise<SippResult>;
  /** Ends SIPp now (SIGTERM) and resolves with its result. */
  stop(): Promise<SippResult>;
}

/** Writes the tone the scenarios play (4 s of 440 Hz, raw mu-law) into dir, once. */
export async function ensureTone(dir: string): Promise<string> {
  const file = join(dir, TONE_FILE);
  try {
    await access(file);
    return file;
  } catch {
    // not there yet
  }
  await new Promise<void>((resolve, reject) => {
    const sox = spawn(
      'sox',
      ['-n', '-r', '8000', '-c', '1', '-t', 'ul', file, 'synth', '4', 'sine', '440', 'vol', '0.5'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    sox.stderr.on('data', (d: Buffer) => (err += d.toString()));
    sox.on('error', reject);
    sox.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`sox: ${err}`))));
  });
  return file;
}

/** Removes the SIPp work directories of earlier runs (<run dir>/sipp). */
export async function cleanSippWorkDirs(): Promise<void> {
  await rm(join(pbxConfig().runDir, 'sipp'), { recursive: true, force: true });
}

async function newWorkDir(): Promise<string> {
  const base = join(pbxConfig().runDir, 'sipp');
  await mkdir(base, { recursive: true });
  return mkdtemp(join(base, 'run-'));
}

const readOr = (file: string): Promise<string> => readFile(file, 'utf8').catch(() => '');

/** Starts SIPp; `done` resolves when it exits (it never rejects on a non-zero exit code). */
export async function startSipp(opts: SippOptions): Promise<SippProcess> {
  const workDir = opts.workDir ?? (await newWorkDir());
  await ensureTone(workDir);
  const localIp = opts.localIp ?? '127.0.0.1';
  const scenario = isAbsolute(opts.scenario) ? opts.scenario : join(SIPP_DIR, opts.scenario);
  const files = {
    logs: join(workDir, 'logs.log'),
    messages: join(workDir, 'messages.log'),
    errors: join(workDir, 'errors.log'),
    stats: join(workDir, 'stats.csv'),
  };
  const args = [
    ...(opts.remote ? [opts.remote] : []),
    '-sf',
    scenario,
    '-m',
    String(opts.calls ?? 1),
    '-i',
    localIp,
    '-p',
    String(opts.localPort),
    '-nostdin',
    '-trace_logs',
    '-log_file',
    files.logs,
    '-trace_msg',
    '-message_file',
    files.messages,
    '-trace_err',
    '-error_file',
    files.errors,
    '-trace_stat',
    '-stf',
    files.stats,
  ];
  args.push(
    '-mi',
    opts.mediaIp ?? localIp,
    '-mp',
    String(opts.mediaPort ?? opts.localPort + 10_000),
  );
  if (opts.rtpEcho) args.push('-rtp_echo');
  if (opts.service !== undefined) args.push('-s', opts.service);
  for (const [k, v] of Object.entries(opts.keys ?? {})) args.push('-key', k, String(v));
  for (const [k, v] of Object.entries(opts.sets ?? {})) args.push('-set', k, String(v));
  args.push(...(opts.extraArgs ?? []));

  const child = spawn('sipp', args, { cwd: workDir, stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.pid === undefined) throw new Error('sipp did not start');
  const pid = child.pid;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));

  let killed = false;
  const kill = (): void => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killed = true;
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 2000).unref();
  };
  const timer = setTimeout(kill, opts.timeoutMs ?? 60_000);

  const done = new Promise<SippResult>((resolve) => {
    child.on('close', async (code, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode: code ?? (signal ? 128 : -1),
        killed,
        workDir,
        logs: await readOr(files.logs),
        messages: await readOr(files.messages),
        errors: await readOr(files.errors),
        stats: await readOr(files.stats),
        stderr,
      });
    });
  });

  return {
    pid,
    workDir,
    callId: (n = 1) => `${n}-${pid}@${localIp}`,
    done,
    stop: () => {
      kill();
      return done;
    },
  };
}

/** Runs SIPp to its end. */
export async function runSipp(opts: SippOptions): Promise<SippResult> {
  return (await startSipp(opts)).done;
}

/**
 * Whether a UDP socket is bound to host:port (or to any address on that port), read from
 * /proc/net/udp. Probing by binding the port ourselves would race SIPp's own bind: if the
 * probe held the port at the moment SIPp started, SIPp exited with "cannot bind" and the
 * probe then kept succeeding until the timeout.
 */
async function udpBound(host: string, port: number): Promise<boolean> {
  const table = await readFile('/proc/net/udp', 'utf8');
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const hostHex = host
    .split('.')
    .map((o) => Number(o).toString(16).toUpperCase().padStart(2, '0'))
    .reverse()
    .join('');
  return table
    .split('\n')
    .slice(1)
    .some((line) => {
      const local = line.trim().split(/\s+/)[1];
      return local === `${hostHex}:${portHex}` || local === `00000000:${portHex}`;
    });
}

/**
 * Resolves when something has bound UDP host:port (SIPp is listening). Fails at once, with
 * SIPp's exit code and stderr, if the process ends before that (a port already taken, a
 * bad scenario), rather than after the whole timeout with nothing to go on.
 */
export async function waitUdpBound(
  sipp: SippProcess,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<void> {
  let exited: SippResult | undefined;
  void sipp.done.then((r) => (exited = r));
  await waitUntil(
    `SIPp (pid ${sipp.pid}) bound to udp ${host}:${port}`,
    () => {
      if (exited) {
        throw new Error(
          `SIPp (pid ${sipp.pid}) exited with ${exited.exitCode} before binding udp ${host}:${port}:\n` +
            `${exited.stderr}${exited.errors}`,
        );
      }
      return udpBound(host, port);
    },
    timeoutMs,
  );
}

export interface SippSeat {
  extension: string;
  sipPort: number;
  mediaPort: number;
  /** The UAS: exits after one call (answered and hung up). */
  uas: SippProcess;
  /** REGISTER with Expires 0. */
  unregister(): Promise<SippResult>;
}

/**
 * A seat on a plain SIP phone over UDP: starts tests/sipp/uas-seat.xml on sipPort, then
 * REGISTERs `extension` with that Contact (tests/sipp/register.xml from sipPort + 1). The UAS
 * answers one call, plays the tone, and hangs up after holdMs (or, `behaviour: 'busy'`,
 * refuses it with 486).
 */
export async function startSippSeat(opts: {
  extension: string;
  sipPort: number;
  mediaPort: number;
  holdMs: number;
  expires?: number;
  timeoutMs?: number;
  /** 'busy': tests/sipp/uas-busy.xml, which answers the one INVITE with 486. */
  behaviour?: 'answer' | 'busy';
}): Promise<SippSeat> {
  const cfg = pbxConfig();
  const remote = `${cfg.sipHost}:${cfg.sipPort}`;
  const uas = await startSipp({
    scenario: opts.behaviour === 'busy' ? 'uas-busy.xml' : 'uas-seat.xml',
    localPort: opts.sipPort,
    mediaPort: opts.mediaPort,
    sets: opts.behaviour === 'busy' ? {} : { hold_ms: opts.holdMs },
    timeoutMs: opts.timeoutMs ?? 120_000,
  });
  await waitUdpBound(uas, '127.0.0.1', opts.sipPort, 10_000);
  const register = (expires: number): Promise<SippResult> =>
    runSipp({
      scenario: 'register.xml',
      remote,
      localPort: opts.sipPort + 1,
      service: opts.extension,
      keys: { contact_port: opts.sipPort, expires },
      timeoutMs: 10_000,
    });
  const reg = await register(opts.expires ?? 300);
  if (reg.exitCode !== 0) {
    await uas.stop();
    throw new Error(
      `REGISTER of ${opts.extension} failed (sipp ${reg.exitCode}):\n${reg.messages}`,
    );
  }
  return {
    extension: opts.extension,
    sipPort: opts.sipPort,
    mediaPort: opts.mediaPort,
    uas,
    unregister: () => register(0),
  };
}

/**
 * A citizen calls the hotline (tests/sipp/caller.xml): sends the tone, echoes the RTP it
 * gets, answers the seat's BYE, or hangs up itself after holdMs.
 */
export async function placeHotlineCall(opts: {
  caller: string;
  sipPort: number;
  mediaPort: number;
  holdMs: number;
  number?: string;
  timeoutMs?: number;
}): Promise<SippProcess> {
  const cfg = pbxConfig();
  return startSipp({
    scenario: 'caller.xml',
    remote: `${cfg.sipHost}:${cfg.sipPort}`,
    localPort: opts.sipPort,
    mediaPort: opts.mediaPort,
    rtpEcho: true,
    service: opts.number ?? cfg.hotline,
    keys: { caller: opts.caller },
    sets: { hold_ms: opts.holdMs },
    // No BYE/CANCEL of SIPp's own when a call is failed on purpose (rejected calls).
    extraArgs: ['-default_behaviors', 'all,-bye'],
    timeoutMs: opts.timeoutMs ?? 120_000,
  });
}

/** A caller who hangs up while queued (tests/sipp/caller-cancel.xml), cancelMs after 180. */
export async function placeCancellingCall(opts: {
  caller: string;
  sipPort: number;
  mediaPort: number;
  cancelMs: number;
  timeoutMs?: number;
}): Promise<SippProcess> {
  const cfg = pbxConfig();
  return startSipp({
    scenario: 'caller-cancel.xml',
    remote: `${cfg.sipHost}:${cfg.sipPort}`,
    localPort: opts.sipPort,
    mediaPort: opts.mediaPort,
    service: cfg.hotline,
    keys: { caller: opts.caller },
    sets: { cancel_ms: opts.cancelMs },
    extraArgs: ['-default_behaviors', 'all,-bye'],
    timeoutMs: opts.timeoutMs ?? 60_000,
  });
}

/** The first SIP request of a method in a SIPp message log that SIPp received. */
export function receivedRequest(messages: string, method: string): string | undefined {
  for (const block of messages.split(/^-{10,}.*$/m)) {
    const body = block.replace(/^\s*(UDP|TCP) message received \[\d+\] bytes :\s*/m, '');
    if (body !== block && body.startsWith(`${method} `)) return body;
  }
  return undefined;
}

/** Value of a header in a SIP message (first occurrence), or undefined. */
export function sipHeader(message: string, name: string): string | undefined {
  const re = new RegExp(`^${name.replace(/[-]/g, '\\-')}\\s*:\\s*(.*?)\\s*$`, 'im');
  return re.exec(message)?.[1];
}

/**
 * The far end of a seat's outbound call (tests/sipp/uas-far.xml), by default on the trunk's
 * port (PBX_TRUNK): takes one call, logs what reached it (dialled number, caller, P-Asserted-
 * Identity, offered direction and address family), answers re-INVITEs with the mirrored
 * direction and INFOs with 200, and ends on the BYE. `earlyMedia` answers with 183 + SDP and
 * the 200 right after it (case F04); `ipv6` answers with `c=IN IP6 ::1` (case F06).
 * Resolves once SIPp listens. Read its lines with sippLogLines(result.logs, 'invite').
 */
export async function startFarEnd(opts: {
  mediaPort: number;
  sipPort?: number;
  ipv6?: boolean;
  earlyMedia?: boolean;
  ringMs?: number;
  rtpEcho?: boolean;
  timeoutMs?: number;
}): Promise<SippProcess> {
  const cfg = pbxConfig();
  const sipPort = opts.sipPort ?? cfg.trunkPort;
  const far = await startSipp({
    scenario: 'uas-far.xml',
    localPort: sipPort,
    mediaIp: opts.ipv6 ? '::1' : '127.0.0.1',
    mediaPort: opts.mediaPort,
    rtpEcho: opts.rtpEcho ?? false,
    sets: { ring_ms: opts.ringMs ?? 0, early_media: opts.earlyMedia ? 1 : 0 },
    timeoutMs: opts.timeoutMs ?? 120_000,
  });
  await waitUdpBound(far, '127.0.0.1', sipPort, 10_000);
  return far;
}

/** Options of the callers below: `caller` is the From user (a seat's extension dials out). */
export interface CallerOptions {
  caller: string;
  number: string;
  sipPort: number;
  mediaPort: number;
  /** -mi of the caller; `::1` offers `c=IN IP6 ::1`. */
  mediaIp?: string;
  timeoutMs?: number;
}

function callerSipp(
  scenario: string,
  opts: CallerOptions,
  keys: Record<string, string | number>,
  sets: Record<string, string | number>,
): Promise<SippProcess> {
  const cfg = pbxConfig();
  return startSipp({
    scenario,
    remote: `${cfg.sipHost}:${cfg.sipPort}`,
    localPort: opts.sipPort,
    mediaIp: opts.mediaIp,
    mediaPort: opts.mediaPort,
    rtpEcho: true,
    service: opts.number,
    keys: { caller: opts.caller, ...keys },
    sets,
    extraArgs: ['-default_behaviors', 'all,-bye'],
    timeoutMs: opts.timeoutMs ?? 120_000,
  });
}

/**
 * A call that goes on hold and back, then gets a re-INVITE without SDP (case F05;
 * tests/sipp/caller-reinvite.xml): logs "hold answer=<dir>", "resume answer=<dir>",
 * "late offer=<dir> port=<m= port>". Each step waits gapMs; the caller hangs up holdMs later.
 */
export function placeReinviteCall(
  opts: CallerOptions & { gapMs: number; holdMs: number; holdDirection?: 'sendonly' | 'inactive' },
): Promise<SippProcess> {
  return callerSipp(
    'caller-reinvite.xml',
    opts,
    { hold_dir: opts.holdDirection ?? 'sendonly' },
    { gap_ms: opts.gapMs, hold_ms: opts.holdMs },
  );
}

/**
 * A call that sends one DTMF digit as SIP INFO (application/dtmf-relay) gapMs after the
 * answer (tests/sipp/caller-dtmf.xml) and hangs up holdMs after that.
 */
export function placeInfoDtmfCall(
  opts: CallerOptions & { digit: string; gapMs: number; holdMs: number },
): Promise<SippProcess> {
  if (!/^[0-9*#]$/.test(opts.digit)) {
    throw new Error(`placeInfoDtmfCall: digit must be one of 0-9 * #, got '${opts.digit}'`);
  }
  return callerSipp(
    'caller-dtmf.xml',
    opts,
    { info_digit: opts.digit },
    { gap_ms: opts.gapMs, hold_ms: opts.holdMs },
  );
}

/** What the REGISTER scenarios below take. */
interface RegisterOptions {
  extension: string;
  contactPort: number;
  sipPort: number;
  expires: number;
}

/** Runs a REGISTER scenario for `extension` against the registrar. */
function runRegister(scenario: string, opts: RegisterOptions): Promise<SippResult> {
  const cfg = pbxConfig();
  return runSipp({
    scenario,
    remote: `${cfg.sipHost}:${cfg.sipPort}`,
    localPort: opts.sipPort,
    service: opts.extension,
    keys: { contact_port: opts.contactPort, expires: opts.expires },
    timeoutMs: 10_000,
  });
}

/**
 * REGISTER `extension` with `expires` below the registrar's minimum, expecting 423 and then
 * registering again with the Min-Expires it gave (tests/sipp/register-brief.xml).
 */
export function registerBelowMinExpires(opts: RegisterOptions): Promise<SippResult> {
  return runRegister('register-brief.xml', opts);
}

/** REGISTER (expires > 0) or unREGISTER (0) a contact with tests/sipp/register.xml. */
export function registerContact(opts: RegisterOptions): Promise<SippResult> {
  return runRegister('register.xml', opts);
}

/**
 * The scenario log lines whose first word is `prefix` (e.g. 'reinvite', 'hold'), each as
 * its key=value pairs: "reinvite call-id=x offer=sendonly answer=recvonly" ->
 * { 'call-id': 'x', offer: 'sendonly', answer: 'recvonly' }.
 */
export function sippLogLines(logs: string, prefix: string): Record<string, string>[] {
  return logs
    .split('\n')
    .filter((line) => line.startsWith(`${prefix} `))
    .map((line) => {
      const fields: Record<string, string> = {};
      for (const m of line.slice(prefix.length).matchAll(/([A-Za-z_-]+)=(\S*)/g)) {
        fields[m[1] as string] = m[2] as string;
      }
      return fields;
    });
}

/** A SIP message SIPp received that carried an SDP body (-message_file), in order. */
export interface ReceivedSdp {
  /** The start line: "INVITE sip:... SIP/2.0", "SIP/2.0 200 OK", "ACK ...". */
  startLine: string;
  /** The CSeq header's value, e.g. "2 INVITE". */
  cseq: string;
  sdp: string;
}

export function receivedSdps(messages: string): ReceivedSdp[] {
  const out: ReceivedSdp[] = [];
  for (const block of messages.split(/^-{10,}.*$/m)) {
    const msg = block.replace(/^\s*(UDP|TCP) message received \[\d+\] bytes :\s*/m, '');
    if (msg === block) continue;
    const sdp = /\r?\n\r?\n(v=0[\s\S]*)$/.exec(msg)?.[1];
    if (!sdp) continue;
    out.push({
      startLine: msg.split(/\r?\n/, 1)[0] ?? '',
      cseq: sipHeader(msg, 'CSeq') ?? '',
      sdp: sdp.trim(),
    });
  }
  return out;
}
