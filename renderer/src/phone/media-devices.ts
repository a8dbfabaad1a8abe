import { createLogger, describeError } from '../lib/log';
import type { MediaDeviceChoice, SeatDevices } from './phone-types';

const log = createLogger('seat.sip.devices');

type Devices = Pick<MediaDevices, 'enumerateDevices' | 'getUserMedia'>;

function choices(list: MediaDeviceInfo[], kind: MediaDeviceKind): MediaDeviceChoice[] {
  return list
    .filter((device) => device.kind === kind)
    .map((device) => ({ deviceId: device.deviceId, label: device.label }));
}

/**
 * The seat's microphones, speakers and cameras. Browsers hide labels (and often all but
 * one device) until the page has media permission, so when labels are empty the list is
 * asked again after a short getUserMedia probe whose tracks are stopped at once. A refused
 * probe is 'denied'; no audio input at all is 'missing'.
 */
export async function listSeatDevices(devices: Devices | undefined): Promise<SeatDevices> {
  if (!devices) {
    return { microphones: [], speakers: [], cameras: [], microphone: 'missing' };
  }
  let list = await devices.enumerateDevices();
  let microphone: SeatDevices['microphone'] = 'unknown';

  const inputs = list.filter((device) => device.kind === 'audioinput');
  if (inputs.length === 0) microphone = 'missing';
  else if (inputs.every((device) => device.label === '')) {
    try {
      const probe = await devices.getUserMedia({ audio: true });
      for (const track of probe.getTracks()) track.stop();
      list = await devices.enumerateDevices();
      microphone = 'ok';
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      microphone = name === 'NotFoundError' ? 'missing' : 'denied';
      log.warn(`Microphone probe failed (${microphone}): ${describeError(error)}.`);
    }
  } else microphone = 'ok';

  const microphones = choices(list, 'audioinput');
  if (microphone === 'ok' && microphones.length === 0) microphone = 'missing';
  return {
    microphones,
    speakers: choices(list, 'audiooutput'),
    cameras: choices(list, 'videoinput'),
    microphone,
  };
}
