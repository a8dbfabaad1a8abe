/**
 * Tone detection for the three-way call test: is a sine of a given frequency the loudest
 * thing in a block of audio samples? Pure functions over numbers, so the page only hands
 * over its analyser's samples and the judgement is made (and unit-tested) here.
 */

/**
 * The power of one frequency in `samples` (Goertzel's algorithm: one DFT bin, with a
 * Hann window so a tone between bins does not leak into its neighbours), normalised by the
 * block length so blocks of different sizes compare.
 */
export function tonePower(samples: ArrayLike<number>, sampleRate: number, freq: number): number {
  const n = samples.length;
  if (n === 0) return 0;
  if (!(sampleRate > 0) || !(freq > 0) || freq >= sampleRate / 2) {
    throw new Error(`tonePower: ${freq} Hz is not below half the ${sampleRate} Hz sample rate`);
  }
  const coeff = 2 * Math.cos((2 * Math.PI * freq) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i += 1) {
    const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1 || 1));
    const s0 = (samples[i] ?? 0) * hann + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return power / (n * n);
}

/** Frequencies around `freq` whose power is the background it must stand out from. */
function probesAround(freq: number): number[] {
  return [0.6, 0.72, 0.84, 1.16, 1.3, 1.45].map((k) => freq * k);
}

export interface ToneVerdict {
  present: boolean;
  /** Power at the frequency over the median power around it. */
  ratio: number;
  power: number;
}

/**
 * Whether `freq` is present: its power is at least `minRatio` times the median power of
 * six frequencies around it, it is a peak of its own (three bins to either side hold at most
 * half of it, so a louder tone a few hertz away does not count: Chromium's fake microphone
 * beeps a 400 Hz square wave, whose 1200 Hz harmonic is 9 Hz from DTMF's 1209), and it is
 * not mere silence (`minPower`).
 */
export function detectTone(
  samples: ArrayLike<number>,
  sampleRate: number,
  freq: number,
  { minRatio = 20, minPower = 1e-6 } = {},
): ToneVerdict {
  const power = tonePower(samples, sampleRate, freq);
  const around = probesAround(freq)
    .map((f) => tonePower(samples, sampleRate, f))
    .sort((a, b) => a - b);
  const median = ((around[2] ?? 0) + (around[3] ?? 0)) / 2;
  const ratio = power / Math.max(median, 1e-12);
  const bins = (3 * sampleRate) / Math.max(samples.length, 1);
  const shoulders = Math.max(
    tonePower(samples, sampleRate, freq - bins),
    tonePower(samples, sampleRate, freq + bins),
  );
  const peak = power >= 2 * shoulders;
  return { present: power >= minPower && ratio >= minRatio && peak, ratio, power };
}
