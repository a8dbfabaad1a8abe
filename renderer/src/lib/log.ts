/**
 * Loggers by category (`seat.ui.bridge`, `seat.sip.registration`), one sink per process:
 * by default the renderer's console, which Electron's main process or the test browser
 * collects. Messages are sentences that carry the call, order or request id they are about.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogSink = (level: LogLevel, category: string, message: string) => void;

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const consoleSink: LogSink = (level, category, message) =>
  console[level](`[${category}] ${message}`);

let sink: LogSink = consoleSink;

/** Routes every logger's output elsewhere (tests silence it); null restores the console. */
export function setLogSink(next: LogSink | null): void {
  sink = next ?? consoleSink;
}

export function createLogger(category: string): Logger {
  return {
    debug: (message) => sink('debug', category, message),
    info: (message) => sink('info', category, message),
    warn: (message) => sink('warn', category, message),
    error: (message) => sink('error', category, message),
  };
}

/** A short English description of anything thrown, for log lines and tooltips. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
