import { TERRITORIES, type Territory } from '../../shared/domain/territories.js';
import { DEFAULT_QUEUE } from '../../shared/acd-protocol.js';
import type { OrderState } from '../../shared/order.js';
import { chinaDate } from '../orders/china-time.js';
import { orderDeadline } from '../orders/deadline.js';
import type { CallRecord, ImportedOrder } from '../store/repository.js';
import { SEED_AGENTS } from './agents.js';
import { COMPANIES, ORDER_TEXTS, ROADS, SURNAMES, type OrderText } from './order-texts.js';
import { Prng } from './prng.js';

/**
 * Past orders and calls for the demo and the tests: a few hundred orders over a few dozen
 * caller numbers, made by a seeded PRNG relative to an anchor time, so counts, numbers,
 * categories and their order are the same on every run.
 */
const DAY = 24 * 60 * 60 * 1000;
const SECOND = 1000;
const PRNG_SEED = 12345;
const RANDOM_MOBILES = 28;
const RANDOM_FIXED_LINES = 7;
const RANDOM_ORDERS = 290;
const ABANDONED_CALLS = 40;

interface PinnedOrder {
  daysAgo: number;
  category: string;
  text: number;
}

interface PinnedCaller {
  number: string;
  territory: string;
  surname: string;
  title: '先生' | '女士';
  orders: readonly PinnedOrder[];
}

/** Callers whose history the tests and the demo script rely on, newest order first. */
export const PINNED_CALLERS: readonly PinnedCaller[] = [
  {
    number: '13800138000',
    territory: 'NC',
    surname: '陈',
    title: '先生',
    orders: [
      { daysAgo: 3, category: 'social-insurance', text: 0 },
      { daysAgo: 21, category: 'housing-fund', text: 0 },
      { daysAgo: 46, category: 'noise', text: 1 },
      { daysAgo: 88, category: 'social-insurance', text: 3 },
      { daysAgo: 151, category: 'road-repair', text: 0 },
      { daysAgo: 236, category: 'traffic', text: 0 },
    ],
  },
  {
    number: '076922345678',
    territory: 'DC',
    surname: '梁',
    title: '女士',
    orders: [
      { daysAgo: 2, category: 'noise', text: 0 },
      { daysAgo: 30, category: 'road-repair', text: 1 },
      { daysAgo: 70, category: 'utilities', text: 0 },
      { daysAgo: 200, category: 'environment', text: 0 },
    ],
  },
];

export interface SeedHistory {
  orders: ImportedOrder[];
  calls: CallRecord[];
  /** Every caller number with its order count, for the report and the tests. */
  callers: { number: string; orders: number }[];
}

interface Caller {
  number: string;
  territory: Territory;
  name: string;
  address: string;
}

function territory(code: string): Territory {
  const t = TERRITORIES.find((x) => x.code === code);
  if (!t) throw new Error(`unknown territory ${code}`);
  return t;
}

/** The instant of China-time midnight of the day `ms` falls in. */
function chinaMidnight(ms: number): number {
  return Date.parse(`${chinaDate(ms)}T00:00:00Z`) - 8 * 60 * 60 * 1000;
}

function stateFor(text: OrderText, ageDays: number): { state: OrderState; replied: boolean } {
  if (text.type === 'consultation') {
    return { state: ageDays <= 30 ? 'answered' : 'closed', replied: true };
  }
  if (text.type === 'praise') return { state: 'closed', replied: true };
  if (ageDays <= 2) return { state: 'dispatched', replied: false };
  if (ageDays <= 10) return { state: 'replied', replied: true };
  return { state: 'closed', replied: true };
}

