/**
 * A reader of classic pcap files (not pcapng) as rtpengine's `recording-method = pcap`
 * writes them: one file per call, each packet the UDP datagram rtpengine received from a
 * party, as raw IP (`recording-format = raw`, link type 101) or with a made-up Ethernet
 * header (`eth`, link type 1). Only what a recording needs is read: the time, the UDP
 * addresses and the payload.
 */

/** One UDP datagram of a capture. */
export interface UdpPacket {
  /** Capture time, microseconds since the epoch. */
  timeUs: number;
  srcAddr: string;
  srcPort: number;
  dstAddr: string;
  dstPort: number;
  payload: Buffer;
}

export class PcapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PcapError';
  }
}

const LINK_ETHERNET = 1;
const LINK_RAW = 101;
/** LINKTYPE_IPV4 / LINKTYPE_IPV6: raw IP too. */
const LINK_IPV4 = 228;
const LINK_IPV6 = 229;
const UDP = 17;

function ipv4(buf: Buffer, at: number): string {
  return `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
}

function ipv6(buf: Buffer, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(at + i * 2).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** The UDP datagram in one IP packet, or null when it is something else (or truncated). */
function udpOf(ip: Buffer, timeUs: number): UdpPacket | null {
  if (ip.length < 1) return null;
  const version = ip[0]! >> 4;
  let srcAddr: string;
  let dstAddr: string;
  let udpAt: number;
  if (version === 4) {
    const headerLen = (ip[0]! & 0x0f) * 4;
    if (ip.length < headerLen + 8 || ip[9] !== UDP) return null;
    srcAddr = ipv4(ip, 12);
    dstAddr = ipv4(ip, 16);
    udpAt = headerLen;
  } else if (version === 6) {
    // Extension headers are not followed: rtpengine writes none.
    if (ip.length < 48 || ip[6] !== UDP) return null;
    srcAddr = ipv6(ip, 8);
    dstAddr = ipv6(ip, 24);
    udpAt = 40;
  } else {
    return null;
  }
  const udpLen = ip.readUInt16BE(udpAt + 4);
  const end = Math.min(ip.length, udpAt + Math.max(udpLen, 8));
  return {
    timeUs,
    srcAddr,
    srcPort: ip.readUInt16BE(udpAt),
    dstAddr,
    dstPort: ip.readUInt16BE(udpAt + 2),
    payload: ip.subarray(udpAt + 8, end),
  };
}

/**
 * The UDP datagrams of a pcap file, in file order. Throws PcapError naming the problem for
 * a file that is not a classic pcap or has a link type other than raw IP or Ethernet; a
 * last record cut short (rtpengine still writing) is left out.
 */
export function readPcapUdp(file: Buffer): UdpPacket[] {
  if (file.length < 24) throw new PcapError(`not a pcap file: ${file.length} bytes, no header`);
  const magic = file.readUInt32LE(0);
  let le: boolean;
  let nanos = false;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) {
    le = true;
    nanos = magic === 0xa1b23c4d;
  } else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) {
    le = false;
    nanos = magic === 0x4d3cb2a1;
  } else {
    throw new PcapError(`not a pcap file: magic 0x${magic.toString(16)} (pcapng is not read)`);
  }
  const u32 = (at: number): number => (le ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const link = u32(20) & 0x0fffffff;
  if (![LINK_ETHERNET, LINK_RAW, LINK_IPV4, LINK_IPV6].includes(link)) {
    throw new PcapError(`pcap link type ${link} is not raw IP (101) or Ethernet (1)`);
  }
  const packets: UdpPacket[] = [];
  let at = 24;
  while (at + 16 <= file.length) {
    const seconds = u32(at);
    const fraction = u32(at + 4);
    const captured = u32(at + 8);
    const start = at + 16;
    if (start + captured > file.length) break;
    let frame = file.subarray(start, start + captured);
    at = start + captured;
    if (link === LINK_ETHERNET) {
      if (frame.length < 14) continue;
      const etherType = frame.readUInt16BE(12);
      if (etherType !== 0x0800 && etherType !== 0x86dd) continue;
      frame = frame.subarray(14);
    }
    const timeUs = seconds * 1_000_000 + (nanos ? Math.floor(fraction / 1000) : fraction);
    const udp = udpOf(frame, timeUs);
    if (udp) packets.push(udp);
  }
  return packets;
}
