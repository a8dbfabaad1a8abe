import { ConfigError, loadConfig, type HubConfig } from './config.js';
import { startHub } from './hub.js';
import { createLogger } from './logger.js';
import { SchemaError } from './store/sql/migrations.js';

/**
 * `npm run hub`: the hub from the environment (see config.ts). Exits 1 on a bad
 * variable or a failed start; SIGTERM or SIGINT stop it cleanly, a second one at once.
 */
async function main(): Promise<void> {
  let config: HubConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`hub: bad configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  const log = createLogger(config.logLevel);
  let hub;
  try {
    hub = await startHub(config, log);
  } catch (error) {
    log.fatal({ err: error }, 'hub failed to start');
    // A database this hub must not open: say what to do in plain words, too.
    if (error instanceof SchemaError) console.error(`hub: ${error.message}`);
    process.exit(1);
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
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'hub did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
