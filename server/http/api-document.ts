import { Acd } from '../acd/acd.js';
import { buildApp, HUB_BODY_LIMIT } from '../app.js';
import { systemClock } from '../clock.js';
import { SeatEvents } from '../events/seat-events.js';
import { KbSearch } from '../kb/kb-search.js';
import { silentLogger } from '../logger.js';
import { openHubStore } from '../store/open-store.js';
import { HUB_PATHS } from '../../shared/hub-api.js';

/**
 * The hub's OpenAPI document as the app serves it, from an app built on an empty
 * in-memory store: the document depends only on the routes, never on data, so this is
 * what docs/openapi.json holds (`npm run openapi`) and what its staleness test compares.
 */
export async function hubApiDocument(): Promise<unknown> {
  const log = silentLogger();
  const store = await openHubStore({ sqlitePath: ':memory:' });
  try {
    const events = new SeatEvents();
    const app = await buildApp({
      store,
      acd: new Acd({ store, events, clock: systemClock, log }),
      kb: new KbSearch(store.kb, log),
      events,
      clock: systemClock,
      log,
      sip: { wsUrl: 'ws://hub.invalid/ws', domain: 'hub.invalid' },
      bodyLimit: HUB_BODY_LIMIT,
    });
    try {
      const res = await app.inject({ method: 'GET', url: HUB_PATHS.openapi });
      if (res.statusCode !== 200) throw new Error(`the app answered ${res.statusCode}`);
      return res.json();
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
  }
}
