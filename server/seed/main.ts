import { rmSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { KbSearch } from '../kb/kb-search.js';
import { createLogger } from '../logger.js';
import { DatabaseInUseError, lockDatabase } from '../store/database-lock.js';
import { describeOpenFailure } from '../store/open-failure.js';
import {
  describeTarget,
  openHubStore,
  storeTarget,
  type StoreTarget,
} from '../store/open-store.js';
import { seedStore } from './seed.js';
import { progressPrinter } from './year/progress.js';
import { seedYear } from './year/seed-year.js';

const USAGE = `usage: npm run seed -- [--orders N [--seed N] [--now DATE]] [--db PATH] [--force]
  (no --orders)  the demo seed: nine staff accounts, a few hundred past orders, the KB
  --orders N     a generated year of N orders (6000000 for the Dongguan centre's year;
                 at most 20000000)
  --seed N       the year's random seed (default 1): the same seed gives the same year
  --now DATE     the year ends the day before DATE (ISO date or instant; default today)
  --db PATH      the SQLite file or a postgres:// URL (default HUB_DB, .run/hub/hub.sqlite)
  --force        delete the file first`;

/**
 * The most orders one run generates: over three Dongguan years, about 60 GiB of SQLite.
 * More is a typo (an extra zero), not a plan.
 */
const MAX_ORDERS = 20_000_000;

/** A command-line mistake: printed with the usage, exit code 2. */
class UsageError extends Error {}

interface SeedCommand {
  dbPath: string;
  force: boolean;
  year: { orders: number; seed: number; now: number } | null;
}

function integer(name: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got "${raw}"`);
  }
  if (value > max) throw new UsageError(`--${name} must be at most ${max}, got "${raw}"`);
  return value;
}

function parseCommand(argv: string[], defaultDb: string): SeedCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        orders: { type: 'string' },
        seed: { type: 'string' },
        now: { type: 'string' },
        db: { type: 'string' },
        force: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.orders === undefined && (values.seed !== undefined || values.now !== undefined)) {
    throw new UsageError('--seed and --now apply to a generated year: add --orders N');
  }
  let year: SeedCommand['year'] = null;
  if (values.orders !== undefined) {
    const now = values.now === undefined ? Date.now() : Date.parse(values.now);
    if (Number.isNaN(now)) throw new UsageError(`--now must be an ISO date, got "${values.now}"`);
    year = {
      orders: integer('orders', values.orders, 1, MAX_ORDERS),
      seed: values.seed === undefined ? 1 : integer('seed', values.seed, 0),
      now,
    };
  }
  return { dbPath: values.db ?? defaultDb, force: values.force, year };
}

/**
 * `npm run seed`: creates a hub database. Without --orders, the demo seed at HUB_DB; a
 * database that already has agents is left alone unless --force, which deletes it first.
 * With --orders N, a generated year of N orders (see year/generate.ts), with progress on
 * stderr; the file must be new or --force given.
 */
async function main(): Promise<void> {
  let command: SeedCommand;
  let logLevel: string;
  try {
    const config = loadConfig();
    logLevel = config.logLevel;
    command = parseCommand(process.argv.slice(2), config.dbPath);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`seed: bad configuration: ${error.message}`);
      process.exit(1);
    }
    if (error instanceof UsageError) {
      console.error(`seed: ${error.message}\n${USAGE}`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(logLevel);
  const { dbPath } = command;
  const target = storeTarget(dbPath);
  // A running hub must not have its file deleted or filled under it.
  let lock;
  try {
    lock = 'sqlitePath' in target ? lockDatabase(target.sqlitePath, 'seed') : null;
  } catch (error) {
    failed(error, target);
  }
  if (command.force) {
    if (!('sqlitePath' in target)) {
      console.error('seed: --force deletes SQLite files only; drop the PostgreSQL database');
      process.exit(2);
    }
    for (const suffix of ['', '-wal', '-shm', '.report.json']) {
      rmSync(dbPath + suffix, { force: true });
    }
  }
  let store;
  try {
    store = await openHubStore(target);
  } catch (error) {
    failed(error, target);
  }
  try {
    const kb = new KbSearch(store.kb, log);
    if (!command.year) {
      const seeded = await seedStore(store, kb, log, { now: Date.now() });
      console.log(
        seeded
          ? `seed: ${dbPath} created with the demo seed`
          : `seed: ${dbPath} already has data; left alone (use --force to recreate it)`,
      );
      return;
    }
    if (!(await store.isEmpty()) || (await store.orders.count()) > 0) {
      console.error(`seed: ${dbPath} already has data; use --force to recreate it`);
      process.exitCode = 1;
      return;
    }
    const printer = progressPrinter();
    let last = { orders: 0, totalOrders: command.year.orders, rows: 0, elapsedMs: 0 };
    const report = await seedYear(store, kb, command.year, (p) => {
      last = p;
      printer.update(p);
    });
    printer.done(last);
    await store.close();
    let size = '';
    if ('sqlitePath' in target) {
      // The report beside the file lets a benchmark reuse it (bench/history.ts).
      writeFileSync(`${dbPath}.report.json`, JSON.stringify(report, null, 2) + '\n');
      size = `, ${(statSync(dbPath).size / 2 ** 30).toFixed(2)} GiB`;
    }
    console.log(
      `seed: ${describeTarget(target)}: ${report.orders} orders, ${report.calls} calls ` +
        `(${report.abandonedCalls} abandoned), ${report.callers} callers ` +
        `(${(report.oneTimeCallerShare * 100).toFixed(1)}% called once, the most ` +
        `frequent ${report.topCallerOrders} times)${size}, ` +
        `${(report.elapsedMs / 1000).toFixed(1)} s (${(report.cpuMs / 1000).toFixed(1)} s CPU)`,
    );
  } finally {
    await store.close();
    lock?.release();
  }
}

/** Ends the run on a database that cannot be used, with one line saying why. */
function failed(error: unknown, target: StoreTarget): never {
  const line =
    error instanceof DatabaseInUseError
      ? `${error.path} is in use by a ${error.holder} (process ${error.pid}); stop it first`
      : (describeOpenFailure(error, target) ?? (error as Error).message);
  console.error(`seed: ${line}`);
  process.exit(1);
}

main().catch((error: unknown) => {
  console.error(`seed: failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
