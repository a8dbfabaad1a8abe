import { createLogger, describeError } from '../lib/log';
import type { RingTone } from './phone-types';

const log = createLogger('seat.sip.ringer');

/** One tone of a burst: frequency in Hz, start and length in seconds from the burst. */
export interface ToneStep {
  freq: number;
  at: number;
  length: number;
}

/** Each ring tone: a burst of oscillator tones, repeated every `everyMs`. */
export const RING_TONES: Readonly<Record<RingTone, { steps: ToneStep[]; everyMs: number }>> = {
  classic: {
    steps: [
      { freq: 880, at: 0, length: 0.18 },
      { freq: 660, at: 0.24, length: 0.18 },
    ],
    everyMs: 2500,
  },
  soft: {
    steps: [
      { freq: 523, at: 0, length: 0.35 },
      { freq: 659, at: 0.4, length: 0.35 },
      { freq: 784, at: 0.8, length: 0.5 },
    ],
    everyMs: 3000,
  },
  beep: {
    steps: [
      { freq: 1000, at: 0, length: 0.1 },
      { freq: 1000, at: 0.2, length: 0.1 },
    ],
    everyMs: 1500,
  },
};

/** The peak gain of a tone at full volume: loud enough over a headset, never clipping. */
const FULL_GAIN = 0.25;

export interface RingerSettings {
  tone: RingTone;
  /** 0..1 */
  volume: number;
  /** Output device for the ring (AudioContext.setSinkId); null: the default output. */
  deviceId: string | null;
}

type SinkContext = AudioContext & { setSinkId?: (id: string) => Promise<void> };

/**
 * The alert an agent hears while a call rings, made with WebAudio oscillators so no
 * sound file has to ship; tone, volume and output device follow the seat's prefs. Where
 * audio output is not allowed yet (autoplay policy before the first click) it stays
 * silent: the ringing pop is the primary signal.
 */
export class Ringer {
  private context: SinkContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private settings: RingerSettings = { tone: 'classic', volume: 0.6, deviceId: null };
  private sinkApplied: string | null = null;

  constructor(private readonly makeContext: () => AudioContext = () => new AudioContext()) {}

  get ringing(): boolean {
    return this.timer !== null;
  }

  configure(settings: RingerSettings): void {
    const restart = this.ringing && settings.tone !== this.settings.tone;
    this.settings = { ...settings, volume: Math.min(1, Math.max(0, settings.volume)) };
    this.applySink();
    if (restart) {
      this.stop();
      this.start();
    }
  }

  start(): void {
    if (this.timer) return;
    try {
      this.context ??= this.makeContext();
      this.applySink();
      void this.context.resume().catch(() => undefined);
      this.burst();
      this.timer = setInterval(() => this.burst(), RING_TONES[this.settings.tone].everyMs);
    } catch (error) {
      log.warn(`No ring tone: ${describeError(error)}.`);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Plays one burst with `settings` (the device settings' test button), on the device they
   * name, without changing what a ringing call uses. Resolves once the burst is scheduled.
   */
  async playOnce(settings: RingerSettings): Promise<void> {
    this.context ??= this.makeContext();
    const context = this.context;
    const id = settings.deviceId ?? '';
    if (context.setSinkId && this.sinkApplied !== id) {
      this.sinkApplied = id;
      await context.setSinkId(id).catch((error: unknown) => {
        log.warn(`Ring device ${id || 'default'} not usable: ${describeError(error)}.`);
      });
    }
    await context.resume().catch(() => undefined);
    this.burst({ ...settings, volume: Math.min(1, Math.max(0, settings.volume)) });
    // The next ring goes to the configured device again.
    this.applySink();
  }

  private applySink(): void {
    const context = this.context;
    const id = this.settings.deviceId ?? '';
    if (!context?.setSinkId || this.sinkApplied === id) return;
    this.sinkApplied = id;
    context.setSinkId(id).catch((error: unknown) => {
      log.warn(`Ring device ${id || 'default'} not usable: ${describeError(error)}.`);
    });
  }

  private burst(settings: RingerSettings = this.settings): void {
    const context = this.context;
    if (!context || context.state !== 'running' || settings.volume === 0) return;
    const start = context.currentTime;
    const peak = FULL_GAIN * settings.volume;
    for (const tone of RING_TONES[settings.tone].steps) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = tone.freq;
      gain.gain.setValueAtTime(0, start + tone.at);
      gain.gain.linearRampToValueAtTime(peak, start + tone.at + 0.02);
      gain.gain.linearRampToValueAtTime(0, start + tone.at + tone.length);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + tone.at);
      oscillator.stop(start + tone.at + tone.length + 0.02);
    }
  }
}
