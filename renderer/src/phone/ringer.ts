import { createLogger, describeError } from '../lib/log';

const log = createLogger('seat.sip.ringer');

/** One burst of the alert: two short tones (Hz, seconds from the burst's start). */
const BURST: ReadonlyArray<{ freq: number; at: number; length: number }> = [
  { freq: 880, at: 0, length: 0.18 },
  { freq: 660, at: 0.24, length: 0.18 },
];
const BURST_EVERY_MS = 2500;

/**
 * The alert an agent hears while a call rings, made with WebAudio so no sound file has to
 * ship. Where audio output is not allowed yet (autoplay policy before the first click) it
 * stays silent: the ringing pop is the primary signal.
 */
export class Ringer {
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  start(): void {
    if (this.timer) return;
    try {
      this.context ??= new AudioContext();
      void this.context.resume().catch(() => undefined);
      this.burst();
      this.timer = setInterval(() => this.burst(), BURST_EVERY_MS);
    } catch (error) {
      log.warn(`No ring tone: ${describeError(error)}.`);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private burst(): void {
    const context = this.context;
    if (!context || context.state !== 'running') return;
    const start = context.currentTime;
    for (const tone of BURST) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = tone.freq;
      gain.gain.setValueAtTime(0, start + tone.at);
      gain.gain.linearRampToValueAtTime(0.12, start + tone.at + 0.02);
      gain.gain.linearRampToValueAtTime(0, start + tone.at + tone.length);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + tone.at);
      oscillator.stop(start + tone.at + tone.length + 0.02);
    }
  }
}
