import type { HubStore } from './repository.js';
import { SqlHubStore } from './sql/sql-store.js';

/** Where the hub keeps its data: an SQLite file (the default) or a PostgreSQL database. */
export type StoreTarget = { sqlitePath: string } | { postgresUrl: string };

/** A postgres:// or postgresql:// URL picks PostgreSQL; anything else is an SQLite path. */
export function storeTarget(location: string): StoreTarget {
  return /^postgres(ql)?:\/\//.test(location)
    ? { postgresUrl: location }
    : { sqlitePath: location };
}

/** Where a target points, for logs: the file, or the URL without its password. */
export function describeTarget(target: StoreTarget): string {
  if ('sqlitePath' in target) return target.sqlitePath;
  const url = new URL(target.postgresUrl);
  if (url.password) url.password = '***';
  return url.toString();
}

/**
 * Opens the hub store on `target`, creating and migrating the schema as needed. Throws
 * SchemaError (sql/migrations.ts) for a database this hub must not touch.
 */
export async function openHubStore(target: StoreTarget): Promise<HubStore> {
  return 'postgresUrl' in target
    ? SqlHubStore.openPostgres(target.postgresUrl)
    : SqlHubStore.openSqlite(target.sqlitePath);
}
