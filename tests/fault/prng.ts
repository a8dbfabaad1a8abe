import { Prng as SeedPrng } from '../../server/seed/prng.js';

/**
 * The seed's generator (mulberry32, server/seed/prng.ts) with what the fault run needs on
 * top. The same seed gives the same sequence of choices, so a failing run can be replayed
 * with `--seed N`. Timing still
 * varies between runs (processes, the disk), so a replay follows the same plan of faults
 * and kills, not the same interleaving to the microsecond.
 */
export class Prng extends SeedPrng {
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One of the keys, with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let x = this.next() * total;
    for (const [key, w] of entries) {
      x -= w;
      if (x < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }

  /** A new generator, seeded from this one's current state and `salt`. */
  fork(salt: number): Prng {
    return new Prng(Math.imul(this.state ^ 0x9e3779b9, 0x85ebca6b) ^ salt);
  }
}

/** A seed for a run nobody asked to replay. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
