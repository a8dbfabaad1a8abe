import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLogSink } from '../lib/log';
import { Ringer, RING_TONES } from './ringer';

/** Records the oscillators and the peak gains a burst schedules. */
function fakeContext() {
  const freqs: number[] = [];
  const peaks: number[] = [];
  const sinks: string[] = [];
  const context = {
    state: 'running',
    currentTime: 0,
    destination: {},
    resume: () => Promise.resolve(),
    setSinkId: (id: string) => {
      sinks.push(id);
      return Promise.resolve();
    },
    createOscillator: () => {
      const oscillator = {
        frequency: { value: 0 },
        connect: (gain: unknown) => gain,
        start: () => freqs.push(oscillator.frequency.value),
        stop: () => undefined,
      };
      return oscillator;
    },
    createGain: () => ({
      gain: {
        setValueAtTime: () => undefined,
        linearRampToValueAtTime: (value: number) => {
          if (value > 0) peaks.push(value);
        },
      },
      connect: (next: unknown) => next,
    }),
  };
  return { context: context as unknown as AudioContext, freqs, peaks, sinks };
}

afterEach(() => {
  vi.useRealTimers();
  setLogSink(null);
});

describe('Ringer', () => {
  it('plays the chosen tone at the chosen volume on the chosen device, and repeats', () => {
    vi.useFakeTimers();
    const fake = fakeContext();
    const ringer = new Ringer(() => fake.context);
    ringer.configure({ tone: 'soft', volume: 0.5, deviceId: 'ring-1' });
    ringer.start();
    expect(fake.freqs).toEqual(RING_TONES.soft.steps.map((step) => step.freq));
    expect(fake.sinks).toEqual(['ring-1']);
    const loud = Math.max(...fake.peaks);

    ringer.configure({ tone: 'soft', volume: 1, deviceId: 'ring-1' });
    vi.advanceTimersByTime(RING_TONES.soft.everyMs);
    expect(fake.freqs).toHaveLength(2 * RING_TONES.soft.steps.length);
    expect(Math.max(...fake.peaks)).toBeCloseTo(loud * 2);

    ringer.stop();
    vi.advanceTimersByTime(10_000);
    expect(fake.freqs).toHaveLength(2 * RING_TONES.soft.steps.length);
  });

  it('is silent at volume 0 and when no AudioContext can be made', () => {
    const fake = fakeContext();
    const quiet = new Ringer(() => fake.context);
    quiet.configure({ tone: 'beep', volume: 0, deviceId: null });
    quiet.start();
    expect(fake.freqs).toEqual([]);
    quiet.stop();

    setLogSink(() => undefined);
    const broken = new Ringer(() => {
      throw new Error('AudioContext is not defined');
    });
    expect(() => broken.start()).not.toThrow();
    expect(broken.ringing).toBe(false);
  });
});
