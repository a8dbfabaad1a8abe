import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MutationResult } from '../../shared/sync-protocol.js';
import { tempDir } from '../testing/fixture.js';
import { testBackends } from '../testing/store-backends.js';
import { SAMPLE_NOW, sampleImported, samplePush } from '../testing/store-samples.js';
import { backupHub, restoreHub } from './backup.js';
import { openHubStore, storeTarget } from './open-store.js';
import type { HubStore } from './repository.js';

type Applied = Extract<MutationResult, { status: 'applied' }>;

/** Pushes one order after another until stopped, like a seat that never pauses. */
function keepPushing(store: HubStore): { acked: Applied[]; stop: () => Promise<void> } {
  const acked: Applied[] = [];
  let running = true;
  const done = (async () => {
    for (let i = 0; running; i++) {
      const [result] = await store.orders.applyPush(samplePush([`w${i}`], SAMPLE_NOW + i));
      if (result?.status === 'applied') acked.push(result);
      await new Promise((r) => setImmediate(r));
    }
  })();
  return {
    acked,
    async stop() {
      running = false;
      await done;
    },
  };
}

describe.each(testBackends())('backup and restore on $name', (backend) => {
  const tmp = tempDir();
  afterAll(async () => {
    await backend.cleanup();
    tmp.cleanup();
  });

  it('a backup taken while a seat keeps pushing restores every order acknowledged before it', async () => {
    const source = storeTarget(await backend.scratch());
    const store = await openHubStore(source);
    const history = Array.from({ length: 20_000 }, (_, i) =>
      sampleImported(SAMPLE_NOW - 86_400_000 + i, `138${String(i).padStart(8, '0')}`),
    );
    await store.orders.importOrders(history);

    const writer = keepPushing(store);
    while (writer.acked.length < 20) await new Promise((r) => setTimeout(r, 5));
    const before = [...writer.acked];
    const file = join(tmp.dir, `hub-${backend.name}.backup`);
    await backupHub(source, file);
    const duringAndBefore = writer.acked.length;
    while (writer.acked.length < duringAndBefore + 20) await new Promise((r) => setTimeout(r, 5));
    await writer.stop();
    await store.close();

    const copy = storeTarget(await backend.scratch());
    await restoreHub(copy, file);
    const restored = await openHubStore(copy);
    try {
      for (const order of before) {
        expect(await restored.orders.get(order.orderNo)).toMatchObject({
          orderNo: order.orderNo,
          version: order.version,
        });
      }
      const count = await restored.orders.count();
      expect(count).toBeGreaterThanOrEqual(history.length + before.length);
      // The orders pushed after the backup finished are not in it.
      expect(count).toBeLessThanOrEqual(history.length + duringAndBefore);
      // The restored counters go on where the backup stopped: no number or version reused.
      const [next] = await restored.orders.applyPush(
        samplePush(['after'], SAMPLE_NOW + 10_000_000),
      );
      expect(next).toMatchObject({ status: 'applied', version: count + 1 });
      expect(await restored.orders.applyPush(samplePush(['w0']))).toMatchObject([
        { status: 'duplicate', orderNo: before[0]!.orderNo },
      ]);
    } finally {
      await restored.close();
    }
  });

  it('refuses a missing backup and leaves the database alone', async () => {
    const location = storeTarget(await backend.scratch());
    const store = await openHubStore(location);
    await store.orders.applyPush(samplePush(['1']));
    await store.close();
    await expect(restoreHub(location, join(tmp.dir, 'nothing.backup'))).rejects.toThrow(
      /no backup at/,
    );
    const again = await openHubStore(location);
    expect(await again.orders.count()).toBe(1);
    await again.close();
  });
});
