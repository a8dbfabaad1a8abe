import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleOrderInput } from '../../../tests/fakes/hub-sync.js';
import { SeatStore } from './seat-store.js';

const log = pino({ level: 'silent' });
const keyA = Buffer.alloc(32, 1);
const keyB = Buffer.alloc(32, 2);
let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'seat-store-'));
  file = path.join(dir, 'seat.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function openStore(key?: Uint8Array): SeatStore {
  const store = new SeatStore(file, log);
  store.unlock(key);
  return store;
}

/** Files kept aside in the data dir, by name. */
function keptFiles(): string[] {
  return readdirSync(dir)
    .filter((name) => name.includes('.damaged-'))
    .sort();
}

describe('a store file the seat cannot use is kept aside, never overwritten', () => {
  it('keeps a file that is not SQLite, with its -wal and -shm, and starts a fresh one', async () => {
    writeFileSync(file, 'these are not the orders you are looking for');
    writeFileSync(`${file}-wal`, 'wal bytes');
    writeFileSync(`${file}-shm`, 'shm bytes');

    const store = openStore(keyA);
    const [notice] = store.notices();
    expect(notice).toMatchObject({ kind: 'store-damaged', file: expect.any(String) });
    expect(notice?.message).toContain(notice?.file ?? '?');
    const kept = notice?.file ?? '';
    expect(readFileSync(kept, 'utf8')).toBe('these are not the orders you are looking for');
    expect(readFileSync(`${kept}-wal`, 'utf8')).toBe('wal bytes');
    expect(readFileSync(`${kept}-shm`, 'utf8')).toBe('shm bytes');
    expect(keptFiles()).toHaveLength(3);

    // The fresh store works and the notice stays until dismissed.
    await store.orders.create(sampleOrderInput());
    expect(store.orders.list({ limit: 5 })).toHaveLength(1);
    expect(await store.dismissNotice(notice?.id ?? '')).toBe(true);
    expect(store.notices()).toEqual([]);
    await store.close();
  });

  it('keeps a corrupt file (a SQLite header over damaged pages)', async () => {
    const first = openStore(keyA);
    for (let i = 0; i < 200; i++) {
      await first.orders.create(sampleOrderInput({ summary: `第${i}单：${'噪音'.repeat(50)}` }));
    }
    await first.close();
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(8 * 4096);
    // Pages 2..7 overwritten: the schema and index b-trees no longer parse.
    bytes.fill(0xa5, 4096, 7 * 4096);
    writeFileSync(file, bytes);

    const store = openStore(keyA);
    expect(store.notices()).toMatchObject([{ kind: 'store-damaged' }]);
    const kept = store.notices()[0]?.file ?? '';
    expect(readFileSync(kept).equals(bytes)).toBe(true);
    expect(store.orders.list({ limit: 5 })).toEqual([]);
    await store.close();
  });

  it('keeps a file from a newer build instead of migrating it', async () => {
    const first = openStore(keyA);
    await first.orders.create(sampleOrderInput());
    await first.close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();

    const store = openStore(keyA);
    expect(store.notices()).toMatchObject([
      { kind: 'store-unreadable', message: expect.stringContaining('newer than this build') },
    ]);
    const kept = new Database(store.notices()[0]?.file ?? '', { readonly: true });
    expect(kept.pragma('user_version', { simple: true })).toBe(99);
    kept.close();
    await store.close();
  });

  it('keeps a file sealed with another key, and carries the seat id over', async () => {
    const first = openStore(keyA);
    const seatId = first.seatId();
    await first.orders.create(sampleOrderInput());
    await first.close();

    const store = openStore(keyB);
    expect(store.notices()).toMatchObject([
      { kind: 'store-unreadable', message: expect.stringContaining('another key') },
    ]);
    expect(store.seatId()).toBe(seatId);
    expect(store.orders.list({ limit: 5 })).toEqual([]);
    await store.close();

    // The kept file still opens with its own key.
    const keptPath = keptFiles()[0] ?? '';
    const kept = new SeatStore(path.join(dir, keptPath), log);
    kept.unlock(keyA);
    expect(kept.notices()).toEqual([]);
    expect(kept.orders.list({ limit: 5 })).toHaveLength(1);
    await kept.close();
  });

  it('opens its own file again with the same key, keeping everything', async () => {
    const first = openStore(keyA);
    const order = await first.orders.create(sampleOrderInput());
    await first.close();
    const again = openStore(keyA);
    expect(again.notices()).toEqual([]);
    expect(again.orders.get(order.localId)).toEqual(order);
    expect(keptFiles()).toEqual([]);
    await again.close();
  });
});

