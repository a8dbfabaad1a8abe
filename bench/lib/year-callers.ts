import { Prng } from '../../server/seed/prng.js';
import { CallerPopulation, callerNumber } from '../../server/seed/year/callers.js';
import { WeightedTable } from '../../server/seed/year/weighted.js';

/** A caller of the generated year and how many orders the year holds for them. */
export interface YearCaller {
  number: string;
  orders: number;
}

/**
 * `count` distinct callers of the year `npm run seed -- --orders <orders> --seed <seed>`
 * wrote, drawn the way the history benchmark draws them: half uniformly over the year's
 * callers (most called once), half in proportion to their calls. Distinct, so no pop is
 * served from the seat's short-lived cache of an earlier call's lookup.
 */
export function sampleYearCallers(
  orders: number,
  seed: number,
  count: number,
  drawSeed = seed + 199,
): YearCaller[] {
  const people = CallerPopulation.draw(orders, seed);
  if (count > people.size) {
    throw new Error(`the year has ${people.size} callers; cannot draw ${count} distinct ones`);
  }
  const rng = new Prng(drawSeed);
  const byCalls = new WeightedTable(Array.from(people.orders));
  const picked = new Set<number>();
  while (picked.size < count) {
    const uniform = picked.size % 2 === 0;
    picked.add(uniform ? Math.floor(rng.next() * people.size) : byCalls.draw(rng));
  }
  return [...picked].map((i) => ({ number: callerNumber(i), orders: people.orders[i]! }));
}
