import type { KbSearch } from '../kb/kb-search.js';
import { loadKbFile } from '../kb/kb-file.js';
import { hashPassword } from '../auth/password.js';
import type { Logger } from '../logger.js';
import type { HubStore, KbArticle } from '../store/repository.js';
import { SEED_AGENTS, SEED_PASSWORD } from './agents.js';
import { generateHistory } from './history.js';

/** Who the seed's KB versions name as author and publisher. */
export const SEED_AUTHOR = 'seed';

export interface SeedOptions {
  /** Anchor of the generated history; past orders lie up to 300 days before it. */
  now: number;
  /** KB file to load; resources/seed/kb.json by default. */
  kbFile?: URL | string;
}

/**
 * Fills an empty store with the demo staff, past orders and calls, and the KB. Does
 * nothing to a store that already has agents, so a restart never duplicates the seed.
 * Answers whether it seeded.
 */
export async function seedStore(
  store: HubStore,
  kb: KbSearch,
  log: Logger,
  options: SeedOptions,
): Promise<boolean> {
  if (!(await store.isEmpty())) return false;
  if ((await store.orders.count()) > 0) {
    throw new Error('the store has orders but no agents: a seed was interrupted; delete the file');
  }
  const history = generateHistory(options.now);
  const articles = await loadKbFile(options.kbFile);
  await publishKb(store, kb, articles, options.now);
  await store.orders.importOrders(history.orders);
  await store.calls.importCalls(history.calls);
  // Agents last: until they exist the store counts as empty, and the check above stops a
  // second run from importing the history twice.
  await seedStaff(store);
  log.info(
    {
      agents: SEED_AGENTS.length,
      orders: history.orders.length,
      calls: history.calls.length,
      callers: history.callers.length,
      articles: articles.length,
    },
    'hub store seeded',
  );
  return true;
}

/** Publishes `articles` as the seed (one published version each) and reloads the search. */
export async function publishKb(
  store: HubStore,
  kb: KbSearch,
  articles: readonly KbArticle[],
  at: number,
): Promise<void> {
  await store.kb.importPublished(articles, SEED_AUTHOR, at);
  await kb.load();
}

/** Adds the demo staff (SEED_AGENTS), each with the password SEED_PASSWORD. */
export async function seedStaff(store: HubStore): Promise<void> {
  for (const agent of SEED_AGENTS) {
    await store.agents.insert({
      id: agent.id,
      account: agent.account,
      name: agent.name,
      role: agent.role,
      homeExtension: agent.extension,
      queues: agent.queues,
      passwordHash: await hashPassword(SEED_PASSWORD),
    });
  }
}
