import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import { createHash } from 'node:crypto';
import pino from 'pino';
import { createSeatCore, type SeatCore, type SeatCoreResponse } from '../../electron/core/index.js';
import type {
  LocalConflict,
  LocalOrder,
  RejectedMutation,
  Session,
  SyncStatus,
} from '../../shared/desk-api.js';
import { CATEGORY_CODES } from '../../shared/domain/categories.js';
import { ORDER_TYPES } from '../../shared/domain/order-types.js';
import { TERRITORY_CODES } from '../../shared/domain/territories.js';
import type { OrderChanges, OrderInput } from '../../shared/order.js';
import { Prng } from './prng.js';
import {
  readJournal,
  type JournalEntry,
  type WorkerConfig,
  type WorkerReport,
  type WorkerRequest,
} from './worker-protocol.js';

/**
 * One seat of the fault run, as its own process (the parent kills it with SIGKILL at any
 * moment and starts it again on the same data dir). It drives a real seat core through
 * its public API only: signs in, saves orders and edits them, and appends each mutation
 * to its journal only AFTER the core answered ok, so the journal lists what the agent
 * was told is saved: the end check demands every journalled mutation at the hub.
 */
const config = JSON.parse(process.argv[2] ?? '') as WorkerConfig;
const send = (report: WorkerReport): void => {
  process.send?.(report);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Drops a last line a kill left half written, so later appends start on a line of their own. */
function repairJournal(file: string): void {
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8');
  if (text === '' || text.endsWith('\n')) return;
  truncateSync(file, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
}

repairJournal(config.journal);
const journal: JournalEntry[] = existsSync(config.journal) ? readJournal(config.journal) : [];
// Each life of the worker draws from its own sequence, so a restart does not repeat the
// orders of the life before.
const prng = new Prng(config.seed).fork(journal.length + 1);
const orders = new Map<string, OrderInput>();
for (const entry of journal) {
  if (entry.op === 'create') orders.set(entry.localId, entry.input);
  else if (entry.op === 'update') Object.assign(orders.get(entry.localId) ?? {}, entry.changes);
}
/** Conflicts this life has looked at: decided, or left open for good. */
const conflictsSeen = new Set<string>();

const core: SeatCore = createSeatCore({
  dataDir: config.dataDir,
  hubUrl: config.hubUrl,
  logger: pino(
    { level: process.env.FAULT_SEAT_LOG_LEVEL ?? 'warn' },
    pino.destination({ dest: config.logFile, sync: false }),
  ),
  // A per-seat key, so the encrypted store is what is exercised.
  dataKey: createHash('sha256').update(`fault-seat-${config.index}`).digest(),
  // Desktop seats: one restarted while the hub is down signs in with the last known
  // credentials and goes on saving.
  offlineSignIn: true,
  tuning: {
    syncIntervalMs: 1000,
    syncBackoff: { baseMs: 50, maxMs: 1000 },
    eventsReconnect: { baseMs: 100, maxMs: 1000 },
  },
});

function call(method: string, params: unknown): Promise<SeatCoreResponse> {
  return core.handle(method, params);
}

/**
 * Sign-in refusals that only mean "the hub is not there": for a seat that has never
 * signed in here, or one without offline sign-in.
 */
const WAIT_FOR_HUB = new Set([
  'hub-unreachable',
  'offline-sign-in-unavailable',
  'offline-credentials-unknown',
]);

/** Signs in, retrying while the hub (or the proxy) is in the way. */
async function signIn(): Promise<void> {
  let told = false;
  for (;;) {
    const res = await call('session.login', {
      account: config.account,
      password: config.password,
      extension: config.extension,
    });
    if (res.ok) return;
    if (res.error.code === 'bad-credentials')
      throw new Error(`sign-in refused: ${res.error.message}`);
    // The hub down or the proxy in the way is what the run is about; anything else is a
    // defect, told to the parent once per sign-in and retried.
    if (!WAIT_FOR_HUB.has(res.error.code) && !told) {
      told = true;
      send({ type: 'error', message: `session.login: ${res.error.code}: ${res.error.message}` });
    }
    await sleep(200);
  }
}

function summary(n: number): string {
  const topics = ['噪音扰民', '路灯不亮', '社保卡补办', '公积金提取', '占道经营', '垃圾清运'];
  return `${prng.pick(topics)}，第 ${n} 次记录，市民反映情况 ${prng.int(1, 99999)}（fault run）`;
}

function newOrder(n: number): OrderInput {
  return {
    type: prng.pick(ORDER_TYPES),
    category: prng.pick(CATEGORY_CODES),
    territory: prng.pick(TERRITORY_CODES),
    summary: summary(n),
    citizenName: prng.chance(0.7) ? `市民${prng.int(1, 999)}` : '',
    citizenAddress: prng.chance(0.5) ? `东莞市某路 ${prng.int(1, 300)} 号` : '',
    callerNumber: prng.pick(config.callerNumbers),
  };
}

function edit(n: number): OrderChanges {
  const changes: OrderChanges = {};
  const fields = prng.int(1, 3);
  for (let i = 0; i < fields; i++) {
    switch (prng.int(0, 5)) {
      case 0:
        changes.summary = summary(n);
        break;
      case 1:
        changes.category = prng.pick(CATEGORY_CODES);
        break;
      case 2:
        changes.territory = prng.pick(TERRITORY_CODES);
        break;
      case 3:
        changes.citizenName = `市民${prng.int(1, 999)}`;
        break;
      case 4:
        changes.citizenAddress = `东莞市某街 ${prng.int(1, 300)} 号`;
        break;
      default:
        // Within the seat's own numbers: the end check lists orders by number.
        changes.callerNumber = prng.pick(config.callerNumbers);
    }
  }
  return changes;
}

function record(entry: JournalEntry): void {
  appendFileSync(config.journal, JSON.stringify({ ...entry, at: new Date().toISOString() }) + '\n');
  journal.push(entry);
  if (journal.length % 10 === 0 || journal.length >= config.quota) {
    send({ type: 'progress', mutations: journal.length });
  }
}

let editsSupported = config.edits;

/**
 * Looks at the open conflicts (a lead edited the same field at the hub): decides one not
 * seen before in this life, hub or seat at random, or leaves it open. True when a
 * decision was journalled (it counts as this turn's mutation).
 */
async function lookAtConflicts(): Promise<boolean> {
  const listed = await call('conflict.list', {});
  if (!listed.ok) {
    if (listed.error.code === 'not-logged-in') await signIn();
    return false;
  }
  for (const conflict of listed.result as LocalConflict[]) {
    if (conflictsSeen.has(conflict.conflictId)) continue;
    conflictsSeen.add(conflict.conflictId);
    if (!prng.chance(config.resolveShare)) continue;
    const choice = prng.chance(0.5) ? 'hub' : 'seat';
    const res = await call('conflict.resolve', { conflictId: conflict.conflictId, choice });
    if (res.ok) {
      record({ op: 'resolve', localId: conflict.localId, conflictId: conflict.conflictId, choice });
      return true;
    }
    // Gone meanwhile (a pull brought the hub's decision, or an edit superseded it).
    if (res.error.code === 'not-found') continue;
    await onRefusal('conflict.resolve', res);
    return false;
  }
  return false;
}

/** Local ids in save order, so edits can favour the newest orders as agents do. */
const orderIds = [...orders.keys()];

/** One mutation; false when the core refused it for a reason worth retrying (signed out). */
async function mutate(): Promise<void> {
  const n = journal.length + 1;
  if (prng.chance(config.conflictLookShare) && (await lookAtConflicts())) return;
  const ids = orderIds;
  if (editsSupported && ids.length > 0 && prng.chance(config.editShare)) {
    // Half the edits go to one of the last few orders (the call just taken), the rest
    // anywhere: the recent ones are also where a lead's edit is most likely to meet them.
    const localId = prng.chance(0.5) ? prng.pick(ids.slice(-8)) : prng.pick(ids);
    const changes = edit(n);
    const res = await call('order.update', { localId, changes });
    if (res.ok) {
      Object.assign(orders.get(localId)!, changes);
      record({ op: 'update', localId, changes });
      return;
    }
    if (res.error.code === 'unknown-method') {
      editsSupported = false;
      send({ type: 'note', message: 'the seat core has no order.update: creates only' });
      return;
    }
    await onRefusal('order.update', res);
    return;
  }
  const input = newOrder(n);
  const res = await call('order.save', { order: input });
  if (res.ok) {
    const saved = res.result as LocalOrder;
    orders.set(saved.localId, { ...input });
    orderIds.push(saved.localId);
    record({ op: 'create', localId: saved.localId, input });
    return;
  }
  await onRefusal('order.save', res);
}

async function onRefusal(method: string, res: SeatCoreResponse & { ok: false }): Promise<void> {
  if (res.error.code === 'not-logged-in') {
    await signIn();
    return;
  }
  // Valid input refused by the seat itself: a defect, which the parent counts.
  send({ type: 'error', message: `${method}: ${res.error.code}: ${res.error.message}` });
  await sleep(200);
}

/** `sync.now`, or null when it has not answered within `ms` (a round that hangs). */
async function syncNow(ms: number): Promise<SeatCoreResponse | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  const res = await Promise.race([call('sync.now', {}), late]);
  clearTimeout(timer);
  return res;
}

/** After the faults: sync until the outbox is empty, then answer what the seat holds. */
async function drain(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let status: SyncStatus | null = null;
  let hung = false;
  for (;;) {
    const session = await call('session.get', {});
    if (!session.ok || session.result === null) await signIn();
    // A sync.now that does not answer while the network is clean and the hub up is a
    // defect of its own: said once, then the status is watched instead.
    const res = hung ? await call('sync.status', {}) : await syncNow(20_000);
    if (res === null) {
      hung = true;
      send({ type: 'error', message: 'sync.now did not answer within 20 s during the drain' });
    } else if (res.ok) {
      status = res.result as SyncStatus;
      if (status.pending === 0 && !status.syncing) break;
    }
    if (Date.now() > deadline) break;
    await sleep(200);
  }
  // One more round, so the last pull has brought the hub's versions.
  const last = hung ? null : await syncNow(20_000);
  if (last?.ok) status = last.result as SyncStatus;
  const rejected = await call('sync.rejected', {});
  const held = new Map<string, LocalOrder>();
  // Its own numbers, then the others' (orders a lead assigned to this agent).
  for (const callerNumber of [...config.callerNumbers, ...config.otherNumbers]) {
    const res = await call('order.list', { callerNumber });
    if (!res.ok) throw new Error(`order.list: ${res.error.code}: ${res.error.message}`);
    for (const order of res.result as LocalOrder[]) held.set(order.localId, order);
  }
  const conflicts = await call('conflict.list', {});
  if (!conflicts.ok) throw new Error(`conflict.list: ${conflicts.error.code}`);
  const session = await call('session.get', {});
  send({
    type: 'state',
    seatId: core.seatId,
    agentId: session.ok ? ((session.result as Session | null)?.agent.id ?? null) : null,
    status,
    rejected: rejected.ok ? (rejected.result as unknown[]).length : -1,
    rejectedList: rejected.ok ? (rejected.result as RejectedMutation[]) : [],
    orders: [...held.values()],
    conflicts: (conflicts.result as LocalConflict[]).map((c) => ({
      conflictId: c.conflictId,
      orderNo: c.orderNo,
      field: c.field,
    })),
  });
}

async function main(): Promise<void> {
  process.on('message', (message: WorkerRequest) => {
    if (message.type === 'drain') {
      drain(message.timeoutMs).catch((err: Error) => send({ type: 'error', message: err.message }));
    } else if (message.type === 'close') {
      void core.close().then(() => process.exit(0));
    }
  });
  send({ type: 'ready', seatId: core.seatId, mutations: journal.length });
  await signIn();
  while (journal.length < config.quota) {
    await mutate();
    await sleep(prng.int(0, 2 * config.paceMs));
  }
  send({ type: 'done', mutations: journal.length });
}

main().catch((err: Error) => {
  send({ type: 'error', message: `worker failed: ${err.stack ?? err.message}` });
  process.exit(1);
});
