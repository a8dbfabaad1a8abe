import pg from 'pg';

/**
 * Scratch PostgreSQL databases for tests, on the throwaway cluster of scripts/pg/start.
 * HUB_TEST_PG_URL is its admin URL (postgres://postgres@127.0.0.1:PORT/postgres); when it
 * is unset the tests run on SQLite only.
 */
export function testPgUrl(): string | null {
  return process.env.HUB_TEST_PG_URL?.trim() || null;
}

/** The URL of database `name` on the cluster of `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The database name of a postgres:// URL. */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

let made = 0;
/** Tells apart two test files that a reused worker process (same pid) runs in turn. */
const run = Math.random().toString(36).slice(2, 8);

/** A database name no other test uses: prefix, process id, a run tag, a counter. */
export function scratchName(prefix: string): string {
  return `${prefix}_${process.pid}_${run}_${++made}`;
}

function quoted(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a scratch database name: ${name}`);
  return `"${name}"`;
}

async function onCluster<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates database `name`, empty or as a copy of `template` (which nobody may be
 * connected to); answers its URL.
 */
export async function createDatabase(
  adminUrl: string,
  name: string,
  template?: string,
): Promise<string> {
  const from = template === undefined ? '' : ` TEMPLATE ${quoted(template)}`;
  await onCluster(adminUrl, (c) => c.query(`CREATE DATABASE ${quoted(name)}${from}`));
  return databaseUrl(adminUrl, name);
}

/** Drops the databases, closing any connection a failed test left open. */
export async function dropDatabases(adminUrl: string, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await onCluster(adminUrl, async (c) => {
    for (const name of names) {
      await c.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`);
    }
  });
}

/**
 * Runs `work` on a new empty database beside the one `adminUrl` names (scripts/pg/start
 * prints such a URL) and drops it after, so a benchmark or a fault run never writes to
 * data it did not make.
 */
export async function withScratchDatabase<T>(
  adminUrl: string,
  prefix: string,
  work: (url: string) => Promise<T>,
): Promise<T> {
  const name = scratchName(prefix);
  const url = await createDatabase(adminUrl, name);
  try {
    return await work(url);
  } finally {
    await dropDatabases(adminUrl, [name]);
  }
}
