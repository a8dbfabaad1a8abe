import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { CATEGORY_CODES } from '../../shared/domain/categories.js';
import { TERRITORY_CODES } from '../../shared/domain/territories.js';
import { HUB_PATHS, LoginResponseSchema } from '../../shared/hub-api.js';
import { HubOrderSchema, type OrderChanges } from '../../shared/order.js';
import { readLeadCandidates, type HubTarget, type LeadCandidate } from './hub-data.js';
import type { Prng } from './prng.js';

/**
 * A lead at the hub while the fault run goes on: at random moments (the run's seeded
 * PRNG) signs in as lead01 and PATCHes a field of an order a seat has pushed, on the
 * version it just read, or assigns one to another seat's agent for follow-up. A seat's
 * later edit of the same field, made on an older version, then meets the conflict rule
 * (shared/sync-protocol.ts).
 *
 * It talks to the hub directly, not through the fault proxy: the lead's own network is
 * not what the run is about, and a PATCH whose answer the proxy ate would leave the count
 * of hub edits unknown. The hub is still killed under it: a refused connection is counted
 * as `unreachable` and the lead tries again later. 409 (a seat's edit landed between the
 * read and the PATCH, or a hub restart) is counted as `stale`, not as a failure.
 */
export interface LeadStats {
  /** PATCHes the hub took. */
  edits: number;
  /** PATCHes refused 409 (stale base). */
  stale: number;
  assigns: number;
  /** Attempts while the hub was down or restarting. */
  unreachable: number;
  /** Anything else the hub answered: a defect of the run or of the hub. */
  errors: string[];
}

export interface LeadDriverOptions {
  hubUrl: string;
  hubTarget: HubTarget;
  prng: Prng;
  /** The seats' agents: who an order may be assigned to. */
  agentIds: readonly string[];
  account?: string;
  password: string;
  extension?: string;
  /** Pause between two actions, [min, max] ms. */
  everyMs?: [number, number];
  /** Share of actions that assign rather than edit. */
  assignShare?: number;
  /**
   * A seat that is down right now (killed, not yet back), if any: the lead prefers its
   * orders, which it will edit again on an old version once it is back (conflicts).
   */
  seatDown?: () => string | null;
  /**
   * The seats' journals: half the edits follow a seat's latest edits (same order, same
   * field), which meet the conflict rule whenever the seat's edit is still in its outbox.
   */
  journals?: readonly string[];
  log?: (line: string) => void;
}

/** The fields a lead edits: not the caller number (the seats list their orders by it). */
const LEAD_FIELDS = ['summary', 'category', 'territory', 'citizenName', 'citizenAddress'] as const;
type LeadField = (typeof LEAD_FIELDS)[number];

/** The last edits in a journal (its tail only): order and fields. */
function lastEdits(file: string, count: number): { localId: string; fields: string[] }[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = statSync(file).size;
    const length = Math.min(size, 16 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const edits: { localId: string; fields: string[] }[] = [];
    for (const line of buffer.toString('utf8').split('\n').slice(1)) {
      try {
        const entry = JSON.parse(line) as { op?: string; localId?: string; changes?: object };
        if (entry.op === 'update' && entry.localId && entry.changes) {
          edits.push({ localId: entry.localId, fields: Object.keys(entry.changes) });
        }
      } catch {
        // A line cut by the tail's start or by a kill.
      }
    }
    return edits.slice(-count);
  } finally {
    closeSync(fd);
  }
}

class Unreachable extends Error {}

export class LeadDriver {
  readonly stats: LeadStats = { edits: 0, stale: 0, assigns: 0, unreachable: 0, errors: [] };
  private token: string | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private n = 0;
  /** A journal to follow at once (a seat was just killed, its last edits maybe unsent). */
  private follow: string | null = null;

  constructor(private readonly options: LeadDriverOptions) {}