describe('the locked store', () => {
  it('answers counts without a key and refuses citizen data until unlocked', async () => {
    const first = openStore(keyA);
    await first.orders.create(sampleOrderInput());
    await first.close();

    const store = new SeatStore(file, log);
    expect(store.unlocked).toBe(false);
    expect(store.orders.counts().pending).toBe(1);
    expect(() => store.orders.list({ limit: 5 })).toThrow(/locked/);
    await expect(store.orders.create(sampleOrderInput())).rejects.toThrow(/locked/);
    store.unlock(keyA);
    expect(store.orders.list({ limit: 5 })).toHaveLength(1);
    store.lock();
    expect(() => store.drafts.get('new')).toThrow(/locked/);
    await store.close();
  });
});

describe('drafts', () => {
  it('survive a seat that never closed its store', async () => {
    const crashed = openStore(keyA);
    await crashed.drafts.save('new', { summary: '市民反映：晚上施工', citizenName: '王先生' });
    // No close: a second connection opens the file as a restarted seat would.
    const restarted = openStore(keyA);
    expect(restarted.drafts.get('new')).toMatchObject({
      draft: { summary: '市民反映：晚上施工', citizenName: '王先生' },
    });
    crashed.database.close();
    await restarted.close();
  });

  it('are cleared in the same transaction as the save that uses them', async () => {
    const store = openStore(keyA);
    await store.drafts.save('call-1', { summary: '草稿' });
    await store.drafts.save('new', { summary: '另一个' });
    await store.orders.create(sampleOrderInput(), 'call-1');
    expect(store.drafts.get('call-1')).toBeNull();
    expect(store.drafts.get('new')).not.toBeNull();

    // A save that fails keeps its draft.
    store.database.exec(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON outbox
                         BEGIN SELECT RAISE(ABORT, 'outbox refused'); END`);
    await expect(store.orders.create(sampleOrderInput(), 'new')).rejects.toThrow('refused');
    expect(store.drafts.get('new')).not.toBeNull();
    await store.close();
  });
});

describe('encryption at rest', () => {
  it('leaves no citizen name or number in the raw file or its WAL', async () => {
    const name = '欧阳秀英';
    const number = '13912345678';
    const address = '东城街道花园路88号';
    const store = openStore(keyA);
    const order = await store.orders.create(
      sampleOrderInput({ citizenName: name, callerNumber: number, citizenAddress: address }),
    );
    await store.drafts.save('new', { citizenName: name, callerNumber: number });
    await store.orders.update(order.localId, { citizenName: `${name}（改）` });
    const [create, update] = store.orders.outboxHead(10);
    if (!create || !update) throw new Error('the outbox should hold two entries');
    const orderNo = 'DG20261204000001';
    await store.orders.applyPushResults([
      {
        entry: create,
        result: { id: create.mutationId, status: 'applied', orderNo, version: 1 },
      },
      {
        entry: update,
        result: {
          id: update.mutationId,
          status: 'applied',
          orderNo,
          version: 2,
          conflicts: [
            {
              conflictId: randomUUID(),
              orderNo,
              field: 'citizenName',
              seatValue: `${name}（改）`,
              hubValue: name,
              hubChangedBy: 'lead01',
              seatId: 'seat-1',
              mutationId: update.mutationId,
              detectedAt: new Date().toISOString(),
              resolution: null,
            },
          ],
        },
      },
    ]);
    const second = await store.orders.update(order.localId, { callerNumber: '13700000000' });
    const [pending] = store.orders.outboxHead(1);
    if (!pending || !second) throw new Error('the second edit should wait in the outbox');
    await store.orders.applyPushResults([
      {
        entry: pending,
        result: { id: pending.mutationId, status: 'rejected', code: 'invalid', reason: 'no' },
      },
    ]);
    await store.putCredential('agent01', JSON.stringify({ note: name }));
    expect(existsSync(`${file}-wal`)).toBe(true);

    for (const part of [file, `${file}-wal`]) {
      const raw = readFileSync(part);
      for (const secret of [name, number, address, '13700000000']) {
        expect(raw.includes(Buffer.from(secret, 'utf8')), `${secret} in ${part}`).toBe(false);
      }
    }
    // ...and the seat still finds the order by the number.
    expect(store.orders.list({ callerNumber: number, limit: 5 })).toHaveLength(1);
    expect(store.orders.conflicts()).toHaveLength(1);
    expect(store.orders.rejected()).toHaveLength(1);
    await store.close();
  });
});