export function generateHistory(now: number): SeedHistory {
  const rng = new Prng(PRNG_SEED);
  const today = chinaMidnight(now);
  const orders: ImportedOrder[] = [];
  const calls: CallRecord[] = [];
  const counts = new Map<string, number>();
  let callSeq = 0;

  const fill = (template: string, caller: Caller, place: Territory): string => {
    const other = rng.pick(TERRITORIES.filter((t) => t.code !== place.code));
    const slots: Record<string, () => string> = {
      place: () => place.name,
      place2: () => other.name,
      road: () => rng.pick(ROADS),
      address: () =>
        place.code === caller.territory.code ? caller.address : `${place.name}${rng.pick(ROADS)}`,
      company: () => rng.pick(COMPANIES),
      n: () => String(rng.int(2, 12)),
      months: () => String(rng.int(2, 5)),
      amount: () => String(rng.int(8, 60) * 500),
      line: () => `L${rng.int(1, 30)}`,
    };
    // One value per slot name within an order, except roads, which may differ.
    const fixed = new Map<string, string>();
    return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const make = slots[name];
      if (!make) throw new Error(`unknown slot {${name}}`);
      if (name === 'road') return make();
      let value = fixed.get(name);
      if (value === undefined) fixed.set(name, (value = make()));
      return value;
    });
  };

  const addOrder = (caller: Caller, at: number, category: string, text: OrderText): void => {
    const agent = rng.pick(SEED_AGENTS.filter((a) => a.role === 'agent'));
    const place = rng.next() < 0.8 ? caller.territory : rng.pick(TERRITORIES);
    const waitMs = Math.round((2 + rng.next() ** 2 * 58) * SECOND);
    const queuedAt = at;
    const routedAt = queuedAt + waitMs;
    const answeredAt = routedAt + rng.int(2, 8) * SECOND;
    const endedAt = answeredAt + rng.int(90, 420) * SECOND;
    const callId = `seed-${String(++callSeq).padStart(4, '0')}@hub.seed`;
    calls.push({
      callId,
      caller: caller.number,
      callerKey: caller.number,
      queue: DEFAULT_QUEUE,
      queuedAt,
      routedAt,
      answeredAt,
      endedAt,
      agent: agent.extension,
      outcome: 'answered',
      waitMs,
    });
    const createdAt = endedAt + rng.int(10, 120) * SECOND;
    const ageDays = Math.floor((now - createdAt) / DAY);
    const { state, replied } = stateFor(text, ageDays);
    // Past orders belong to no seat and no pushing agent: a seat's pull must not return
    // them as if it had made them.
    orders.push({
      clientOrderId: null,
      seatId: null,
      agentId: null,
      input: {
        type: text.type,
        category,
        territory: place.code,
        summary: fill(text.summary, caller, place),
        citizenName: caller.name,
        citizenAddress: caller.address,
        callerNumber: caller.number,
        callId,
      },
      state,
      createdAt,
      deadline: orderDeadline(text.type, createdAt),
      lastReply: replied ? fill(text.reply, caller, place) : null,
    });
    counts.set(caller.number, (counts.get(caller.number) ?? 0) + 1);
  };

  const dayTime = (daysAgo: number): number =>
    today - daysAgo * DAY + (8 + rng.int(0, 12)) * 60 * 60 * SECOND + rng.int(0, 59) * 60 * SECOND;

  const pinned = PINNED_CALLERS.map((p) => {
    const t = territory(p.territory);
    const caller: Caller = {
      number: p.number,
      territory: t,
      name: `${p.surname}${p.title}`,
      address: `${t.name}${rng.pick(ROADS)}${rng.int(1, 300)}号`,
    };
    for (const o of p.orders) {
      const text = ORDER_TEXTS[o.category]?.[o.text];
      if (!text) throw new Error(`no text ${o.text} for ${o.category}`);
      addOrder(caller, dayTime(o.daysAgo), o.category, text);
    }
    return caller;
  });

  const taken = new Set(pinned.map((c) => c.number));
  const randomCallers: Caller[] = [];
  const prefixes = ['135', '136', '137', '139', '150', '158', '159', '186', '188', '189', '177'];
  while (randomCallers.length < RANDOM_MOBILES + RANDOM_FIXED_LINES) {
    const mobile = randomCallers.length < RANDOM_MOBILES;
    const number = mobile ? rng.pick(prefixes) + rng.digits(8) : `07692${rng.digits(7)}`;
    if (taken.has(number)) continue;
    taken.add(number);
    const t = rng.pick(TERRITORIES);
    randomCallers.push({
      number,
      territory: t,
      name: `${rng.pick(SURNAMES)}${rng.next() < 0.5 ? '先生' : '女士'}`,
      address: `${t.name}${rng.pick(ROADS)}${rng.int(1, 300)}号`,
    });
  }

  // Every random caller has at least one order; the rest go to a few frequent callers.
  const weights = randomCallers.map((_c, i) => 1 / (i + 1) ** 0.8);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const categories = Object.keys(ORDER_TEXTS);
  for (let i = 0; i < RANDOM_ORDERS; i++) {
    let caller = randomCallers[i];
    if (!caller) {
      let r = rng.next() * totalWeight;
      let k = 0;
      while (k < weights.length - 1 && (r -= weights[k] ?? 0) > 0) k++;
      caller = randomCallers[k] ?? randomCallers[0]!;
    }
    const category = rng.pick(categories);
    const text = rng.pick(ORDER_TEXTS[category] ?? []);
    addOrder(caller, dayTime(rng.int(1, 300)), category, text);
  }

  const everyone = [...pinned, ...randomCallers];
  for (let i = 0; i < ABANDONED_CALLS; i++) {
    const caller = i === 0 ? pinned[0]! : rng.pick(everyone);
    const queuedAt = dayTime(i === 0 ? 10 : rng.int(1, 300));
    const waitMs = rng.int(5, 120) * SECOND;
    const callId = `seed-${String(++callSeq).padStart(4, '0')}@hub.seed`;
    calls.push(abandonedCall(callId, caller.number, caller.number, queuedAt, waitMs));
  }

  return {
    orders,
    calls,
    callers: everyone.map((c) => ({ number: c.number, orders: counts.get(c.number) ?? 0 })),
  };
}

/** A call that hung up in the queue after `waitMs`, never routed: the seeds' abandons. */
export function abandonedCall(
  callId: string,
  caller: string,
  callerKey: string,
  queuedAt: number,
  waitMs: number,
): CallRecord {
  return {
    callId,
    caller,
    callerKey,
    queue: DEFAULT_QUEUE,
    queuedAt,
    routedAt: null,
    answeredAt: null,
    endedAt: queuedAt + waitMs,
    agent: null,
    outcome: 'abandoned',
    waitMs,
  };
}
