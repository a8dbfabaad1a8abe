import { SessionState } from 'sip.js';
import { createLogger, describeError } from '../lib/log';
import { applySpeaker, replaceLocalTrack } from './call-media';
import {
  audioConstraints,
  checkPrefs,
  loadPrefs,
  savePrefs,
  videoConstraints,
  type PhoneStorage,
} from './device-prefs';
import { listSeatDevices } from './media-devices';
import type { Line } from './phone-line';
import type { DevicePrefs, PhoneEvent, SeatDevices, SipFailure } from './phone-types';
import type { Ringer } from './ringer';

const log = createLogger('seat.sip.call');

/** What the device choices need of the phone. */
export interface DeviceHost {
  lines(): Line[];
  inThreeWay(callId: string): boolean;
  emit(event: PhoneEvent): void;
}

/**
 * The seat's devices: the agent's choices (microphone, speaker, ringer, camera, ring tone
 * and volume, DTMF mode), remembered per seat in the engine page's storage and applied to
 * live calls at once; and whether a microphone can be used at all, told to the desk in a
 * `devices` event whenever that changes (a device came or went, permission was refused).
 */
export class DeviceControl {
  private current: DevicePrefs;
  private microphone: SeatDevices['microphone'] = 'unknown';

  constructor(
    private readonly storage: PhoneStorage | undefined,
    private readonly ringer: Ringer,
    private readonly host: DeviceHost,
  ) {
    this.current = loadPrefs(storage);
    this.configureRinger();
  }

  get prefs(): DevicePrefs {
    return this.current;
  }

  async list(): Promise<SeatDevices> {
    const devices = await listSeatDevices(mediaDevices());
    if (devices.microphone !== this.microphone) {
      this.microphone = devices.microphone;
      this.emit();
    }
    return devices;
  }

  async setPrefs(prefs: DevicePrefs): Promise<void> {
    const next = checkPrefs(prefs);
    const before = this.current;
    this.current = next;
    savePrefs(this.storage, next);
    this.configureRinger();

    for (const line of this.host.lines()) {
      if (line.audio && next.speakerId !== before.speakerId) {
        applySpeaker(line.audio, next.speakerId);
      }
      if (line.session.state !== SessionState.Established) continue;
      if (this.host.inThreeWay(line.call.callId)) {
        // TODO: a new microphone during a three-way call needs the mix rebuilt.
        log.warn(`Call ${line.call.callId} keeps its microphone until the three-way call ends.`);
        continue;
      }
      const { muted, held } = line.call;
      try {
        if (next.microphoneId !== before.microphoneId) {
          await replaceLocalTrack(line.session, 'audio', audioConstraints(next), !muted && !held);
        }
        if (line.call.video && next.cameraId !== before.cameraId) {
          await replaceLocalTrack(line.session, 'video', videoConstraints(next), !held);
        }
      } catch (error) {
        log.warn(`Call ${line.call.callId} keeps its devices: ${describeError(error)}.`);
      }
    }
    this.emit();
  }

  async testRing(prefs: DevicePrefs): Promise<void> {
    const checked = checkPrefs(prefs);
    await this.ringer.playOnce({
      tone: checked.ringTone,
      volume: checked.ringVolume,
      deviceId: checked.ringerId,
    });
  }

  /** Getting the microphone failed: none there (NotFoundError) or permission refused. */
  noteMicrophone(failure: SipFailure): void {
    const state = failure.detail.startsWith('NotFoundError') ? 'missing' : 'denied';
    if (state === this.microphone) return;
    this.microphone = state;
    this.emit();
  }

  /** Follows devices coming and going while the phone runs. */
  watch(on: boolean): void {
    const devices = mediaDevices();
    if (!devices?.addEventListener) return;
    if (on) devices.addEventListener('devicechange', this.onDeviceChange);
    else devices.removeEventListener('devicechange', this.onDeviceChange);
  }

  private readonly onDeviceChange = () => {
    void this.list().catch(() => undefined);
  };

  private emit(): void {
    this.host.emit({ type: 'devices', prefs: { ...this.current }, microphone: this.microphone });
  }

  private configureRinger(): void {
    this.ringer.configure({
      tone: this.current.ringTone,
      volume: this.current.ringVolume,
      deviceId: this.current.ringerId,
    });
  }
}

function mediaDevices(): MediaDevices | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
}