  /**
   * A seat was just killed, often with a push in flight: its last edits may still sit in
   * its outbox. The lead edits the same fields at once, before the seat is back.
   */
  poke(journal: string): void {
    this.follow = journal;
    this.wake?.();
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Ends the loop after the action in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const [min, max] = this.options.everyMs ?? [300, 1500];
    const prng = this.options.prng;
    while (!this.stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, prng.int(min, max));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (this.stopped) break;
      const follow = this.follow;
      this.follow = null;
      const assign = follow === null && prng.chance(this.options.assignShare ?? 0.15);
      try {
        await this.act(assign, follow);
      } catch (err) {
        if (err instanceof Unreachable) this.stats.unreachable += 1;
        else this.note(`lead: ${(err as Error).message}`);
      }
    }
  }

  private note(message: string): void {
    if (this.stats.errors.length < 50) this.stats.errors.push(message);
    this.options.log?.(`fault: ${message}`);
  }

  private async act(assign: boolean, follow: string | null): Promise<void> {
    const prng = this.options.prng;
    const all = await readLeadCandidates(this.options.hubTarget).catch(() => []);
    const journals = this.options.journals ?? [];
    if (follow !== null || (!assign && journals.length > 0 && prng.chance(0.5))) {
      const edits = lastEdits(follow ?? prng.pick(journals), 5);
      const edit = edits.length > 0 ? prng.pick(edits) : null;
      const target = edit && all.find((o) => o.clientOrderId === edit.localId);
      const fields = (edit?.fields ?? []).filter((f): f is LeadField =>
        (LEAD_FIELDS as readonly string[]).includes(f),
      );
      if (target && fields.length > 0) {
        await this.edit(target, this.changes(++this.n, fields), follow === null);
        return;
      }
    }
    let candidates = assign
      ? all.filter((o) => o.assignedTo === null && this.otherAgents(o).length > 0)
      : all;
    const down = this.options.seatDown?.() ?? null;
    if (down !== null && prng.chance(0.6)) {
      const theirs = candidates.filter((o) => o.seatId === down);
      if (theirs.length > 0) candidates = theirs;
    }
    if (candidates.length === 0) return;
    // Mostly one of the orders changed last (the seats edit their newest orders most).
    const order: LeadCandidate = prng.chance(0.7)
      ? prng.pick(candidates.slice(-10))
      : prng.pick(candidates);

    if (assign) {
      const agentId = prng.pick(this.otherAgents(order));
      const res = await this.request('POST', HUB_PATHS.orderAssign(order.orderNo), {
        agentId,
        note: 'fault run: a call back',
      });
      if (res.status === 200) this.stats.assigns += 1;
      else
        this.note(`lead: assign ${order.orderNo} answered ${res.status} ${res.text.slice(0, 300)}`);
      return;
    }

    await this.edit(order, this.changes(++this.n));
  }

  /** Reads the order, thinks a moment, PATCHes `changes` on the version it read. */
  private async edit(order: LeadCandidate, changes: OrderChanges, think = true): Promise<void> {
    const prng = this.options.prng;
    const read = await this.request('GET', HUB_PATHS.order(order.orderNo));
    if (read.status !== 200) {
      this.note(`lead: GET ${order.orderNo} answered ${read.status} ${read.text.slice(0, 300)}`);
      return;
    }
    const current = HubOrderSchema.parse(JSON.parse(read.text));
    // A lead reads, thinks, then saves: a seat's push may land in between (409).
    if (think) await new Promise((r) => setTimeout(r, prng.int(0, 300)));
    const res = await this.request('PATCH', HUB_PATHS.order(order.orderNo), {
      baseVersion: current.version,
      changes,
      note: 'fault run: lead edit',
    });
    if (res.status === 200) this.stats.edits += 1;
    else if (res.status === 409) this.stats.stale += 1;
    else this.note(`lead: PATCH ${order.orderNo} answered ${res.status} ${res.text.slice(0, 300)}`);
  }

  private otherAgents(order: LeadCandidate): string[] {
    return this.options.agentIds.filter((a) => a !== order.agentId);
  }

  /** New values for `fields`, or for one or two fields picked at random. */
  private changes(n: number, fields?: readonly LeadField[]): OrderChanges {
    const prng = this.options.prng;
    const changes: OrderChanges = {};
    const picked = fields ?? Array.from({ length: prng.int(1, 2) }, () => prng.pick(LEAD_FIELDS));
    for (const field of picked) {
      switch (field) {
        case 'summary':
          changes.summary = `班长复核第 ${n} 次：市民诉求已核实 ${prng.int(1, 99999)}（fault run）`;
          break;
        case 'category':
          changes.category = prng.pick(CATEGORY_CODES);
          break;
        case 'territory':
          changes.territory = prng.pick(TERRITORY_CODES);
          break;
        case 'citizenName':
          changes.citizenName = `班长改${prng.int(1, 999)}`;
          break;
        case 'citizenAddress':
          changes.citizenAddress = `东莞市某大道 ${prng.int(1, 300)} 号（班长）`;
          break;
      }
    }
    return changes;
  }

  /** One request as the lead; signs in first, and again once on a 401. */
  private async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; text: string }> {
    for (let attempt = 0; ; attempt++) {
      if (!this.token) await this.signIn();
      const res = await this.send(method, path, body, this.token);
      if (res.status !== 401 || attempt > 0) return res;
      this.token = null;
    }
  }

  private async signIn(): Promise<void> {
    const res = await this.send('POST', HUB_PATHS.login, {
      account: this.options.account ?? 'lead01',
      password: this.options.password,
      extension: this.options.extension ?? '1901',
    });
    if (res.status !== 200)
      throw new Error(`sign-in answered ${res.status} ${res.text.slice(0, 300)}`);
    this.token = LoginResponseSchema.parse(JSON.parse(res.text)).token;
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    token: string | null = null,
  ): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      // A plain AbortSignal.timeout, which fetch holds: inside AbortSignal.any it can be
      // garbage-collected before it fires on Node 20, and the request then never ends.
      const res = await fetch(this.options.hubUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      });
      const text = await res.text();
      // 502..504 do not come from this hub directly, but a restart may answer 503.
      if (res.status >= 502 && res.status <= 504) throw new Unreachable(`HTTP ${res.status}`);
      return { status: res.status, text };
    } catch (err) {
      if (err instanceof Unreachable) throw err;
      throw new Unreachable((err as Error).message);
    }
  }
}
