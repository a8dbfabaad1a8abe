import { CATEGORY_CODES } from '../../../shared/domain/categories.js';
import type { OrderType } from '../../../shared/domain/order-types.js';
import { TERRITORIES } from '../../../shared/domain/territories.js';
import { DEFAULT_QUEUE } from '../../../shared/acd-protocol.js';
import type { OrderState } from '../../../shared/order.js';
import { orderDeadline } from '../../orders/deadline.js';
import type { CallRecord, ImportedOrder } from '../../store/repository.js';
import { abandonedCall } from '../history.js';
import { COMPANIES, ORDER_TEXTS, ROADS } from '../order-texts.js';
import { Prng } from '../prng.js';
import {
  CallerPopulation,
  callerNumber,
  CATEGORY_TABLE,
  isFixedLine,
  TERRITORY_TABLE,
} from './callers.js';
import {
  compileTemplate,
  fillTemplate,
  type CompiledTemplate,
  type SlotName,
  type SlotSource,
} from './template.js';
import { orderTimes, planDays, type YearDay } from './timeline.js';
import {
  ABANDONED_PER_ORDER,
  AGENT_EXTENSIONS,
  DISPATCHED_CONSULTATION_SHARE,
  HOME_TERRITORY_SHARE,
  MAIN_CONCERN_SHARE,
  TYPE_WEIGHTS,
} from './weights.js';
import { WeightedTable } from './weighted.js';

const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;

export interface YearOptions {
  /** Orders in the year (about 6 million for the Dongguan centre). */
  orders: number;
  /** Everything drawn follows from it: the same seed gives the same year. */
  seed: number;
  /** The year ends at the China-time midnight before this instant; ages count to it. */
  now: number;
  /** Days in the year; 365 unless a test wants fewer. */
  days?: number;
  /** Orders per batch handed to the store. */
  batchSize?: number;
}

/** A slice of the year, in time order, sized for one bulk import. */
export interface YearBatch {
  orders: ImportedOrder[];
  calls: CallRecord[];
}

interface CategoryTexts {
  code: string;
  texts: readonly { type: OrderType; summary: CompiledTemplate; reply: CompiledTemplate }[];
  table: WeightedTable;
}

/**
 * Within a category, a text is drawn by the weight of its order type, shared among the
 * category's texts of that type; the category itself was drawn by its own weight.
 */
function categoryTexts(): CategoryTexts[] {
  return CATEGORY_CODES.map((code) => {
    const source = ORDER_TEXTS[code];
    if (!source || source.length === 0) throw new Error(`no order texts for category ${code}`);
    const ofType = new Map<OrderType, number>();
    for (const t of source) ofType.set(t.type, (ofType.get(t.type) ?? 0) + 1);
    return {
      code,
      texts: source.map((t) => ({
        type: t.type,
        summary: compileTemplate(t.summary),
        reply: compileTemplate(t.reply),
      })),
      table: new WeightedTable(source.map((t) => TYPE_WEIGHTS[t.type] / ofType.get(t.type)!)),
    };
  });
}

function deadlineOf(
  cache: Map<OrderType, string | null>,
  type: OrderType,
  createdAt: number,
): string | null {
  let deadline = cache.get(type);
  if (deadline === undefined) cache.set(type, (deadline = orderDeadline(type, createdAt)));
  return deadline;
}

/** An exponentially distributed draw with the given mean. */
function exponential(rng: Prng, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}

/**
 * Where an order stands at `ageDays`, and whether a reply is on it. Units take about
 * 4.5 days on average (the centre's published figure) and the order closes a few days
 * after the reply; consultations answered on the call close after a week or so.
 *
 *   consultation: answered --(days)--> closed
 *   dispatched:   created -> dispatched --(handling)--> replied --(evaluation)--> closed
 */
function settle(
  type: OrderType,
  dispatched: boolean,
  ageDays: number,
  rng: Prng,
): { state: OrderState; replied: boolean } {
  if (type === 'praise') return { state: 'closed', replied: true };
  if (!dispatched) {
    return { state: ageDays < 2 + exponential(rng, 5) ? 'answered' : 'closed', replied: true };
  }
  if (ageDays < 0.02) return { state: 'created', replied: false };
  const handling = 0.3 + exponential(rng, 4.2);
  if (ageDays < handling) return { state: 'dispatched', replied: false };
  if (ageDays < handling + 3 + exponential(rng, 4)) return { state: 'replied', replied: true };
  return { state: 'closed', replied: true };
}

/**
 * A realistic year of the hotline, generated lazily in time order: a caller population
 * with a long tail of repeat callers (CallerPopulation), days with weekly and holiday
 * shape, hours with morning and afternoon peaks, and per order the call it was taken on,
 * a text of its category, a state and reply that fit its age, and its deadline. Some
 * calls are abandoned in the queue and have no order.
 */
export class YearGenerator {
  readonly people: CallerPopulation;
  readonly days: readonly YearDay[];
  private readonly texts = categoryTexts();

  constructor(private readonly options: YearOptions) {
    if (!Number.isInteger(options.orders) || options.orders < 1) {
      throw new Error(`orders must be a positive integer, got ${options.orders}`);
    }
    this.people = CallerPopulation.draw(options.orders, options.seed);
    this.days = planDays(options.orders, options.days ?? 365, options.now, options.seed);
  }

