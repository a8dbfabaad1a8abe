import { createLogger, describeError } from '../lib/log';
import type { DevicePrefs, SeatDevices } from '../phone/phone-types';
import type { SliceCreator } from './types';

const log = createLogger('seat.ui.devices');

export type MicrophoneState = SeatDevices['microphone'];

/**
 * The seat's audio devices as the phone engine sees them, and the agent's choices. The
 * engine remembers the choices per seat; the desk only shows and edits them.
 */
export interface DeviceSlice {
  /** The devices to pick from; null until listed. */
  devices: SeatDevices | null;
  devicePrefs: DevicePrefs | null;
  microphone: MicrophoneState;
  devicesError: string | null;
  devicesSaving: boolean;
  /** Asks the engine for the devices (it asks for microphone permission if needed). */
  loadDevices(): Promise<void>;
  saveDevicePrefs(prefs: DevicePrefs): Promise<boolean>;
  /** Plays the ring tone once with these (maybe unsaved) choices; false when it could not. */
  testRing(prefs: DevicePrefs): Promise<boolean>;
  /** The engine says the choices or the devices changed; null keeps the microphone state. */
  devicesChanged(prefs: DevicePrefs, microphone: MicrophoneState | null): void;
}

export const initialDeviceState = {
  devices: null,
  devicePrefs: null,
  microphone: 'unknown' as MicrophoneState,
  devicesError: null,
  devicesSaving: false,
};

export const createDeviceSlice: SliceCreator<DeviceSlice> = (set, get, { phone }) => ({
  ...initialDeviceState,

  async loadDevices() {
    try {
      const devices = await phone.listDevices();
      set({ devices, microphone: devices.microphone, devicesError: null });
      if (devices.microphone !== 'ok') log.warn(`Microphone: ${devices.microphone}.`);
    } catch (error) {
      const detail = describeError(error);
      log.warn(`Devices not listed: ${detail}.`);
      set({ devicesError: detail });
    }
  },

  async saveDevicePrefs(prefs) {
    const ringVolume = Math.min(1, Math.max(0, prefs.ringVolume));
    const next = { ...prefs, ringVolume };
    set({ devicesSaving: true, devicesError: null });
    try {
      await phone.setDevicePrefs(next);
      set({ devicePrefs: next });
      return true;
    } catch (error) {
      const detail = describeError(error);
      log.warn(`Device choices not saved: ${detail}.`);
      set({ devicesError: detail });
      return false;
    } finally {
      set({ devicesSaving: false });
    }
  },

  async testRing(prefs) {
    set({ devicesError: null });
    try {
      await phone.testRing({ ...prefs, ringVolume: Math.min(1, Math.max(0, prefs.ringVolume)) });
      return true;
    } catch (error) {
      const detail = describeError(error);
      log.warn(`The test ring did not play: ${detail}.`);
      set({ devicesError: detail });
      return false;
    }
  },

  devicesChanged(prefs, microphone) {
    const moved = microphone !== null && microphone !== get().microphone;
    set({ devicePrefs: prefs, microphone: microphone ?? get().microphone });
    // The microphone came or went: the lists the pickers offer are stale.
    if (moved && get().devices) void get().loadDevices();
  },
});
