import { TERRITORIES } from '../../../shared/domain/territories.js';
import { CATEGORY_CODES } from '../../../shared/domain/categories.js';
import { ROADS, SURNAMES } from '../order-texts.js';
import { Prng } from '../prng.js';
import {
  CALLER_COUNT_EXPONENT,
  CALLER_MAX_ORDERS,
  CATEGORY_WEIGHTS,
  FIXED_LINE_SHARE,
  TERRITORY_POPULATION,
} from './weights.js';
import { WeightedTable } from './weighted.js';

const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '147', '150', '151',
  '152', '153', '155', '156', '157', '158', '159', '166', '173', '175', '176', '177', '178',
  '180', '181', '182', '183', '185', '186', '187', '188', '189', '191', '198', '199',
]; // prettier-ignore

/**
 * Numbers come from a caller's index by a bijection, so that no two callers share one and
 * none needs storing: every 20 indices hold 3 fixed lines and 17 mobiles, and the digits
 * are the index within its kind times a constant coprime to the power of ten, plus an
 * offset, modulo that power (a permutation of all tails).
 */
const BLOCK = 20;
const FIXED_PER_BLOCK = Math.round(BLOCK * FIXED_LINE_SHARE);
const MOBILE_PER_BLOCK = BLOCK - FIXED_PER_BLOCK;
const MOBILE_TAIL = 1e8;
const MOBILE_STEP = 73_939_133;
const FIXED_TAIL = 1e7;
const FIXED_STEP = 7_919;

/** The normalised number of caller `index` (what normalizePhone gives back). */
export function callerNumber(index: number): string {
  const block = Math.floor(index / BLOCK);
  const slot = index % BLOCK;
  if (slot < FIXED_PER_BLOCK) {
    const seq = block * FIXED_PER_BLOCK + slot;
    if (seq >= FIXED_TAIL) throw new Error(`caller ${index}: out of fixed-line numbers`);
    const tail = (seq * FIXED_STEP + 4_260_000) % FIXED_TAIL;
    return '07692' + String(tail).padStart(7, '0');
  }
  const seq = block * MOBILE_PER_BLOCK + slot - FIXED_PER_BLOCK;
  const prefix = MOBILE_PREFIXES[seq % MOBILE_PREFIXES.length]!;
  const round = Math.floor(seq / MOBILE_PREFIXES.length);
  if (round >= MOBILE_TAIL) throw new Error(`caller ${index}: out of mobile numbers`);
  const tail = (round * MOBILE_STEP + 31_415_926) % MOBILE_TAIL;
  return prefix + String(tail).padStart(8, '0');
}

/** True when caller `index` is on a fixed line. */
export function isFixedLine(index: number): boolean {
  return index % BLOCK < FIXED_PER_BLOCK;
}

/** The orders-per-caller law: weight of k orders for k = 1..max. */
export function callerCountTable(
  exponent = CALLER_COUNT_EXPONENT,
  max = CALLER_MAX_ORDERS,
): WeightedTable {
  return new WeightedTable(Array.from({ length: max }, (_v, i) => (i + 1) ** -exponent));
}

export const TERRITORY_TABLE = new WeightedTable(
  TERRITORIES.map((t) => {
    const people = TERRITORY_POPULATION[t.code];
    if (people === undefined) throw new Error(`no population for territory ${t.code}`);
    return people;
  }),
);

export const CATEGORY_TABLE = new WeightedTable(
  CATEGORY_CODES.map((code) => {
    const weight = CATEGORY_WEIGHTS[code];
    if (weight === undefined) throw new Error(`no weight for category ${code}`);
    return weight;
  }),
);

/**
 * Everyone who called in the year, as parallel typed arrays (a few million callers would
 * not fit as objects): how many orders each made, where they live, what their usual
 * matter is, and the parts of their name and address.
 */
export class CallerPopulation {
  readonly size: number;
  readonly orders: Uint16Array;
  readonly territory: Uint8Array;
  readonly mainCategory: Uint8Array;
  readonly surname: Uint8Array;
  /** 0 先生, 1 女士. */
  readonly title: Uint8Array;
  readonly road: Uint8Array;
  readonly house: Uint16Array;

  private constructor(size: number) {
    this.size = size;
    this.orders = new Uint16Array(size);
    this.territory = new Uint8Array(size);
    this.mainCategory = new Uint8Array(size);
    this.surname = new Uint8Array(size);
    this.title = new Uint8Array(size);
    this.road = new Uint8Array(size);
    this.house = new Uint16Array(size);
  }

  /**
   * Draws callers until their orders add up to `totalOrders` (the last one gets what is
   * left). Depends only on the two arguments, so a benchmark can rebuild the population
   * of a generated file to sample its numbers.
   */
  static draw(totalOrders: number, seed: number): CallerPopulation {
    const rng = new Prng(seed ^ 0x5eed_ca11);
    const law = callerCountTable();
    const counts: number[] = [];
    let left = totalOrders;
    while (left > 0) {
      const k = Math.min(law.draw(rng) + 1, left);
      counts.push(k);
      left -= k;
    }
    const people = new CallerPopulation(counts.length);
    counts.forEach((k, i) => {
      people.orders[i] = k;
      people.territory[i] = TERRITORY_TABLE.draw(rng);
      people.mainCategory[i] = CATEGORY_TABLE.draw(rng);
      people.surname[i] = Math.floor(rng.next() * SURNAMES.length);
      people.title[i] = rng.next() < 0.5 ? 0 : 1;
      people.road[i] = Math.floor(rng.next() * ROADS.length);
      people.house[i] = rng.int(1, 399);
    });
    return people;
  }

  name(index: number): string {
    return SURNAMES[this.surname[index]!]! + (this.title[index] === 0 ? '先生' : '女士');
  }

  address(index: number): string {
    const t = TERRITORIES[this.territory[index]!]!;
    return `${t.name}${ROADS[this.road[index]!]}${this.house[index]}号`;
  }

  /**
   * One entry per order, caller `i` appearing orders[i] times, shuffled (Fisher-Yates):
   * entry j is the caller of the year's j-th order, so everyone's orders are spread over
   * the year.
   */
  orderSchedule(totalOrders: number, seed: number): Int32Array {
    const schedule = new Int32Array(totalOrders);
    let j = 0;
    for (let i = 0; i < this.size; i++) {
      schedule.fill(i, j, j + this.orders[i]!);
      j += this.orders[i]!;
    }
    if (j !== totalOrders) throw new Error(`the callers hold ${j} orders, not ${totalOrders}`);
    const rng = new Prng(seed ^ 0x0dde_75ed);
    for (let i = totalOrders - 1; i > 0; i--) {
      const k = Math.floor(rng.next() * (i + 1));
      const swap = schedule[i]!;
      schedule[i] = schedule[k]!;
      schedule[k] = swap;
    }
    return schedule;
  }
}
