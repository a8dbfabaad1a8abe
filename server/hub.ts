import type { FastifyInstance } from 'fastify';
import { Acd, type AcdOptions } from './acd/acd.js';
import { EvapiClient } from './acd/evapi-client.js';
import { OfferPops } from './acd/offer-pop.js';
import { buildApp, HUB_BODY_LIMIT } from './app.js';
import { systemClock, type Clock } from './clock.js';
import type { HubConfig } from './config.js';
import { SeatEvents } from './events/seat-events.js';
import { HandoverBook } from './handovers/handover-book.js';
import { KbSearch } from './kb/kb-search.js';
import type { Logger } from './logger.js';
import { RecordingIngest } from './recordings/ingest.js';
import { seedStore } from './seed/seed.js';
import { describeTarget, openHubStore, type StoreTarget } from './store/open-store.js';

export interface RunningHub {
  app: FastifyInstance;
  /** The address the HTTP server listens on (useful with HUB_PORT=0). */
  url: string;
  stop(): Promise<void>;
}

const SESSION_PURGE_MS = 60 * 60 * 1000;

/**
 * Wires the hub: store (seeded when new), KB, ACD with its evapi link, HTTP and events.
 * stop() undoes it in reverse: no new calls or requests, pending writes flushed, the
 * database closed cleanly.
 */
export async function startHub(
  config: HubConfig,
  log: Logger,
  options: { clock?: Clock; acd?: Partial<AcdOptions> } = {},
): Promise<RunningHub> {
  const clock = options.clock ?? systemClock;
  const target: StoreTarget =
    config.dbUrl === null ? { sqlitePath: config.dbPath } : { postgresUrl: config.dbUrl };
  const db = describeTarget(target);
  const store = await openHubStore(target);
  try {
    const kb = new KbSearch(store.kb, log.child({ name: 'hub.kb' }));
    const events = new SeatEvents();
    // One book of handovers: the handover routes write it, the offers' pops read it.
    const handovers = new HandoverBook(clock);
    const pops = new OfferPops({
      store,
      kb,
      handovers,
      clock,
      log: log.child({ name: 'hub.acd.pop' }),
    });
    const acd = new Acd(
      { store, events, clock, log, pops },
      {
        wrapUpMs: config.wrapUpS * 1000,
        wrapUpByQueue: Object.fromEntries(
          Object.entries(config.wrapUpQueues).map(([queue, s]) => [queue, s * 1000]),
        ),
        ...options.acd,
      },
    );

    if (await seedStore(store, kb, log.child({ name: 'hub.seed' }), { now: clock.now() })) {
      log.info({ db }, 'new hub database created with the demo seed');
    }
    // The hub listens while a large KB is indexed; KB searches answer 503 until then.
    void kb.loadInBackground();
    await acd.start();

    const evapi = new EvapiClient(
      { host: config.evapi.host, port: config.evapi.port, log: log.child({ name: 'hub.evapi' }) },
      {
        onMessage: (payload) => acd.handleMessage(payload),
        onUp: () => acd.linkUp(),
        onDown: () => acd.linkDown(),
      },
    );
    acd.attach(evapi);

    const app = await buildApp({
      store,
      acd,
      kb,
      events,
      clock,
      log,
      sip: config.sip,
      handovers,
      bodyLimit: HUB_BODY_LIMIT,
    });
    const url = await app.listen({ host: config.host, port: config.port });
    evapi.start();
    const purge = setInterval(() => {
      store.sessions
        .purgeExpired(clock.now())
        .catch((error: unknown) => log.error({ err: error }, 'session purge failed'));
    }, SESSION_PURGE_MS);
    purge.unref();
    const recordings = new RecordingIngest(
      { recordings: store.recordings, clock, log },
      config.recording,
    );
    recordings.start();
    log.info({ url, db, backend: store.backend, evapi: config.evapi }, 'hub listening');

    return {
      app,
      url,
      async stop() {
        clearInterval(purge);
        await recordings.stop();
        evapi.stop();
        acd.stop();
        await app.close();
        await acd.flush();
        await store.close();
        log.info('hub stopped');
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
