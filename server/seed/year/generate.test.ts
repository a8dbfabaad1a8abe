import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CATEGORY_CODES } from '../../../shared/domain/categories.js';
import { normalizePhone } from '../../../shared/domain/phone.js';
import { TERRITORIES } from '../../../shared/domain/territories.js';
import { OrderInputSchema } from '../../../shared/order.js';
import type { CallRecord, ImportedOrder } from '../../store/repository.js';
import { callerNumber, TERRITORY_TABLE } from './callers.js';
import { YearGenerator, type YearOptions } from './generate.js';
import { chinaMidnight } from './timeline.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-12-01T04:00:00Z');
const OPTIONS: YearOptions = { orders: 30_000, seed: 7, now: NOW, batchSize: 4_000 };

function generate(options: YearOptions): { orders: ImportedOrder[]; calls: CallRecord[] } {
  const orders: ImportedOrder[] = [];
  const calls: CallRecord[] = [];
  for (const batch of new YearGenerator(options).batches()) {
    expect(batch.orders.length).toBeLessThanOrEqual(options.batchSize ?? Infinity);
    orders.push(...batch.orders);
    calls.push(...batch.calls);
  }
  return { orders, calls };
}

function digest(options: YearOptions): string {
  const hash = createHash('sha256');
  for (const batch of new YearGenerator(options).batches()) hash.update(JSON.stringify(batch));
  return hash.digest('hex');
}

/** Hour of the China-time day. */
const chinaHour = (ms: number): number => new Date(ms + 8 * 3600_000).getUTCHours();

