import { isIP } from 'node:net';
import path from 'node:path';

/** The seat host's settings, read from the environment by `readSeatConfig`. */
export interface SeatConfig {
  host: string;
  /** 0 lets the system pick a free port. */
  port: number;
  dataDir: string;
  hubUrl: string;
  rendererDir: string;
  /** Normalised origins (scheme://host[:port]). */
  allowedOrigins: string[];
  logLevel: string;
}

/** A setting the seat host cannot start with; the message names the variable. */
export class SeatConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'SeatConfigError';
  }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads the seat host's variables. An empty or blank value counts as unset and gets the
 * default, as the hub does, so `SEAT_PORT=` in a shell or an env file means 4100, not
 * "any port". A value that cannot be right throws a SeatConfigError before anything starts.
 */
export function readSeatConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): SeatConfig {
  const get = (name: string, fallback: string) => env[name]?.trim() || fallback;

  const logLevel = get('LOG_LEVEL', 'info');
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new SeatConfigError(
      'LOG_LEVEL',
      `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`,
    );
  }
  return {
    host: readHost(get('SEAT_HOST', '127.0.0.1')),
    port: readPort(get('SEAT_PORT', '4100')),
    dataDir: readDir('SEAT_DATA_DIR', get('SEAT_DATA_DIR', '.run/seat'), cwd),
    hubUrl: readHubUrl(get('HUB_URL', 'http://127.0.0.1:4000')),
    rendererDir: readDir('RENDERER_DIR', get('RENDERER_DIR', 'renderer/dist'), cwd),
    allowedOrigins: readOrigins(get('SEAT_ALLOWED_ORIGINS', '')),
    logLevel,
  };
}

function readPort(raw: string): number {
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port <= 65535)) {
    throw new SeatConfigError(
      'SEAT_PORT',
      `must be a port number 0-65535 (0: any free port), got "${raw}"`,
    );
  }
  return port;
}

/** An IP address (IPv6 with or without brackets) or a host name. */
function readHost(raw: string): string {
  const bare = raw.replace(/^\[(.*)\]$/, '$1');
  const name = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;
  if (isIP(bare) === 0 && !name.test(bare)) {
    throw new SeatConfigError('SEAT_HOST', `must be an IP address or a host name, got "${raw}"`);
  }
  return bare;
}

function readDir(variable: string, raw: string, cwd: string): string {
  if (raw.includes('\0')) throw new SeatConfigError(variable, 'must be a folder path');
  return path.resolve(cwd, raw);
}

function readHubUrl(raw: string): string {
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new SeatConfigError('HUB_URL', `must be an http(s) address, got "${raw}"`);
  }
  return raw;
}

/** Comma-separated browser origins; each must be scheme://host[:port] and nothing more. */
function readOrigins(raw: string): string[] {
  const origins: string[] = [];
  for (const item of raw.split(',').map((o) => o.trim())) {
    if (!item) continue;
    const url = URL.canParse(item) ? new URL(item) : null;
    const bare = url !== null && url.pathname === '/' && !url.search && !url.hash && !url.username;
    if (!url || !bare || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new SeatConfigError(
        'SEAT_ALLOWED_ORIGINS',
        `must list origins such as http://localhost:5173, got "${item}"`,
      );
    }
    origins.push(url.origin);
  }
  return origins;
}
