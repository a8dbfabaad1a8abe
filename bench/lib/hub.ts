import type { FastifyInstance } from 'fastify';
import { HUB_PATHS, type LoginResponse } from '../../shared/hub-api.js';
import { Acd } from '../../server/acd/acd.js';
import type { AcdLink } from '../../server/acd/evapi-client.js';
import { buildApp, HUB_BODY_LIMIT } from '../../server/app.js';
import { systemClock } from '../../server/clock.js';
import { SeatEvents } from '../../server/events/seat-events.js';
import { KbSearch } from '../../server/kb/kb-search.js';
import { silentLogger } from '../../server/logger.js';
import type { HubStore } from '../../server/store/repository.js';
import { SEED_PASSWORD } from '../../server/seed/agents.js';

/** Kamailio stays away in benchmarks: the ACD's replies go nowhere. */
const NO_KAMAILIO: AcdLink = { connected: false, send: () => false };

export interface BenchHub {
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * The hub's real app on a store a benchmark opened, without a listening socket (requests
 * go through app.inject) and without Kamailio. Closing it leaves the store open.
 */
export async function benchHub(store: HubStore): Promise<BenchHub> {
  const log = silentLogger();
  const kb = new KbSearch(store.kb, log);
  await kb.load();
  const events = new SeatEvents();
  const acd = new Acd({ store, events, clock: systemClock, log });
  await acd.start();
  acd.attach(NO_KAMAILIO);
  const app = await buildApp({
    store,
    acd,
    kb,
    events,
    clock: systemClock,
    log,
    sip: { wsUrl: 'ws://127.0.0.1:8080/ws', domain: '127.0.0.1' },
    bodyLimit: HUB_BODY_LIMIT,
  });
  return {
    app,
    async close() {
      acd.stop();
      await app.close();
      await acd.flush();
    },
  };
}

/** Signs a seed account in at an extension; answers the bearer header. */
export async function signIn(
  app: FastifyInstance,
  account: string,
  extension: string,
): Promise<{ authorization: string }> {
  const res = await app.inject({
    method: 'POST',
    url: HUB_PATHS.login,
    payload: { account, password: SEED_PASSWORD, extension },
  });
  if (res.statusCode !== 200)
    throw new Error(`login of ${account} failed: ${res.statusCode} ${res.body}`);
  return { authorization: `Bearer ${res.json<LoginResponse>().token}` };
}
