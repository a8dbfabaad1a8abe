import { describe, expect, it } from 'vitest';
import {
  dtmfDigits,
  dtmfKey,
  parsePcap,
  parseRtp,
  parseTelephoneEvent,
  telephoneEventPayloadType,
  type RtpPacket,
} from './rtp-capture.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// One packet as tcpdump -i lo writes it: libpcap header (little endian, microseconds,
// link type 1), a record, a zeroed Ethernet header, IPv4 127.0.0.1 -> 127.0.0.1, UDP
// 30000 -> 25099, RTP with the marker, payload type 101, seq 7, timestamp 800, and the
// telephone-event "#" (11), end bit, volume 10, duration 800.
const ONE_PACKET = hex(`
  d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000
  00000065 e8030000 3a000000 3a000000
  000000000000 000000000000 0800
  4500 002c 0000 4000 4011 0000 7f000001 7f000001
  7530 620b 0018 0000
  80e5 0007 00000320 12345678 0b8a 0320
`);

describe('parsePcap', () => {
  it('reads the UDP datagram of an Ethernet/IPv4 libpcap record', () => {
    const [d, ...rest] = parsePcap(ONE_PACKET);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ srcPort: 30000, dstPort: 25099, timeUs: 0x65000000 * 1e6 + 1000 });
    expect(d!.payload.toString('hex')).toBe('80e5000700000320123456780b8a0320');
  });

  it('reads big-endian nanosecond files with Linux cooked (SLL) frames and IPv6', () => {
    const file = hex(`
      a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000071
      00000001 000f4240 00000046 00000046
      0000 0304 0006 000000000000 0000 86dd
      6000 0000 000e 1140 ${'00'.repeat(15)}01 ${'00'.repeat(15)}01
      1f90 1f91 000e 0000 abcdef010203
    `);
    const [d] = parsePcap(file);
    expect(d).toMatchObject({ srcPort: 8080, dstPort: 8081, timeUs: 1e6 + 1000 });
    expect(d!.payload.toString('hex')).toBe('abcdef010203');
  });

  it('skips non-UDP packets and a record cut off at the end', () => {
    const tcp = Buffer.from(ONE_PACKET);
    tcp[24 + 16 + 14 + 9] = 6; // IPv4 protocol: TCP
    const cut = Buffer.concat([ONE_PACKET, ONE_PACKET.subarray(24, 24 + 30)]);
    expect(parsePcap(tcp)).toEqual([]);
    expect(parsePcap(cut)).toHaveLength(1);
  });

  it('refuses what is not a libpcap file, naming the magic', () => {
    const pcapng = Buffer.concat([hex('0a0d0d0a'), Buffer.alloc(24)]);
    expect(() => parsePcap(pcapng)).toThrow(/magic 0xa0d0d0a .*pcapng/);
    expect(() => parsePcap(Buffer.alloc(10))).toThrow(/shorter than its header/);
  });
});

describe('parseRtp', () => {
  it('skips CSRCs and a header extension and drops padding', () => {
    const rtp = parseRtp(hex(`b1 00 0102 0000abcd 00000001 00000009 bede0001 11223344 aabb 0002`));
    expect(rtp).toMatchObject({ payloadType: 0, marker: false, sequence: 258, ssrc: 1 });
    expect(rtp!.timestamp).toBe(0xabcd);
    expect(rtp!.payload.toString('hex')).toBe('aabb');
  });

  it('is undefined for RTCP, STUN and short datagrams', () => {
    expect(parseRtp(hex('80c80006 12345678 00000000 00000000'))).toBeUndefined(); // RTCP SR
    expect(parseRtp(hex('0001 0000 2112a442 000000000000000000000000'))).toBeUndefined();
    expect(parseRtp(hex('80e5'))).toBeUndefined();
  });
});

describe('RFC 4733 telephone-events', () => {
  it('parses event, end bit, volume and duration', () => {
    expect(parseTelephoneEvent(hex('0b8a0320'))).toEqual({
      event: 11,
      end: true,
      volume: 10,
      duration: 800,
    });
    expect(parseTelephoneEvent(hex('05 0a 00a0'))).toMatchObject({ event: 5, end: false });
    expect(() => parseTelephoneEvent(hex('05'))).toThrow(/1 bytes, expected 4/);
  });

  it('maps event codes to keys', () => {
    expect([0, 9, 10, 11, 12, 15].map(dtmfKey)).toEqual(['0', '9', '*', '#', 'A', 'D']);
    expect(dtmfKey(16)).toBeUndefined();
  });

  const packet = (
    seq: number,
    timestamp: number,
    event: number,
    end: boolean,
    payloadType = 101,
  ): RtpPacket => ({
    payloadType,
    marker: false,
    sequence: seq,
    timestamp,
    ssrc: 42,
    payload: Buffer.from([event, end ? 0x8a : 0x0a, 0x01, 0x40]),
  });

  it('gives one digit per event, in order, once it has ended, with retransmitted ends', () => {
    const packets = [
      packet(1, 1000, 1, false),
      packet(2, 1160, 0, false, 0), // audio between the events
      packet(3, 1000, 1, true),
      packet(4, 1000, 1, true),
      packet(5, 1000, 1, true),
      packet(6, 3000, 11, false),
      packet(7, 3000, 11, true),
      packet(8, 5000, 1, false),
      packet(9, 5000, 1, true),
      packet(10, 7000, 9, false), // never ended: not a digit yet
    ];
    expect(dtmfDigits(packets, 101)).toBe('1#1');
    expect(dtmfDigits(packets, 96)).toBe('');
  });

  it('finds the telephone-event payload type in an SDP', () => {
    const sdp =
      'v=0\r\nm=audio 4000 RTP/AVP 0 97\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:97 telephone-event/8000\r\n';
    expect(telephoneEventPayloadType(sdp)).toBe(97);
    expect(telephoneEventPayloadType('v=0\r\na=rtpmap:0 PCMU/8000\r\n')).toBeUndefined();
  });
});
