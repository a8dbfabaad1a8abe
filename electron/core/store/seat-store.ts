import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { SeatNotice } from '../../../shared/desk-api.js';
import { isDamageError, openSeatDatabase } from './database.js';
import { DraftStore } from './draft-store.js';
import { KbCache } from './kb-cache.js';
import { StoreTooNewError } from './migrations.js';
import { OrderStore } from './order-store.js';
import { createSealer, isSealed, type Sealer } from './sealer.js';
import { SealerSlot, StoreWriter } from './writer.js';

const SQLITE_HEADER = 'SQLite format 3\0';
const KV_SEAT_ID = 'seat.id';
const KV_CANARY = 'store.canary';
/** Sealed with the key into the file: opening it proves the key fits the data. */
const CANARY_TEXT = 'hotline-desk seat store canary v1';

/** Why a store file was put aside; the notice kind the agent is shown. */
type AsideKind = Extract<SeatNotice['kind'], 'store-damaged' | 'store-unreadable'>;

/**
 * The seat's SQLite file and everything in it: orders and outbox, drafts, the KB cache,
 * notices. It never overwrites a file it cannot use (issue 4: "a damaged or unreadable
 * store file is not overwritten"):
 *
 *   open file --not SQLite / corrupt / quick_check fails--> keep aside, fresh file
 *             --schema newer than this build-------------->  (store-damaged /
 *   unlock(key) --key does not open the canary------------>   store-unreadable notice)
 *
 * Kept aside means renamed, with its -wal and -shm, to `seat.sqlite.damaged-<time>`
 * (and `...-wal`, `...-shm`), so SQLite can still open the copy for a rescue.
 *
 * The store is locked (no sealer) until `unlock`: citizen reads and writes throw
 * StoreLockedError. Counts and the seat id need no key.
 */
export class SeatStore {
  private db!: Database;
  private writer!: StoreWriter;
  private parts!: { orders: OrderStore; drafts: DraftStore; kb: KbCache };
  private readonly slot = new SealerSlot();
  private agentId: string | null = null;

  constructor(
    readonly file: string,
    private readonly log: Logger,
  ) {
    this.openOrKeepAside();
  }

  /**
   * The agent whose session the seat serves: orders, outbox entries and refusals made
   * now carry it, and only theirs (and those of no known agent) are shown and pushed.
   * Null (no session, tests, tools): every row.
   */
  setAgent(agentId: string | null): void {
    this.agentId = agentId;
  }

  get orders(): OrderStore {
    return this.parts.orders;
  }

  get drafts(): DraftStore {
    return this.parts.drafts;
  }

  get kb(): KbCache {
    return this.parts.kb;
  }

  /** The open connection, for tests and tools; the store's own writes go through it. */
  get database(): Database {
    return this.db;
  }

  get unlocked(): boolean {
    return this.slot.unlocked;
  }

  /** True when the sealer encrypts (false for a seat started without any key). */
  get encrypting(): boolean {
    return this.slot.current?.encrypting ?? false;
  }

  /**
   * Opens the store with `key` (undefined: plain, for a seat without any key store).
   * A key that does not open the file's canary means the data was sealed with another
   * key: the file is kept aside and a fresh one started, carrying the seat id over.
   * Call it with no write in flight (`drain` first).
   */
  unlock(key: Uint8Array | undefined): void {
    const sealer = createSealer(key);
    const canary = this.getKv(KV_CANARY);
    if (canary !== null && !opensCanary(sealer, canary)) {
      const seatId = this.getKv(KV_SEAT_ID);
      this.db.close();
      this.keepAside(
        'store-unreadable',
        'The seat store was sealed with another key than the one this seat has now.',
      );
      if (seatId) this.setKvNow(KV_SEAT_ID, seatId);
    }
    this.slot.current = sealer;
    // A file first used without a key gets a sealed canary with the first key it meets.
    const now = this.getKv(KV_CANARY);
    if (now === null || (sealer.encrypting && !isSealed(now))) {
      this.setKvNow(KV_CANARY, sealer.seal(CANARY_TEXT));
    }
  }

  /** Forgets the key: citizen calls answer store-locked until the next unlock. */
  lock(): void {
    this.slot.current = null;
  }

