/** The fixed RTP header (RFC 3550 section 5.1) and what follows it. */
export interface RtpPacket {
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  payload: Buffer;
}

/**
 * Parses an RTP packet, or answers null for anything else: a version other than 2, RTCP
 * (RFC 5761 section 4: payload types 64-95 with the marker bit are RTCP on a muxed port),
 * or a header longer than the packet. CSRCs, the header extension (RFC 3550 5.3.1) and
 * padding are skipped.
 */
export function parseRtp(datagram: Buffer): RtpPacket | null {
  if (datagram.length < 12 || datagram[0]! >> 6 !== 2) return null;
  const second = datagram[1]!;
  if (second >= 192 && second <= 223) return null;
  const csrcCount = datagram[0]! & 0x0f;
  let at = 12 + csrcCount * 4;
  if (datagram[0]! & 0x10) {
    if (datagram.length < at + 4) return null;
    at += 4 + datagram.readUInt16BE(at + 2) * 4;
  }
  let end = datagram.length;
  if (datagram[0]! & 0x20) end -= datagram[datagram.length - 1]!;
  if (at > end) return null;
  return {
    payloadType: second & 0x7f,
    marker: (second & 0x80) !== 0,
    sequence: datagram.readUInt16BE(2),
    timestamp: datagram.readUInt32BE(4),
    ssrc: datagram.readUInt32BE(8),
    payload: datagram.subarray(at, end),
  };
}
