import { describe, expect, it, vi } from 'vitest';
import { setLogSink } from '../lib/log';
import { listSeatDevices } from './media-devices';

const device = (kind: MediaDeviceKind, deviceId: string, label = '') =>
  ({ kind, deviceId, label, groupId: '' }) as MediaDeviceInfo;

describe('listSeatDevices', () => {
  it('probes once when labels are hidden, then lists labelled devices', async () => {
    const stop = vi.fn();
    let allowed = false;
    const devices = {
      enumerateDevices: () =>
        Promise.resolve(
          allowed
            ? [device('audioinput', 'm1', 'Headset'), device('audiooutput', 's1', 'Speaker')]
            : [device('audioinput', '')],
        ),
      getUserMedia: () => {
        allowed = true;
        return Promise.resolve({ getTracks: () => [{ stop }] } as unknown as MediaStream);
      },
    };
    const seat = await listSeatDevices(devices);
    expect(seat).toMatchObject({
      microphone: 'ok',
      microphones: [{ deviceId: 'm1', label: 'Headset' }],
      speakers: [{ deviceId: 's1', label: 'Speaker' }],
    });
    expect(stop).toHaveBeenCalled();
  });

  it('says denied when the probe is refused and missing when there is no input', async () => {
    setLogSink(() => undefined);
    const refused = Object.assign(new Error('denied'), { name: 'NotAllowedError' });
    const denied = await listSeatDevices({
      enumerateDevices: () => Promise.resolve([device('audioinput', '')]),
      getUserMedia: () => Promise.reject(refused),
    });
    expect(denied.microphone).toBe('denied');
    const missing = await listSeatDevices({
      enumerateDevices: () => Promise.resolve([device('audiooutput', 's1', 'Speaker')]),
      getUserMedia: () => Promise.reject(new Error('unused')),
    });
    expect(missing.microphone).toBe('missing');
    setLogSink(null);
  });
});
