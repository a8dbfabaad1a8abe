import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CALLER_CHANNEL, convertCall, SEAT_CHANNEL } from './convert.js';
import { parseMetadata, type RecordingMetadata } from './metadata.js';
import { PcapError, readPcapUdp, type UdpPacket } from './pcap.js';
import { toneCoverage } from './tone.js';

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe('pcap reading', () => {
  it('reads the UDP datagrams of an rtpengine capture (raw IP link type)', () => {
    const packets = readPcapUdp(fixture('rtpengine-call.pcap'));
    const bySource = new Map<number, number>();
    for (const p of packets) bySource.set(p.srcPort, (bySource.get(p.srcPort) ?? 0) + 1);
    expect([...bySource.keys()].sort()).toEqual([20000, 20100]);
    expect(bySource.get(20000)).toBeGreaterThan(90);
    expect(packets[0]!.srcAddr).toBe('127.0.0.1');
    expect(packets[0]!.payload.length).toBe(172);
  });

  it('refuses what is not a classic pcap and leaves out a record cut short', () => {
    expect(() => readPcapUdp(Buffer.alloc(10))).toThrow(PcapError);
    expect(() => readPcapUdp(Buffer.alloc(40, 1))).toThrow(/magic/);
    const file = fixture('rtpengine-call.pcap');
    const whole = readPcapUdp(file).length;
    expect(readPcapUdp(file.subarray(0, file.length - 50)).length).toBe(whole - 1);
  });
});

describe('converting a capture to a two-channel recording', () => {
  it('puts the caller (440 Hz) on the left and the seat (1000 Hz) on the right', () => {
    const meta = parseMetadata(fixture('rtpengine-call.meta.txt').toString('utf8'));
    const call = convertCall(meta, readPcapUdp(fixture('rtpengine-call.pcap')));
    expect(call).not.toBeNull();
    if (!call) return;
    expect(call.audio.channels).toHaveLength(2);
    expect(call.durationMs).toBeGreaterThan(1800);
    expect(call.durationMs).toBeLessThan(2300);
    const caller = call.audio.channels[CALLER_CHANNEL]!;
    const seat = call.audio.channels[SEAT_CHANNEL]!;
    expect(toneCoverage(caller, 8000, 440)).toBeGreaterThan(0.9);
    expect(toneCoverage(caller, 8000, 1000)).toBe(0);
    expect(toneCoverage(seat, 8000, 1000)).toBeGreaterThan(0.9);
    expect(toneCoverage(seat, 8000, 440)).toBe(0);
    expect(call.decoded.caller).toBeGreaterThan(90);
  });

  it('places packets by RTP timestamp, mixes two streams of a party, skips other codecs', () => {
    const meta: RecordingMetadata = {
      pcapPath: '/x.pcap',
      sdps: [
        {
          mode: 'offer',
          startedMs: 0,
          ports: [4000],
          encodings: new Map([[101, 'telephone-event']]),
        },
        { mode: 'answer', startedMs: 0, ports: [5000], encodings: new Map() },
      ],
      terminatedMs: null,
    };
    const rtp = (pt: number, ts: number, ssrc: number, byte: number): Buffer => {
      const b = Buffer.alloc(12 + 160, byte);
      b[0] = 0x80;
      b[1] = pt;
      b.writeUInt32BE(ts, 4);
      b.writeUInt32BE(ssrc, 8);
      return b;
    };
    const udp = (timeUs: number, dstPort: number, payload: Buffer): UdpPacket => ({
      timeUs,
      srcAddr: '127.0.0.1',
      srcPort: 1,
      dstAddr: '127.0.0.1',
      dstPort,
      payload,
    });
    const t0 = 1_000_000_000;
    const call = convertCall(meta, [
      // Caller, PCMU 0x80 (+32124), two packets arriving late but with consecutive stamps.
      udp(t0, 5000, rtp(0, 1000, 1, 0x80)),
      udp(t0 + 60_000, 5000, rtp(0, 1160, 1, 0x80)),
      // A second caller stream (an echo) of the opposite value over the first packet.
      udp(t0, 5000, rtp(0, 7, 2, 0x00)),
      // The seat, A-law 0xaa (+32256), 100 ms in; and a DTMF event that is skipped.
      udp(t0 + 100_000, 4000, rtp(8, 0, 3, 0xaa)),
      udp(t0 + 100_000, 4000, rtp(101, 0, 3, 0x01)),
    ]);
    expect(call).not.toBeNull();
    if (!call) return;
    const caller = call.audio.channels[CALLER_CHANNEL]!;
    const seat = call.audio.channels[SEAT_CHANNEL]!;
    expect(caller[0]).toBe(0); // +32124 and -32124 mixed
    expect(caller[200]).toBe(32124); // second packet at sample 160, not 480 (its arrival)
    expect(caller[400]).toBe(0);
    expect(seat[799]).toBe(0);
    expect(seat[800]).toBe(32256);
    expect(call.skipped).toEqual({ 'telephone-event': 1 });
    expect(call.decoded).toEqual({ caller: 3, seat: 1 });
  });

  it('answers null for a capture without RTP (a call that was never answered)', () => {
    const meta = parseMetadata(fixture('rtpengine-call.meta.txt').toString('utf8'));
    expect(convertCall(meta, [])).toBeNull();
  });
});
