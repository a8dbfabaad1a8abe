import { describe, expect, it } from 'vitest';
import { detectTone, tonePower } from './tone.js';

const RATE = 48_000;

/** A sum of sines (frequency, amplitude) plus deterministic pseudo-random noise. */
function signal(tones: Array<[number, number]>, noise = 0, n = 8192): Float32Array {
  const out = new Float32Array(n);
  let seed = 12345;
  for (let i = 0; i < n; i += 1) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    let v = (seed / 2 ** 31 - 0.5) * 2 * noise;
    for (const [f, a] of tones) v += a * Math.sin((2 * Math.PI * f * i) / RATE + 0.3);
    out[i] = v;
  }
  return out;
}

describe('tone detection (Goertzel)', () => {
  it('finds a 697 Hz tone in noise and mixed with 1209 Hz, and each apart', () => {
    const caller = signal([[697, 0.3]], 0.05);
    expect(detectTone(caller, RATE, 697).present).toBe(true);
    expect(detectTone(caller, RATE, 1209).present).toBe(false);

    const mix = signal(
      [
        [697, 0.2],
        [1209, 0.2],
        [1000, 0.1],
      ],
      0.05,
    );
    expect(detectTone(mix, RATE, 697).present).toBe(true);
    expect(detectTone(mix, RATE, 1209).present).toBe(true);
  });

  it('says no for silence, for noise alone, and for a tone 15 % off', () => {
    expect(detectTone(new Float32Array(4096), RATE, 697).present).toBe(false);
    expect(detectTone(signal([], 0.2), RATE, 697).present).toBe(false);
    expect(detectTone(signal([[800, 0.3]], 0.01), RATE, 697).present).toBe(false);
  });

  it("is not fooled by a louder tone a few hertz away (the fake microphone's 1200 Hz)", () => {
    const n = 32_768;
    const beep = signal([[1200, 0.4]], 0.01, n);
    expect(detectTone(beep, RATE, 1209).present).toBe(false);
    const both = signal(
      [
        [1200, 0.4],
        [1209, 0.2],
      ],
      0.01,
      n,
    );
    expect(detectTone(both, RATE, 1209).present).toBe(true);
  });

  it('grows with the square of the amplitude and refuses a frequency above Nyquist', () => {
    const quiet = tonePower(signal([[1209, 0.1]]), RATE, 1209);
    const loud = tonePower(signal([[1209, 0.2]]), RATE, 1209);
    expect(loud / quiet).toBeCloseTo(4, 1);
    expect(() => tonePower([0, 1], 8000, 5000)).toThrow(/half the 8000 Hz/);
  });
});