  /** The seat's stable id, made once and kept in the file. */
  seatId(): string {
    const existing = this.getKv(KV_SEAT_ID);
    if (existing) return existing;
    // INSERT OR IGNORE keeps the first id if two processes race.
    this.db
      .prepare(`INSERT OR IGNORE INTO kv (key, value) VALUES (?, ?)`)
      .run(KV_SEAT_ID, `seat-${randomUUID()}`);
    const stored = this.getKv(KV_SEAT_ID);
    if (!stored) throw new Error('The seat id could not be stored.');
    return stored;
  }

  notices(): SeatNotice[] {
    return this.db
      .prepare<[], SeatNotice>(`SELECT id, kind, message, file, at FROM notices ORDER BY at, id`)
      .all();
  }

  /** True when a notice of that id was there. */
  async dismissNotice(id: string): Promise<boolean> {
    const removed = await this.writer.run(
      () => this.db.prepare(`DELETE FROM notices WHERE id = ?`).run(id).changes,
      `dismiss notice ${id}`,
    );
    return removed > 0;
  }

  /** The sealed credential record of an account, opened; null when none is kept. */
  credential(account: string): string | null {
    const sealer = this.slot.get();
    const row = this.db
      .prepare<[string], { record: string }>(`SELECT record FROM credentials WHERE account = ?`)
      .get(account);
    return row ? sealer.open(row.record) : null;
  }

  async putCredential(account: string, record: string): Promise<void> {
    const sealed = this.slot.get().seal(record);
    await this.writer.run(
      () =>
        this.db
          .prepare(
            `INSERT INTO credentials (account, record) VALUES (?, ?)
             ON CONFLICT (account) DO UPDATE SET record = excluded.record`,
          )
          .run(account, sealed),
      `keep the sign-in record of ${account}`,
    );
  }

  /** Resolves once every write queued so far has ended. */
  drain(): Promise<void> {
    return this.writer.drain();
  }

  async close(): Promise<void> {
    await this.writer.drain();
    this.db.close();
  }

  private openOrKeepAside(): void {
    const problem = this.problemWithFile();
    if (problem) {
      this.keepAside(problem.kind, problem.message);
      return;
    }
    try {
      this.attach(openSeatDatabase(this.file));
    } catch (err) {
      if (err instanceof StoreTooNewError) {
        this.keepAside('store-unreadable', err.message);
      } else if (isDamageError(err)) {
        this.keepAside('store-damaged', `The seat store is damaged (${(err as Error).message}).`);
      } else {
        throw err;
      }
    }
  }

  /** A file that is there but is not SQLite at all (SQLite itself may say nothing). */
  private problemWithFile(): { kind: AsideKind; message: string } | null {
    if (!existsSync(this.file) || statSync(this.file).size === 0) return null;
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
    if (header.toString('latin1') === SQLITE_HEADER) return null;
    return { kind: 'store-damaged', message: 'The seat store file is not a SQLite database.' };
  }

  /** Renames the file and its -wal/-shm aside, opens a fresh one, records a notice. */
  private keepAside(kind: AsideKind, reason: string): void {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '-');
    const kept = `${this.file}.damaged-${stamp}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(this.file + suffix)) renameSync(this.file + suffix, kept + suffix);
    }
    this.log.error(
      { kind, kept },
      `${reason} The file was kept as ${kept}; the seat starts with a fresh store.`,
    );
    this.attach(openSeatDatabase(this.file));
    this.db
      .prepare(`INSERT INTO notices (id, kind, message, file, at) VALUES (?, ?, ?, ?, ?)`)
      .run(
        randomUUID(),
        kind,
        `${reason} It was kept as ${kept} and the seat started with a fresh store; ` +
          `orders not yet sent from it are not on this seat any more.`,
        kept,
        new Date().toISOString(),
      );
  }

  private attach(db: Database): void {
    this.db = db;
    this.writer = new StoreWriter(db, this.log);
    this.parts = {
      orders: new OrderStore(db, this.writer, this.slot, this.log, () => this.agentId),
      drafts: new DraftStore(db, this.writer, this.slot),
      kb: new KbCache(db, this.writer),
    };
  }

  private getKv(key: string): string | null {
    const row = this.db.prepare<[string], { value: string }>(`SELECT value FROM kv WHERE key = ?`);
    return row.get(key)?.value ?? null;
  }

  /** Synchronous: used while opening, before any other write is queued. */
  private setKvNow(key: string, value: string): void {
    this.db
      .prepare(
        `INSERT INTO kv (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      )
      .run(key, value);
  }
}

function opensCanary(sealer: Sealer, canary: string): boolean {
  try {
    return sealer.open(canary) === CANARY_TEXT;
  } catch {
    return false;
  }
}
