import { describe, expect, it } from 'vitest';
import { countAudioPackets } from './debug-stats';

describe('countAudioPackets', () => {
  it('sums audio inbound and outbound RTP and ignores the rest', () => {
    const report = new Map<string, unknown>([
      ['in', { type: 'inbound-rtp', kind: 'audio', packetsReceived: 120 }],
      ['out', { type: 'outbound-rtp', kind: 'audio', packetsSent: 118 }],
      ['video', { type: 'inbound-rtp', kind: 'video', packetsReceived: 999 }],
      ['remote', { type: 'remote-inbound-rtp', kind: 'audio', packetsReceived: 7 }],
      ['pair', { type: 'candidate-pair', packetsSent: 400 }],
      ['legacy', { type: 'inbound-rtp', mediaType: 'audio', packetsReceived: 5 }],
    ]);
    expect(countAudioPackets(report)).toEqual({ packetsReceived: 125, packetsSent: 118 });
  });

  it('gives zeros for an empty report', () => {
    expect(countAudioPackets(new Map())).toEqual({ packetsReceived: 0, packetsSent: 0 });
  });
});
