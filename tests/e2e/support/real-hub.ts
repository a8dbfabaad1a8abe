import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import {
  copyOf,
  dropScratch,
  openHub,
  seededTemplate,
  tempDir,
  type OpenHubOptions,
  type TestHub,
} from '../../../server/testing/fixture.js';

/** Test-only: the real hub app (server/), seeded, listening on a port, that can go away. */
export interface RealHub {
  readonly url: string;
  readonly hub: TestHub;
  /** The hub goes away (the app closes; its database stays). */
  stop(): Promise<void>;
  /** Back on the same port and database. */
  start(): Promise<void>;
  /**
   * While stopped: opens the hub on its database without listening, so a test can change
   * things at the hub (a lead's edit) that no seat can see until it is back.
   */
  whileDown<T>(work: (hub: TestHub) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Seeds a template once per test file; `startRealHub()` opens a fresh copy of it. The
 * seed's accounts (agent01 .. , password demo1234) are what the tests sign in with.
 */
export function useRealHubs(): { startRealHub(options?: OpenHubOptions): Promise<RealHub> } {
  const tmp = tempDir();
  let template = '';
  const open = new Set<RealHub>();
  beforeAll(async () => {
    template = await seededTemplate(tmp.dir);
  });
  afterAll(async () => {
    for (const hub of open) await hub.close();
    await dropScratch(template);
    tmp.cleanup();
  });
  return {
    async startRealHub(options = {}) {
      const location = copyOf(template, tmp.dir);
      let current: TestHub | null = null;
      let port = 0;
      const start = async () => {
        current = await openHub(location, options);
        await current.app.listen({ host: '127.0.0.1', port });
        port = (current.app.server.address() as AddressInfo).port;
      };
      const stop = async () => {
        const hub = current;
        current = null;
        if (!hub) return;
        // Going away means the connections die too (a keep-alive or a socket the hub has
        // not noticed closing would otherwise hold app.close() open).
        const closing = hub.close();
        hub.app.server.closeAllConnections();
        await closing;
      };
      await start();
      const real: RealHub = {
        get url() {
          return `http://127.0.0.1:${port}`;
        },
        get hub() {
          if (!current) throw new Error('the hub is stopped');
          return current;
        },
        stop,
        start,
        async whileDown(work) {
          if (current) throw new Error('the hub is running; stop it first');
          const hidden = await openHub(location, options);
          try {
            return await work(hidden);
          } finally {
            await hidden.close();
          }
        },
        async close() {
          open.delete(real);
          await stop();
        },
      };
      open.add(real);
      return real;
    },
  };
}
