/**
 * The seat host process: `npm run seat`. Serves the renderer to a browser and the desk
 * API on ws://SEAT_HOST:SEAT_PORT/desk over one seat core. An empty variable counts as
 * unset; a bad one stops the host with one line naming it (seat-config.ts).
 *
 *   SEAT_HOST             address to listen on          127.0.0.1
 *   SEAT_PORT             port (0 picks a free one)     4100
 *   SEAT_DATA_DIR         the seat's SQLite folder      .run/seat
 *   HUB_URL               the hub                       http://127.0.0.1:4000
 *   RENDERER_DIR          vite's build of renderer/     renderer/dist
 *   SEAT_ALLOWED_ORIGINS  extra browser origins allowed on /desk, comma-separated
 *   LOG_LEVEL             pino level                    info
 */
import pino from 'pino';
import { createSeatCore, hubKeyStore, type SeatCore } from '../core/index.js';
import { readSeatConfig, SeatConfigError, type SeatConfig } from './seat-config.js';
import { startSeatHost, type SeatHost } from './seat-host.js';

let config: SeatConfig;
try {
  config = readSeatConfig(process.env);
} catch (err) {
  if (!(err instanceof SeatConfigError)) throw err;
  console.error(`seat host: bad configuration: ${err.message}`);
  process.exit(1);
}

const log = pino({ level: config.logLevel, base: { process: 'seat-host' } });
const hostLog = log.child({ category: 'seat.host' });

async function main(): Promise<void> {
  const core: SeatCore = createSeatCore({
    dataDir: config.dataDir,
    hubUrl: config.hubUrl,
    logger: log,
    // A web seat: its store key comes from the hub at sign-in (dataKeyFor: the seat id),
    // and it cannot sign in while the hub is down.
    keyStore: hubKeyStore,
    offlineSignIn: false,
  });
  let host: SeatHost;
  try {
    host = await startSeatHost({
      core,
      log,
      host: config.host,
      port: config.port,
      rendererDir: config.rendererDir,
      allowedOrigins: config.allowedOrigins,
    });
  } catch (err) {
    await core.close();
    throw err;
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      hostLog.warn(`${signal} again: exiting at once.`);
      process.exit(1);
    }
    stopping = true;
    hostLog.info(`${signal} received: stopping the seat host.`);
    const force = setTimeout(() => {
      hostLog.error('The seat host did not stop within 10 s; exiting.');
      process.exit(1);
    }, 10_000);
    force.unref();
    void (async () => {
      await host.close();
      await core.close();
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  hostLog.fatal({ err }, `The seat host failed to start: ${(err as Error).message}`);
  process.exit(1);
});
