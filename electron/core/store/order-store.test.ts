import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleOrderInput } from '../../../tests/fakes/hub-sync.js';
import { toMutation } from '../sync/push-batch.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { SeatStore } from './seat-store.js';

const log = pino({ level: 'silent' });
let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'seat-store-'));
  file = path.join(dir, 'seat.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(dataKey?: Uint8Array) {
  const seat = new SeatStore(file, log);
  seat.unlock(dataKey);
  return { db: seat.database, store: seat.orders, seat };
}

function count(db: Database.Database, table: 'orders' | 'outbox'): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('OrderStore.create', () => {
  it('writes the order and its mutation together', async () => {
    const { db, store } = open();
    const order = await store.create(sampleOrderInput());

    expect(order.status).toBe('pending');
    const [entry] = store.outboxHead(10);
    expect(entry).toMatchObject({ name: 'order.create', orderId: order.localId });
    expect(entry?.args).toEqual(sampleOrderInput());
    expect(store.get(order.localId)).toEqual(order);
    expect(store.counts()).toEqual({ pending: 1, rejected: 0, conflicts: 0 });
    db.close();
  });

  it('leaves neither row when the outbox insert fails', async () => {
    const { db, store } = open();
    db.exec(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON outbox
             BEGIN SELECT RAISE(ABORT, 'outbox refused'); END`);

    await expect(store.create(sampleOrderInput())).rejects.toThrow('outbox refused');
    expect(count(db, 'orders')).toBe(0);
    expect(count(db, 'outbox')).toBe(0);
    db.close();
  });

  it('finds orders by caller number however it was written', async () => {
    const { db, store } = open();
    await store.create(sampleOrderInput({ callerNumber: '+86 138-0013-8000' }));
    await store.create(sampleOrderInput({ callerNumber: '0769 2222 3333' }));

    expect(store.list({ callerNumber: '13800138000', limit: 10 })).toHaveLength(1);
    expect(store.list({ callerNumber: 'sip:13800138000@pbx', limit: 10 })).toHaveLength(1);
    expect(store.list({ callerNumber: '22223333', limit: 10 })).toHaveLength(1);
    expect(store.list({ limit: 10 })).toHaveLength(2);
    db.close();
  });
});

describe('SQLite locking (CASES F07)', () => {
  it('retries a save while another connection holds the write lock; nothing is lost', async () => {
    const { db, store } = open();
    const other = new Database(file);
    other.exec('BEGIN EXCLUSIVE');
    other.prepare(`INSERT INTO kv (key, value) VALUES ('other', 'writer')`).run();
    const release = setTimeout(() => other.exec('COMMIT'), 300);

    const started = Date.now();
    const saves = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.create(sampleOrderInput({ summary: `第${i}单` }))),
    );
    clearTimeout(release);

    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(count(db, 'orders')).toBe(20);
    expect(count(db, 'outbox')).toBe(20);
    expect(new Set(saves.map((s) => s.localId)).size).toBe(20);
    // The other writer's row is there too: its transaction was not disturbed.
    expect(db.prepare(`SELECT value FROM kv WHERE key = 'other'`).pluck().get()).toBe('writer');
    other.close();
    db.close();
  });

  it('applies every push result while another connection holds the lock', async () => {
    const { db, store } = open();
    for (let i = 0; i < 50; i++) await store.create(sampleOrderInput({ summary: `第${i}单` }));
    const entries = store.outboxHead(100);

    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const release = setTimeout(() => other.exec('ROLLBACK'), 200);
    const updated = await store.applyPushResults(
      entries.map((entry, i) => ({
        entry,
        result: { id: entry.mutationId, status: 'applied', orderNo: `DG${i}`, version: i + 1 },
      })),
    );
    clearTimeout(release);

    expect(updated.orders).toHaveLength(50);
    expect(updated.orders.every((o) => o.status === 'synced' && o.orderNo?.startsWith('DG'))).toBe(
      true,
    );
    expect(count(db, 'outbox')).toBe(0);
    expect(store.counts()).toEqual({ pending: 0, rejected: 0, conflicts: 0 });
    other.close();
    db.close();
  });

  it('gives up with SQLITE_BUSY when the lock is never released', async () => {
    const { db, store } = open();
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const write = db.transaction(() => db.prepare(`INSERT INTO kv VALUES ('k', 'v')`).run());
    const { withBusyRetry } = await import('./busy-retry.js');

    await expect(
      withBusyRetry(() => write.immediate(), { attempts: 3, firstDelayMs: 5 }),
    ).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(store.counts()).toEqual({ pending: 0, rejected: 0, conflicts: 0 });
    other.exec('ROLLBACK');
    other.close();
    db.close();
  });
});

describe('migrations', () => {
  it('are idempotent on reopen and keep the data and the seat id', async () => {
    const first = open();
    expect(first.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
    const seatId = first.seat.seatId();
    const order = await first.store.create(sampleOrderInput());
    first.db.close();

    const second = open();
    expect(migrate(second.db)).toEqual([]);
    expect(second.seat.seatId()).toBe(seatId);
    expect(second.store.get(order.localId)).toEqual(order);
    expect(second.db.pragma('journal_mode', { simple: true })).toBe('wal');
    second.db.close();
  });

  it('applies only the missing steps, and refuses a file from a newer build', () => {
    const db = new Database(file);
    const steps = [
      { version: 1, description: 'a', sql: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, description: 'b', sql: 'CREATE TABLE b (x INTEGER)' },
    ];
    expect(migrate(db, steps.slice(0, 1))).toEqual([1]);
    expect(migrate(db, steps)).toEqual([2]);
    expect(migrate(db, steps)).toEqual([]);
    expect(() => migrate(db, steps.slice(0, 1))).toThrow(/newer than this build/);
    db.close();
  });
});

describe('encryption at rest', () => {
  const key = Buffer.alloc(32, 7);

  it('stores no citizen data in clear and still finds orders by number', async () => {
    const { db, store } = open(key);
    const order = await store.create(sampleOrderInput());

    const raw = JSON.stringify(db.prepare('SELECT * FROM orders').all());
    const outbox = JSON.stringify(db.prepare('SELECT * FROM outbox').all());
    for (const text of [raw, outbox]) {
      expect(text).not.toContain('13800138000');
      expect(text).not.toContain('李女士');
      expect(text).not.toContain('工地');
    }
    expect(store.list({ callerNumber: '13800138000', limit: 5 })).toEqual([order]);
    const [entry] = store.outboxHead(1);
    expect(entry?.name === 'order.create' && entry.args.citizenName).toBe('李女士');
    db.close();
  });
});

describe('OrderStore.update', () => {
  it('an edit before the hub knows the order goes out after the create, baseVersion null', async () => {
    const { db, store } = open(Buffer.alloc(32, 1));
    const order = await store.create(sampleOrderInput());
    const edited = await store.update(order.localId, { citizenName: '张女士' });
    expect(edited).toMatchObject({ status: 'pending', pendingEdits: 1, hub: null });
    expect(edited?.input.citizenName).toBe('张女士');

    const [create, update] = store.outboxHead(10).map(toMutation);
    expect(create).toMatchObject({ name: 'order.create', clientOrderId: order.localId });
    expect(update).toMatchObject({
      name: 'order.update',
      order: { clientOrderId: order.localId },
      baseVersion: null,
      changes: { citizenName: '张女士' },
    });
    db.close();
  });

  it('names the order by its hub number once known, with the hub version it holds', async () => {
    const { db, store } = open(Buffer.alloc(32, 1));
    const order = await store.create(sampleOrderInput());
    const [create] = store.outboxHead(1);
    if (!create) throw new Error('no create in the outbox');
    const orderNo = 'DG20261204000042';
    await store.applyPushResults([
      { entry: create, result: { id: create.mutationId, status: 'applied', orderNo, version: 7 } },
    ]);
    expect(store.get(order.localId)).toMatchObject({ status: 'synced', orderNo });

    await store.update(order.localId, { summary: '改过' });
    expect(store.outboxHead(1).map(toMutation)).toMatchObject([
      { name: 'order.update', order: { orderNo }, baseVersion: 7, changes: { summary: '改过' } },
    ]);
    expect(store.get(order.localId)).toMatchObject({ status: 'pending', pendingEdits: 1 });
    db.close();
  });
});

describe('agents on one seat', () => {
  it('keeps conflicts, refusals and counts to the agent whose order it is', async () => {
    const { db, store, seat } = open();
    seat.setAgent('agent-a');
    const order = await store.create(sampleOrderInput());
    const [create] = store.outboxHead(1);
    if (!create) throw new Error('no outbox entry');
    await store.applyPushResults([
      {
        entry: create,
        result: { id: create.mutationId, status: 'applied', orderNo: 'DG1', version: 1 },
      },
    ]);
    await store.update(order.localId, { summary: '甲改的' });
    const [edit] = store.outboxHead(1);
    if (!edit) throw new Error('no outbox entry');
    expect(edit.agentId).toBe('agent-a');
    await store.applyPushResults([
      {
        entry: edit,
        result: {
          id: edit.mutationId,
          status: 'applied',
          orderNo: 'DG1',
          version: 3,
          conflicts: [
            {
              conflictId: 'c-1',
              orderNo: 'DG1',
              field: 'summary',
              seatValue: '甲改的',
              hubValue: '中心改的',
              hubChangedBy: 'lead01',
              seatId: 'seat-1',
              mutationId: edit.mutationId,
              detectedAt: new Date().toISOString(),
              resolution: null,
            },
          ],
        },
      },
    ]);
    await store.update(order.localId, { citizenName: '王先生' });
    const [second] = store.outboxHead(1);
    if (!second) throw new Error('no outbox entry');
    await store.applyPushResults([
      {
        entry: second,
        result: { id: second.mutationId, status: 'rejected', code: 'invalid', reason: 'no' },
      },
    ]);
    expect(store.counts()).toEqual({ pending: 0, rejected: 1, conflicts: 1 });

    seat.setAgent('agent-b');
    expect(store.counts()).toEqual({ pending: 0, rejected: 0, conflicts: 0 });
    expect(store.conflicts()).toEqual([]);
    expect(store.rejected()).toEqual([]);
    expect(await store.resolveConflict('c-1', 'seat')).toBeNull();
    expect(await store.dismissRejected(second.mutationId)).toBe(false);
    await store.create(sampleOrderInput({ summary: '乙的' }));
    expect(store.outboxHead(10).map((e) => e.agentId)).toEqual(['agent-b']);

    seat.setAgent('agent-a');
    expect(store.conflicts().map((c) => c.conflictId)).toEqual(['c-1']);
    expect(store.outboxHead(10)).toEqual([]);
    expect(store.counts()).toEqual({ pending: 0, rejected: 1, conflicts: 1 });
    // No agent set (tools): every row.
    seat.setAgent(null);
    expect(store.counts()).toEqual({ pending: 1, rejected: 1, conflicts: 1 });
    db.close();
  });
});
