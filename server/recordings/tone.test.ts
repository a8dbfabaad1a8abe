import { describe, expect, it } from 'vitest';
import { toneCoverage, toneShare } from './tone.js';

const RATE = 8000;
const sine = (hz: number, seconds: number, amplitude = 8000): Float64Array =>
  Float64Array.from(
    { length: RATE * seconds },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / RATE),
  );

describe('Goertzel tone detection', () => {
  it('gives a pure tone nearly all of its energy and other tones almost none', () => {
    expect(toneShare(sine(440, 0.1), RATE, 440)).toBeGreaterThan(0.95);
    expect(toneShare(sine(1000, 0.1), RATE, 440)).toBeLessThan(0.01);
    expect(toneShare(new Float64Array(800), RATE, 440)).toBe(0);
  });

  it('finds the tone in a mix with another one, in proportion to its energy', () => {
    const a = sine(440, 0.1, 8000);
    const b = sine(1000, 0.1, 8000);
    const mix = a.map((v, i) => v + b[i]!);
    expect(toneShare(mix, RATE, 440)).toBeGreaterThan(0.45);
    expect(toneShare(mix, RATE, 440)).toBeLessThan(0.55);
  });

  it('counts the blocks that carry the tone, not silent or noisy ones', () => {
    // 2 s of tone, 1 s of silence, 1 s of noise.
    let seed = 1;
    const noise = Float64Array.from({ length: RATE }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31 - 0.5) * 16000;
    });
    const signal = Float64Array.from([...sine(440, 2), ...new Float64Array(RATE), ...noise]);
    expect(toneCoverage(signal, RATE, 440)).toBeCloseTo(0.5, 1);
    expect(toneCoverage(signal, RATE, 1000)).toBe(0);
  });
});
