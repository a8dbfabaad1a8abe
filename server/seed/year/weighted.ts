import type { Prng } from '../prng.js';

/**
 * Draws an index in proportion to fixed weights: a cumulative table and a binary search,
 * so a draw costs O(log n) however skewed the weights are.
 */
export class WeightedTable {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(weights: readonly number[]) {
    if (weights.length === 0) throw new Error('a weighted table needs at least one weight');
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      if (!(w >= 0)) throw new Error(`weight ${i} is ${w}; weights must be >= 0`);
      sum += w;
      this.cumulative[i] = sum;
    });
    if (sum <= 0) throw new Error('weights must not all be zero');
    this.total = sum;
  }

  get size(): number {
    return this.cumulative.length;
  }

  /** The share of draws that land on `index`. */
  share(index: number): number {
    const below = index > 0 ? this.cumulative[index - 1]! : 0;
    return (this.cumulative[index]! - below) / this.total;
  }

  draw(rng: Prng): number {
    const target = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
