/**
 * The hub's configuration, from the environment. Every variable has a default that runs
 * the hub on one machine; a bad value stops the hub at once with a message that names the
 * variable, instead of failing later somewhere less obvious.
 */
export interface HubConfig {
  host: string;
  port: number;
  /** The SQLite file (HUB_DB), used unless dbUrl is set. */
  dbPath: string;
  /** A PostgreSQL database (HUB_DB_URL, postgres://...); null for SQLite. */
  dbUrl: string | null;
  evapi: { host: string; port: number };
  sip: { wsUrl: string; domain: string };
  logLevel: string;
  /**
   * Seconds an agent stays in wrap-up after a call before the ACD offers the next one
   * (HUB_WRAP_UP_S, 0 = straight back to ready): time to finish the order of the call.
   */
  wrapUpS: number;
  /**
   * Queues whose calls get a wrap-up of their own length, in seconds
   * (HUB_WRAP_UP_QUEUES="sign-language=120,psychological=180"); the rest get wrapUpS.
   */
  wrapUpQueues: Record<string, number>;
  /**
   * Call recordings (server/recordings): `dir` is rtpengine's recording directory
   * (HUB_RECORDING_DIR, its `recording-dir`; the hub reads `metadata/` and `pcaps/` there
   * and writes the WAV files to `wav/`), kept `retentionDays` (HUB_RECORDING_RETENTION_DAYS).
   */
  recording: { dir: string; retentionDays: number };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function port(variable: string, raw: string, allowZero: boolean): number {
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n > 65535 || (!allowZero && n === 0)) {
    const range = allowZero ? '0-65535, 0 = any free port' : '1-65535';
    throw new ConfigError(variable, `must be a TCP port number (${range}), got "${raw}"`);
  }
  return n;
}

function hostName(variable: string, raw: string): string {
  if (raw.length === 0 || /\s/.test(raw)) {
    throw new ConfigError(variable, `must be a host name or address, got "${raw}"`);
  }
  return raw;
}

/** `host:port`, with IPv6 hosts in brackets (`[::1]:8448`). */
function hostPort(variable: string, raw: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d+)$/.exec(raw);
  if (!match?.[1] || !match[2]) {
    throw new ConfigError(variable, `must be host:port (for example 127.0.0.1:8448), got "${raw}"`);
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port: port(variable, match[2], false) };
}

function wsUrl(variable: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, `must be a ws:// or wss:// URL, got "${raw}"`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new ConfigError(variable, `must be a ws:// or wss:// URL, got "${raw}"`);
  }
  return raw;
}

/** The longest wrap-up a centre may set: ten minutes. */
export const MAX_WRAP_UP_S = 600;

/** Whole seconds within 0..MAX_WRAP_UP_S. */
function wrapUpSeconds(variable: string, raw: string): number {
  const n = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(n <= MAX_WRAP_UP_S)) {
    throw new ConfigError(
      variable,
      `must be whole seconds from 0 to ${MAX_WRAP_UP_S}, got "${raw}"`,
    );
  }
  return n;
}

/** `queue=seconds` pairs, comma separated, each queue once (queue names as agents hold them). */
function wrapUpQueues(variable: string, raw: string): Record<string, number> {
  const result: Record<string, number> = {};
  if (raw === '') return result;
  for (const part of raw.split(',')) {
    const match = /^\s*([a-z0-9][a-z0-9-]{0,31})\s*=\s*(\S*)\s*$/.exec(part);
    if (!match?.[1] || match[2] === undefined) {
      throw new ConfigError(
        variable,
        `must be queue=seconds pairs separated by commas (for example ` +
          `sign-language=120,psychological=180), got "${part.trim()}" in "${raw}"`,
      );
    }
    const queue = match[1];
    if (Object.hasOwn(result, queue)) {
      throw new ConfigError(variable, `names the queue ${queue} twice, in "${raw}"`);
    }
    const seconds = /^\d{1,4}$/.test(match[2]) ? Number(match[2]) : NaN;
    if (!(seconds <= MAX_WRAP_UP_S)) {
      throw new ConfigError(
        variable,
        `gives the queue ${queue} "${match[2]}": it must be whole seconds from 0 to ` +
          `${MAX_WRAP_UP_S}`,
      );
    }
    result[queue] = seconds;
  }
  return result;
}

/** The longest a centre may keep recordings: ten years. */
export const MAX_RECORDING_RETENTION_DAYS = 3650;

/** Whole days within 1..MAX_RECORDING_RETENTION_DAYS. */
function retentionDays(variable: string, raw: string): number {
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_RECORDING_RETENTION_DAYS)) {
    throw new ConfigError(
      variable,
      `must be whole days from 1 to ${MAX_RECORDING_RETENTION_DAYS}, got "${raw}"`,
    );
  }
  return n;
}

/** A postgres:// URL with a database name, or null when the variable is unset. */
function postgresUrl(variable: string, raw: string): string | null {
  if (raw === '') return null;
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (url === null || !/^postgres(ql)?:$/.test(url.protocol) || url.pathname.length < 2) {
    throw new ConfigError(
      variable,
      'must be a PostgreSQL URL with a database, for example ' +
        `postgres://hub@127.0.0.1:5432/hotline, got "${raw.replace(/:[^:@/]*@/, ':***@')}"`,
    );
  }
  return raw;
}

function directory(variable: string, raw: string): string {
  if (/[\0\n]/.test(raw)) throw new ConfigError(variable, 'must be a directory path');
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const get = (name: string, fallback: string): string => env[name]?.trim() || fallback;
  const logLevel = get('LOG_LEVEL', 'info');
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(
      'LOG_LEVEL',
      `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`,
    );
  }
  const dbPath = get('HUB_DB', '.run/hub/hub.sqlite');
  if (/[\0]/.test(dbPath)) throw new ConfigError('HUB_DB', 'must be a file path');
  const dbUrl = postgresUrl('HUB_DB_URL', get('HUB_DB_URL', ''));
  return {
    host: hostName('HUB_HOST', get('HUB_HOST', '127.0.0.1')),
    // Port 0 lets the OS choose, which tests use.
    port: port('HUB_PORT', get('HUB_PORT', '4000'), true),
    dbPath,
    dbUrl,
    evapi: hostPort('KAMAILIO_EVAPI', get('KAMAILIO_EVAPI', '127.0.0.1:8448')),
    sip: {
      wsUrl: wsUrl('SIP_WS_URL', get('SIP_WS_URL', 'ws://127.0.0.1:8080/ws')),
      domain: hostName('SIP_DOMAIN', get('SIP_DOMAIN', '127.0.0.1')),
    },
    logLevel,
    wrapUpS: wrapUpSeconds('HUB_WRAP_UP_S', get('HUB_WRAP_UP_S', '30')),
    wrapUpQueues: wrapUpQueues('HUB_WRAP_UP_QUEUES', get('HUB_WRAP_UP_QUEUES', '')),
    recording: {
      dir: directory('HUB_RECORDING_DIR', get('HUB_RECORDING_DIR', '.run/pbx/recordings')),
      retentionDays: retentionDays(
        'HUB_RECORDING_RETENTION_DAYS',
        get('HUB_RECORDING_RETENTION_DAYS', '180'),
      ),
    },
  };
}
