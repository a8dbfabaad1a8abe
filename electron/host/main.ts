/**
 * The seat host process: `npm run seat`. Serves the renderer to a browser and the desk
 * API on ws://SEAT_HOST:SEAT_PORT/desk over one seat core.
 *
 *   SEAT_HOST             address to listen on          127.0.0.1
 *   SEAT_PORT             port (0 picks a free one)     4100
 *   SEAT_DATA_DIR         the seat's SQLite folder      .run/seat
 *   HUB_URL               the hub                       http://127.0.0.1:4000
 *   RENDERER_DIR          vite's build of renderer/     renderer/dist
 *   SEAT_ALLOWED_ORIGINS  extra browser origins allowed on /desk, comma-separated
 *   LOG_LEVEL             pino level                    info
 */
import path from 'node:path';
import pino from 'pino';
import { createSeatCore, type SeatCore } from '../core/index.js';
import { startSeatHost, type SeatHost } from './seat-host.js';

const log = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { process: 'seat-host' } });
const hostLog = log.child({ category: 'seat.host' });

function readPort(raw: string | undefined): number {
  const port = Number(raw ?? 4100);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`SEAT_PORT must be a port number, got ${JSON.stringify(raw)}.`);
  }
  return port;
}

function readHubUrl(raw: string | undefined): string {
  const value = raw ?? 'http://127.0.0.1:4000';
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`HUB_URL must be an http(s) address, got ${JSON.stringify(value)}.`);
  }
  return value;
}

async function main(): Promise<void> {
  const env = process.env;
  const config = {
    host: env.SEAT_HOST ?? '127.0.0.1',
    port: readPort(env.SEAT_PORT),
    dataDir: path.resolve(env.SEAT_DATA_DIR ?? '.run/seat'),
    hubUrl: readHubUrl(env.HUB_URL),
    rendererDir: path.resolve(env.RENDERER_DIR ?? 'renderer/dist'),
    allowedOrigins: (env.SEAT_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  };

  const core: SeatCore = createSeatCore({
    dataDir: config.dataDir,
    hubUrl: config.hubUrl,
    logger: log,
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
