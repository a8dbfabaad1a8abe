/**
 * Tone detection with the Goertzel algorithm (one DFT bin, computed recursively): how the
 * tests tell that a caller's 440 Hz tone is in a recording.
 */

/**
 * The share of a block's energy at `frequency` (0..1): the Goertzel power of that bin
 * against the block's total energy (Parseval), so a pure tone near the bin gives about 1
 * and silence or other tones about 0.
 */
export function toneShare(
  samples: ArrayLike<number>,
  sampleRate: number,
  frequency: number,
  start = 0,
  length = samples.length - start,
): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = start; i < start + length; i++) {
    const x = samples[i]!;
    energy += x * x;
    const s0 = x + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  if (energy === 0 || length === 0) return 0;
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return Math.min(1, (2 * power) / (length * energy));
}

/**
 * The fraction of `blockMs` blocks (0..1) in which `frequency` carries at least
 * `minShare` of the energy and the block is not silent (RMS above `minRms`).
 */
export function toneCoverage(
  samples: ArrayLike<number>,
  sampleRate: number,
  frequency: number,
  opts: { blockMs?: number; minShare?: number; minRms?: number } = {},
): number {
  const block = Math.round((sampleRate * (opts.blockMs ?? 100)) / 1000);
  const minShare = opts.minShare ?? 0.5;
  const minRms = opts.minRms ?? 100;
  const blocks = Math.floor(samples.length / block);
  if (blocks === 0) return 0;
  let hits = 0;
  for (let b = 0; b < blocks; b++) {
    let energy = 0;
    for (let i = b * block; i < (b + 1) * block; i++) energy += samples[i]! * samples[i]!;
    if (Math.sqrt(energy / block) < minRms) continue;
    if (toneShare(samples, sampleRate, frequency, b * block, block) >= minShare) hits++;
  }
  return hits / blocks;
}
