import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One pino sink for the whole hub process; components take a child logger named by
 * category (hub.acd, hub.sync, hub.http) so a line says where it came from.
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'hub' } });
}

/** A logger that writes nothing, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