describe('YearGenerator', () => {
  const year = generate(OPTIONS);
  const generator = new YearGenerator(OPTIONS);
  const people = generator.people;

  it('is the same year for the same seed, another for another seed', () => {
    const small = { ...OPTIONS, orders: 3_000 };
    expect(digest(small)).toBe(digest(small));
    expect(digest({ ...small, seed: 8 })).not.toBe(digest(small));
  });

  it('makes exactly the orders asked for, in time order, over the year before now', () => {
    expect(year.orders).toHaveLength(OPTIONS.orders);
    const end = chinaMidnight(NOW);
    const first = year.orders[0]!.createdAt;
    const last = year.orders.at(-1)!.createdAt;
    expect(first).toBeGreaterThanOrEqual(end - 365 * DAY);
    expect(first).toBeLessThan(end - 364 * DAY);
    expect(last).toBeLessThan(end);
    expect(last).toBeGreaterThan(end - DAY);
    for (let i = 1; i < year.orders.length; i++) {
      expect(year.orders[i]!.createdAt).toBeGreaterThanOrEqual(year.orders[i - 1]!.createdAt);
    }
  });

  it('takes every order on an answered call of the same number, plus some abandoned calls', () => {
    const byId = new Map(year.calls.map((c) => [c.callId, c]));
    expect(byId.size).toBe(year.calls.length);
    for (const order of year.orders) {
      const call = byId.get(order.input.callId!);
      expect(call?.outcome).toBe('answered');
      expect(normalizePhone(order.input.callerNumber)).toBe(call!.callerKey);
      expect(normalizePhone(call!.caller)).toBe(call!.callerKey);
      expect(call!.endedAt!).toBeLessThan(order.createdAt);
      expect(call!.queuedAt + call!.waitMs!).toBe(call!.routedAt);
    }
    const abandoned = year.calls.filter((c) => c.outcome === 'abandoned');
    expect(abandoned.length / year.orders.length).toBeGreaterThan(0.05);
    expect(abandoned.length / year.orders.length).toBeLessThan(0.09);
    expect(abandoned.every((c) => c.routedAt === null && c.agent === null)).toBe(true);
    expect(year.calls.length).toBe(year.orders.length + abandoned.length);
  });

  it('presents some numbers with +86 or as 8 local digits, all mapping to one key', () => {
    const raw = year.orders.map((o) => o.input.callerNumber);
    expect(raw.some((n) => n.startsWith('+86'))).toBe(true);
    expect(raw.some((n) => /^2\d{7}$/.test(n))).toBe(true);
    expect(raw.some((n) => /^07692\d{7}$/.test(n))).toBe(true);
  });

  it('gives every caller a number of its own', () => {
    const numbers = new Set<string>();
    for (let i = 0; i < 200_000; i++) numbers.add(callerNumber(i));
    expect(numbers.size).toBe(200_000);
    expect([...numbers].every((n) => normalizePhone(n) === n)).toBe(true);
  });

  it('has a long tail of callers: most call once, a few dozens of times', () => {
    const perNumber = new Map<string, number>();
    for (const o of year.orders) {
      const key = normalizePhone(o.input.callerNumber)!;
      perNumber.set(key, (perNumber.get(key) ?? 0) + 1);
    }
    expect(perNumber.size).toBe(people.size);
    const counts = [...perNumber.values()];
    const once = counts.filter((k) => k === 1).length / counts.length;
    expect(once).toBeGreaterThan(0.65);
    expect(once).toBeLessThan(0.85);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(36);
    expect(counts.filter((k) => k >= 10).length).toBeGreaterThan(50);
  });

  it('places callers by population and orders mostly in the caller territory', () => {
    const homes = new Array<number>(TERRITORIES.length).fill(0);
    for (let i = 0; i < people.size; i++) homes[people.territory[i]!]! += 1;
    TERRITORIES.forEach((_t, i) => {
      const expected = TERRITORY_TABLE.share(i) * people.size;
      expect(Math.abs(homes[i]! - expected) / expected).toBeLessThan(0.3);
    });
    const share = (code: string): number =>
      year.orders.filter((o) => o.input.territory === code).length / year.orders.length;
    expect(new Set(year.orders.map((o) => o.input.territory)).size).toBe(TERRITORIES.length);
    expect(share('HM')).toBeGreaterThan(4 * share('HoM'));
    expect(share('CA')).toBeGreaterThan(3 * share('WND'));
  });

  it('has morning and afternoon peaks and quiet nights', () => {
    const perHour = new Array<number>(24).fill(0);
    for (const o of year.orders) perHour[chinaHour(o.createdAt)]! += 1;
    const night = perHour[2]! + perHour[3]! + perHour[4]!;
    expect(perHour[10]! + perHour[11]! + perHour[9]!).toBeGreaterThan(10 * night);
    expect(perHour[15]!).toBeGreaterThan(1.4 * perHour[12]!);
    expect(perHour[10]!).toBeGreaterThan(1.4 * perHour[12]!);
  });

  it('is busier on working days than at weekends', () => {
    const weekday = generator.days.filter(
      (d) => new Date(d.start + 8 * 3600_000).getUTCDay() === 1,
    );
    const sunday = generator.days.filter((d) => new Date(d.start + 8 * 3600_000).getUTCDay() === 0);
    const mean = (days: typeof weekday): number =>
      days.reduce((a, d) => a + d.orders, 0) / days.length;
    expect(mean(weekday)).toBeGreaterThan(1.3 * mean(sunday));
    expect(generator.days.reduce((a, d) => a + d.orders, 0)).toBe(OPTIONS.orders);
  });

  it('spreads the categories, consultations most common, every input valid', () => {
    expect(new Set(year.orders.map((o) => o.input.category))).toEqual(new Set(CATEGORY_CODES));
    const types = new Map<string, number>();
    for (const o of year.orders) types.set(o.input.type, (types.get(o.input.type) ?? 0) + 1);
    const ranked = [...types].sort((a, b) => b[1] - a[1]).map(([t]) => t);
    expect(ranked[0]).toBe('consultation');
    expect(types.size).toBe(6);
    year.orders.forEach((o, i) => {
      if (i % 25 !== 0) return;
      expect(OrderInputSchema.safeParse(o.input).success).toBe(true);
      expect(o.input.summary).not.toMatch(/[{}]/);
      expect(o.lastReply ?? '').not.toMatch(/[{}]/);
    });
  });

  it('gives states and replies that fit the age of each order', () => {
    const end = chinaMidnight(NOW);
    const old = year.orders.filter((o) => end - o.createdAt > 120 * DAY);
    const closedOld = old.filter((o) => o.state === 'closed').length / old.length;
    expect(closedOld).toBeGreaterThan(0.99);
    for (const o of year.orders) {
      const open = o.state === 'created' || o.state === 'dispatched';
      expect(o.lastReply === null).toBe(open);
      if (open || o.state === 'answered') {
        expect(NOW - o.createdAt).toBeLessThan(90 * DAY);
      }
      if (o.state === 'answered') expect(o.input.type).toBe('consultation');
    }
    const lastDays = year.orders.filter(
      (o) => end - o.createdAt < 2 * DAY && o.input.type === 'complaint',
    );
    const stillOpen = lastDays.filter((o) => o.state === 'dispatched' || o.state === 'created');
    expect(stillOpen.length / lastDays.length).toBeGreaterThan(0.5);
  });

  it('sets deadlines by working days: none for praise, a few days for a complaint', () => {
    for (const o of year.orders) {
      if (o.input.type === 'praise') {
        expect(o.deadline).toBeNull();
        continue;
      }
      // 2026-12-01: the official calendar (chinese-days) ends in 2026, so a deadline in
      // 2027 is not known; every order of this year is earlier than that.
      expect(o.deadline).not.toBeNull();
      const days = (Date.parse(o.deadline!) - o.createdAt) / DAY;
      const most = o.input.type === 'consultation' || o.input.type === 'suggestion' ? 13 : 17;
      expect(days).toBeGreaterThan(o.input.type === 'complaint' ? 5 : 1);
      expect(days).toBeLessThan(most);
    }
  });
});