  *batches(): Generator<YearBatch> {
    const { orders: total, seed, now } = this.options;
    const batchSize = this.options.batchSize ?? 50_000;
    const people = this.people;
    const schedule = people.orderSchedule(total, seed);
    const rng = new Prng(seed ^ 0x0ae5_0e5d);
    const slots = new OrderSlots(rng);
    let orders: ImportedOrder[] = [];
    let calls: CallRecord[] = [];
    let j = 0;
    let abandoned = 0;

    for (const day of this.days) {
      // A deadline depends on the type and the China-time date only.
      const deadlines = new Map<OrderType, string | null>();

      for (const createdAt of orderTimes(day, rng)) {
        const caller = schedule[j]!;
        const category =
          people.orders[caller]! >= 3 && rng.next() < MAIN_CONCERN_SHARE
            ? this.texts[people.mainCategory[caller]!]!
            : this.texts[CATEGORY_TABLE.draw(rng)]!;
        const text = category.texts[category.table.draw(rng)]!;
        const home = people.territory[caller]!;
        const place = rng.next() < HOME_TERRITORY_SHARE ? home : TERRITORY_TABLE.draw(rng);
        const address = people.address(caller);
        slots.reset(place, place === home ? address : null);

        const call = answeredCall(
          rng,
          `yro-${j.toString(36).padStart(5, '0')}@hub.seed`,
          caller,
          createdAt,
        );
        calls.push(call);

        const dispatched =
          text.type !== 'consultation' || rng.next() < DISPATCHED_CONSULTATION_SHARE;
        const { state, replied } = settle(text.type, dispatched, (now - createdAt) / DAY, rng);
        orders.push({
          clientOrderId: null,
          seatId: null,
          agentId: null,
          input: {
            type: text.type,
            category: category.code,
            territory: TERRITORIES[place]!.code,
            summary: fillTemplate(text.summary, slots),
            citizenName: people.name(caller),
            citizenAddress: address,
            callerNumber: call.caller,
            callId: call.callId,
          },
          state,
          createdAt,
          deadline: deadlineOf(deadlines, text.type, createdAt),
          lastReply: replied ? fillTemplate(text.reply, slots) : null,
        });

        if (rng.next() < ABANDONED_PER_ORDER) {
          const who = schedule[Math.floor(rng.next() * total)]!;
          const callId = `yra-${(abandoned++).toString(36).padStart(5, '0')}@hub.seed`;
          calls.push(abandonedInQueue(rng, callId, who, createdAt));
        }

        j++;
        if (orders.length >= batchSize) {
          yield { orders, calls };
          orders = [];
          calls = [];
        }
      }
    }
    if (orders.length > 0 || calls.length > 0) yield { orders, calls };
  }
}

/**
 * The call an order was taken on, ending shortly before the order was saved (wrap-up):
 * queued, routed after a wait that is mostly short, ringing a few seconds, talked.
 */
function answeredCall(rng: Prng, callId: string, caller: number, createdAt: number): CallRecord {
  const wrapMs = rng.int(10, 120) * SECOND;
  const endedAt = createdAt - wrapMs;
  const answeredAt = endedAt - rng.int(90, 420) * SECOND;
  const routedAt = answeredAt - rng.int(2, 8) * SECOND;
  const waitMs = Math.round((2 + rng.next() ** 2 * 58) * SECOND);
  const number = callerNumber(caller);
  return {
    callId,
    caller: presentedNumber(number, caller, rng),
    callerKey: number,
    queue: DEFAULT_QUEUE,
    queuedAt: routedAt - waitMs,
    routedAt,
    answeredAt,
    endedAt,
    agent: String(1000 + rng.int(1, AGENT_EXTENSIONS)),
    outcome: 'answered',
    waitMs,
  };
}

/** A call of caller `who` that hung up in the queue around `near` (no order). */
function abandonedInQueue(rng: Prng, callId: string, who: number, near: number): CallRecord {
  const number = callerNumber(who);
  const queuedAt = near - rng.int(0, 1800) * SECOND;
  const waitMs = rng.int(5, 120) * SECOND;
  return abandonedCall(callId, presentedNumber(number, who, rng), number, queuedAt, waitMs);
}

/**
 * The slot values of one order, shared by its summary and reply (the company named in
 * the complaint is the one the reply talks about); roads may differ within a text. One
 * instance is reset per order, so millions of orders make no closures.
 */
class OrderSlots implements SlotSource {
  private place = 0;
  private placeName = '';
  private ownAddress: string | null = null;
  private chosen: Partial<Record<SlotName, string>> = {};

  constructor(private readonly rng: Prng) {}

  reset(place: number, ownAddress: string | null): void {
    this.place = place;
    this.placeName = TERRITORIES[place]!.name;
    this.ownAddress = ownAddress;
    this.chosen = {};
  }

  value(slot: SlotName): string {
    if (slot === 'road') return this.rng.pick(ROADS);
    return (this.chosen[slot] ??= this.make(slot));
  }

  private make(slot: Exclude<SlotName, 'road'>): string {
    const rng = this.rng;
    switch (slot) {
      case 'place':
        return this.placeName;
      case 'place2': {
        const other = (this.place + 1 + rng.int(0, TERRITORIES.length - 2)) % TERRITORIES.length;
        return TERRITORIES[other]!.name;
      }
      case 'address':
        return this.ownAddress ?? `${this.placeName}${rng.pick(ROADS)}`;
      case 'company':
        return rng.pick(COMPANIES);
      case 'n':
        return String(rng.int(2, 12));
      case 'months':
        return String(rng.int(2, 5));
      case 'amount':
        return String(rng.int(8, 60) * 500);
      case 'line':
        return `L${rng.int(1, 30)}`;
    }
  }
}

/**
 * The number as the trunk presented it: some mobiles arrive with +86, many local fixed
 * lines as their 8 digits alone. normalizePhone maps every form back to `number`.
 */
function presentedNumber(number: string, caller: number, rng: Prng): string {
  if (isFixedLine(caller)) return rng.next() < 0.3 ? number.slice(4) : number;
  return rng.next() < 0.06 ? `+86${number}` : number;
}
