import { join } from 'node:path';
import type { Backend } from '../store/sql/schema.js';
import {
  createDatabase,
  dropDatabases,
  databaseName,
  scratchName,
  testPgUrl,
} from './pg-databases.js';
import { tempDir } from './fixture.js';

/**
 * The backends a storage test runs on: SQLite always, PostgreSQL when HUB_TEST_PG_URL
 * names a cluster (scripts/test-all sets it). Each `scratch()` is a new, empty database:
 * a file in a temp dir, or a new PostgreSQL database; `cleanup()` removes them all.
 */
export interface TestBackend {
  readonly name: Backend;
  /** A location (file path or postgres:// URL) of a new, empty database. */
  scratch(): Promise<string>;
  cleanup(): Promise<void>;
}

function sqliteBackend(): TestBackend {
  const tmp = tempDir();
  let n = 0;
  return {
    name: 'sqlite',
    async scratch() {
      return join(tmp.dir, `store-${++n}.sqlite`);
    },
    async cleanup() {
      tmp.cleanup();
    },
  };
}

function postgresBackend(admin: string): TestBackend {
  const made: string[] = [];
  return {
    name: 'postgres',
    async scratch() {
      const url = await createDatabase(admin, scratchName('hub_store'));
      made.push(url);
      return url;
    },
    async cleanup() {
      await dropDatabases(admin, made.splice(0).map(databaseName));
    },
  };
}

export function testBackends(): TestBackend[] {
  const admin = testPgUrl();
  return admin === null ? [sqliteBackend()] : [sqliteBackend(), postgresBackend(admin)];
}
