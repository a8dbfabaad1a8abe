import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MutationResult } from '../../shared/sync-protocol.js';
import { tempDir } from '../testing/fixture.js';
import { testBackends } from '../testing/store-backends.js';
import { SAMPLE_NOW, sampleImported, samplePush } from '../testing/store-samples.js';
import { backupHub, restoreHub } from './backup.js';
import { lockDatabase, lockFileOf } from './database-lock.js';
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

  it('a failed backup leaves an older backup as it was and no temp file', async () => {
    const good = join(tmp.dir, `good-${backend.name}.backup`);
    writeFileSync(good, 'an older, good backup');
    // A server where nothing listens, or a file that is no database.
    const broken = join(tmp.dir, `broken-${backend.name}.sqlite`);
    writeFileSync(broken, 'not a database, but long enough to be read as one '.repeat(100));
    const target =
      backend.name === 'postgres'
        ? storeTarget('postgres://postgres@127.0.0.1:1/gone')
        : storeTarget(broken);
    await expect(backupHub(target, good)).rejects.toThrow();
    expect(readFileSync(good, 'utf8')).toBe('an older, good backup');
    expect(readdirSync(tmp.dir).filter((name) => name.includes('.partial'))).toEqual([]);
  });
});

describe('backup and restore refuse bad files up front', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  async function database(name: string): Promise<string> {
    const path = join(tmp.dir, name, 'hub.sqlite');
    const store = await openHubStore({ sqlitePath: path });
    await store.orders.applyPush(samplePush(['1']));
    await store.close();
    return path;
  }

  it('refuses a directory as the backup file and writes nothing beside it', async () => {
    const db = await database('dir');
    const dir = join(tmp.dir, 'backups');
    mkdirSync(dir);
    await expect(backupHub({ sqlitePath: db }, dir)).rejects.toThrow(
      `the backup file ${dir} is a directory; name a file in it, for example ${join(dir, 'hub.backup')}`,
    );
    expect(readdirSync(tmp.dir).sort()).toEqual(['backups', 'dir']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a backup file in a directory that does not exist', async () => {
    const db = await database('nodir');
    const out = join(tmp.dir, 'missing', 'hub.backup');
    await expect(backupHub({ sqlitePath: db }, out)).rejects.toThrow(
      `the directory ${join(tmp.dir, 'missing')} of ${out} does not exist`,
    );
  });

  it('refuses the database itself as the backup file, and leaves it whole', async () => {
    const db = await database('self');
    await expect(backupHub({ sqlitePath: db }, db)).rejects.toThrow(
      `the backup file ${db} is the hub database itself`,
    );
    const store = await openHubStore({ sqlitePath: db });
    expect(await store.orders.count()).toBe(1);
    await store.close();
  });

  it('refuses to restore while a hub holds the database, and leaves it alone', async () => {
    const db = await database('held');
    const backup = join(tmp.dir, 'held.backup');
    await backupHub({ sqlitePath: db }, backup);
    const lock = lockDatabase(db, 'hub');
    try {
      await expect(restoreHub({ sqlitePath: db }, backup)).rejects.toThrow(
        `${db} is in use by a hub (process ${process.pid}); stop it before restoring`,
      );
    } finally {
      lock.release();
    }
    expect(existsSync(lockFileOf(db))).toBe(false);
    await restoreHub({ sqlitePath: db }, backup);
  });

  it('takes over the lock of a hub that was killed, and removes it after', async () => {
    const db = await database('stale');
    const backup = join(tmp.dir, 'stale.backup');
    await backupHub({ sqlitePath: db }, backup);
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(lockFileOf(db), JSON.stringify({ pid: gone, holder: 'hub', since: '' }));
    await restoreHub({ sqlitePath: db }, backup);
    expect(existsSync(lockFileOf(db))).toBe(false);
    const store = await openHubStore({ sqlitePath: db });
    expect(await store.orders.count()).toBe(1);
    await store.close();
  });
});

describe.runIf(testBackends().some((b) => b.name === 'postgres'))(
  'restore on PostgreSQL while others are connected',
  () => {
    const backend = testBackends().find((b) => b.name === 'postgres')!;
    const tmp = tempDir();
    afterAll(async () => {
      await backend.cleanup();
      tmp.cleanup();
    });

    it('refuses while a hub is connected, restores with force', async () => {
      const target = storeTarget(await backend.scratch());
      const hub = await openHubStore(target);
      try {
        await hub.orders.applyPush(samplePush(['1']));
        const file = join(tmp.dir, 'live.backup');
        await backupHub(target, file);
        await hub.orders.applyPush(samplePush(['2']));
        await expect(restoreHub(target, file)).rejects.toThrow(
          /other sessions? (is|are) connected to postgres:.*stop it before restoring, or pass --force/,
        );
        expect(await hub.orders.count()).toBe(2);
        await restoreHub(target, file, { force: true });
        // What a forced restore means: the order confirmed after the backup is gone.
        expect(await hub.orders.count()).toBe(1);
      } finally {
        await hub.close();
      }
    });
  },
);
