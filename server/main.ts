import { statSync } from 'node:fs';
import { ConfigError, loadConfig, type HubConfig } from './config.js';
import { startHub, type RunningHub } from './hub.js';
import { createLogger } from './logger.js';
import { DatabaseInUseError, lockDatabase, type DatabaseLock } from './store/database-lock.js';
import { describeOpenFailure } from './store/open-failure.js';
import { describeTarget, type StoreTarget } from './store/open-store.js';
import { SchemaError } from './store/sql/migrations.js';

/**
 * `npm run hub`: the hub from the environment (see config.ts). Exits 1 on a bad
 * variable or a failed start, with one plain line on stderr that names the variable to
 * fix; SIGTERM or SIGINT stop it cleanly, a second one at once. On SQLite the hub holds
 * the database's lock file while it runs (store/database-lock.ts), so a restore or a
 * second hub refuses the file.
 */
async function main(): Promise<void> {
  let config: HubConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) startFailed(`bad configuration: ${error.message}`);
    throw error;
  }
  const target: StoreTarget =
    config.dbUrl === null ? { sqlitePath: config.dbPath } : { postgresUrl: config.dbUrl };

  let lock: DatabaseLock | null = null;
  if ('sqlitePath' in target) {
    try {
      if (statSync(target.sqlitePath, { throwIfNoEntry: false })?.isDirectory()) {
        startFailed(`HUB_DB ${target.sqlitePath} is a directory; name the database file in it`);
      }
      lock = lockDatabase(target.sqlitePath, 'hub');
    } catch (error) {
      startFailed(startFailure(error, config, target));
    }
  }

  const log = createLogger(config.logLevel);
  let hub: RunningHub;
  try {
    hub = await startHub(config, log);
  } catch (error) {
    // The whole error (stack and all) for whoever debugs; the person gets one line.
    log.debug({ err: error }, 'hub failed to start');
    lock?.release();
    startFailed(startFailure(error, config, target));
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'stopping the hub');
    hub.stop().then(
      () => {
        lock?.release();
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'hub did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function startFailed(line: string): never {
  console.error(`hub: ${line}`);
  process.exit(1);
}

/** Why the hub could not start, in one line that names the variable to fix. */
function startFailure(error: unknown, config: HubConfig, target: StoreTarget): string {
  const variable = 'sqlitePath' in target ? 'HUB_DB' : 'HUB_DB_URL';
  const { code, hostname } = error as { code?: unknown; hostname?: unknown };
  if (error instanceof DatabaseInUseError) {
    return (
      `${variable} ${error.path} is in use by a ${error.holder} (process ${error.pid}); ` +
      'stop it first, or set HUB_DB to another file'
    );
  }
  if (code === 'EADDRINUSE') {
    return `HUB_PORT ${config.port} is in use on ${config.host} (EADDRINUSE); stop what listens there or set another HUB_PORT`;
  }
  if (code === 'EADDRNOTAVAIL') {
    return `HUB_HOST ${config.host} is not an address of this machine (EADDRNOTAVAIL)`;
  }
  if ((code === 'ENOTFOUND' || code === 'EAI_AGAIN') && hostname === config.host) {
    return `HUB_HOST ${config.host} is not a known host name (${code})`;
  }
  const described = describeOpenFailure(error, target);
  if (described !== null) return `${variable} ${described}`;
  if (error instanceof SchemaError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `failed to start on ${variable} ${describeTarget(target)}: ${message} (LOG_LEVEL=debug logs the details)`;
}

void main();
