/**
 * A small seeded generator (mulberry32) for the fault run: the same seed gives the same
 * sequence of choices, so a failing run can be replayed with `--seed N`. Timing still
 * varies between runs (processes, the disk), so a replay follows the same plan of faults
 * and kills, not the same interleaving to the microsecond.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick: no items');
    return items[Math.floor(this.next() * items.length)]!;
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
