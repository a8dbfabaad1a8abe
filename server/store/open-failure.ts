import { describeTarget, type StoreTarget } from './open-store.js';

/** Error codes of a network connection that never got to the server. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** What PostgreSQL's SQLSTATE codes mean for someone starting the hub. */
const PG_STATES: Record<string, string> = {
  '3D000': 'no such database (create it, or fix the name)',
  '28P01': 'the server refused the password',
  '28000': 'the server refused the user',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'the server has no free connection slot',
};

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  // Node may report a failed connection to every address of a host as an AggregateError.
  const first = (error as { errors?: unknown[] } | null)?.errors?.[0];
  return first === undefined ? undefined : codeOf(first);
}

/**
 * A plain, one-line account of why the store at `target` could not be opened, naming
 * the location (a PostgreSQL URL with its password masked); null when `error` is not one
 * of the failures a person can fix from the message (then it is a bug, to be logged whole).
 */
export function describeOpenFailure(error: unknown, target: StoreTarget): string | null {
  const where = describeTarget(target);
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if ('postgresUrl' in target) {
    const url = new URL(target.postgresUrl);
    const server = `${url.hostname}:${url.port || '5432'}`;
    if (code !== undefined && UNREACHABLE.has(code)) {
      return `${where}: no PostgreSQL server answers at ${server} (${code})`;
    }
    if (code !== undefined && code in PG_STATES) {
      return `${where}: ${PG_STATES[code]}: ${message}`;
    }
    return null;
  }
  if (code === 'EISDIR') return `${where} is a directory, not a database file`;
  if (code === 'ENOTDIR' || code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
    // Node's message repeats the code and the path: keep only the reason between them.
    const reason = /^[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message;
    return `${where} cannot be created or written (${code}: ${reason})`;
  }
  if (code === 'SQLITE_CANTOPEN') return `${where} cannot be opened (${code}): ${message}`;
  if (code === 'SQLITE_NOTADB') return `${where} is not an SQLite database`;
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
    return `${where} is read-only for the hub (${code})`;
  }
  return null;
}
