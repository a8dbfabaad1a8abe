import type { DevicePrefs, DtmfMode, RingTone } from './phone-types';

/** What the engine keeps in its page's storage: one key for the devices, one for the id. */
export type PhoneStorage = Pick<Storage, 'getItem' | 'setItem'>;

export const PREFS_KEY = 'hotline.phone.devices';
export const INSTANCE_KEY = 'hotline.phone.instance';

const TONES: readonly RingTone[] = ['classic', 'soft', 'beep'];
const DTMF_MODES: readonly DtmfMode[] = ['rfc4733', 'info'];

export const DEFAULT_PREFS: DevicePrefs = {
  microphoneId: null,
  speakerId: null,
  ringerId: null,
  cameraId: null,
  ringVolume: 0.6,
  ringTone: 'classic',
};

function deviceId(value: unknown, field: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string' || value.length > 256) {
    throw new Error(`Device prefs: ${field} must be a device id string or null`);
  }
  return value;
}

/**
 * Checks prefs from the desk; throws an Error naming the field that is wrong. An absent
 * `dtmf` stays absent: the seat follows the centre's choice.
 */
export function checkPrefs(prefs: DevicePrefs): DevicePrefs {
  const volume = prefs.ringVolume;
  if (typeof volume !== 'number' || !Number.isFinite(volume) || volume < 0 || volume > 1) {
    throw new Error(`Device prefs: ringVolume must be a number from 0 to 1; got ${volume}`);
  }
  if (!TONES.includes(prefs.ringTone)) {
    throw new Error(`Device prefs: ringTone must be one of ${TONES.join(', ')}`);
  }
  if (prefs.dtmf !== undefined && !DTMF_MODES.includes(prefs.dtmf)) {
    throw new Error(`Device prefs: dtmf must be one of ${DTMF_MODES.join(', ')} or absent`);
  }
  return {
    microphoneId: deviceId(prefs.microphoneId, 'microphoneId'),
    speakerId: deviceId(prefs.speakerId, 'speakerId'),
    ringerId: deviceId(prefs.ringerId, 'ringerId'),
    cameraId: deviceId(prefs.cameraId, 'cameraId'),
    ringVolume: volume,
    ringTone: prefs.ringTone,
    ...(prefs.dtmf ? { dtmf: prefs.dtmf } : {}),
  };
}

/** The remembered prefs; defaults for anything missing or unreadable. */
export function loadPrefs(storage: PhoneStorage | undefined): DevicePrefs {
  const text = storage?.getItem(PREFS_KEY);
  if (!text) return { ...DEFAULT_PREFS };
  try {
    return checkPrefs({ ...DEFAULT_PREFS, ...(JSON.parse(text) as Partial<DevicePrefs>) });
  } catch {
    return { ...DEFAULT_PREFS };
  }
}

export function savePrefs(storage: PhoneStorage | undefined, prefs: DevicePrefs): void {
  storage?.setItem(PREFS_KEY, JSON.stringify(prefs));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The seat's fixed instance id (RFC 5626 §4.1 +sip.instance), made once and kept, so the
 * Contact of every REGISTER from this seat stays the same across reloads of the phone
 * page and the registrar replaces the binding instead of adding a second one.
 */
export function seatInstanceId(storage: PhoneStorage | undefined): string {
  const kept = storage?.getItem(INSTANCE_KEY);
  if (kept && UUID.test(kept)) return kept;
  const id = crypto.randomUUID();
  storage?.setItem(INSTANCE_KEY, id);
  return id;
}

/** getUserMedia audio constraints for the chosen microphone (ideal: falls back if gone). */
export function audioConstraints(prefs: DevicePrefs): MediaTrackConstraints | true {
  return prefs.microphoneId ? { deviceId: { ideal: prefs.microphoneId } } : true;
}

export function videoConstraints(prefs: DevicePrefs): MediaTrackConstraints | true {
  return prefs.cameraId ? { deviceId: { ideal: prefs.cameraId } } : true;
}
