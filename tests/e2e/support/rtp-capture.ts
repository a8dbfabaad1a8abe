import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { waitUntil } from './ports.js';

/**
 * What reached a far end's media port, read from a packet capture: libpcap files, the UDP
 * datagrams in them, RTP (RFC 3550 section 5.1) and RFC 4733 telephone-events (the DTMF a
 * seat sends in the RTP stream). The parsing is pure; startCapture() runs tcpdump.
 */

/** One UDP datagram of a capture. */
export interface UdpDatagram {
  /** Capture time, in microseconds since the epoch. */
  timeUs: number;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

// libpcap link types (https://www.tcpdump.org/linktypes.html).
const LINK_ETHERNET = 1;
const LINK_RAW = 101;
const LINK_LINUX_SLL = 113;
const LINK_LINUX_SLL2 = 276;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const IPPROTO_UDP = 17;

/**
 * The UDP datagrams of a classic libpcap file (microsecond or nanosecond timestamps,
 * either byte order; not pcapng), in capture order. IPv4 fragments other than the first,
 * IPv6 extension headers and non-UDP packets are skipped.
 */
export function parsePcap(file: Buffer): UdpDatagram[] {
  if (file.length < 24) throw new Error(`pcap: ${file.length} bytes, shorter than its header`);
  const magic = file.readUInt32LE(0);
  let le: boolean;
  let nano: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) {
    le = true;
    nano = magic === 0xa1b23c4d;
  } else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) {
    le = false;
    nano = magic === 0x4d3cb2a1;
  } else {
    throw new Error(`pcap: magic 0x${magic.toString(16)} is not a libpcap file (pcapng?)`);
  }
  const u32 = (at: number): number => (le ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const linkType = u32(20) & 0x0fffffff;

  const out: UdpDatagram[] = [];
  for (let at = 24; at + 16 <= file.length;) {
    const seconds = u32(at);
    const fraction = u32(at + 4);
    const captured = u32(at + 8);
    const start = at + 16;
    if (start + captured > file.length) break; // a capture cut off mid-record
    const frame = file.subarray(start, start + captured);
    at = start + captured;
    const udp = udpOfFrame(frame, linkType);
    if (udp) {
      out.push({ timeUs: seconds * 1e6 + (nano ? Math.floor(fraction / 1000) : fraction), ...udp });
    }
  }
  return out;
}

function udpOfFrame(frame: Buffer, linkType: number): Omit<UdpDatagram, 'timeUs'> | undefined {
  let etherType: number;
  let ip: number;
  switch (linkType) {
    case LINK_ETHERNET:
      if (frame.length < 14) return undefined;
      etherType = frame.readUInt16BE(12);
      ip = 14;
      if (etherType === 0x8100 && frame.length >= 18) {
        etherType = frame.readUInt16BE(16); // one 802.1Q tag
        ip = 18;
      }
      break;
    case LINK_LINUX_SLL:
      if (frame.length < 16) return undefined;
      etherType = frame.readUInt16BE(14);
      ip = 16;
      break;
    case LINK_LINUX_SLL2:
      if (frame.length < 20) return undefined;
      etherType = frame.readUInt16BE(0);
      ip = 20;
      break;
    case LINK_RAW:
      if (frame.length < 1) return undefined;
      etherType = frame[0]! >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
      ip = 0;
      break;
    default:
      throw new Error(`pcap: link type ${linkType} is not supported`);
  }

  let udp: number;
  if (etherType === ETHERTYPE_IPV4) {
    if (frame.length < ip + 20) return undefined;
    const headerLen = (frame[ip]! & 0x0f) * 4;
    const fragmentOffset = frame.readUInt16BE(ip + 6) & 0x1fff;
    if (frame[ip + 9] !== IPPROTO_UDP || fragmentOffset !== 0) return undefined;
    udp = ip + headerLen;
  } else if (etherType === ETHERTYPE_IPV6) {
    if (frame.length < ip + 40 || frame[ip + 6] !== IPPROTO_UDP) return undefined;
    udp = ip + 40;
  } else {
    return undefined;
  }
  if (frame.length < udp + 8) return undefined;
  const length = frame.readUInt16BE(udp + 4);
  const end = Math.min(frame.length, udp + Math.max(8, length));
  return {
    srcPort: frame.readUInt16BE(udp),
    dstPort: frame.readUInt16BE(udp + 2),
    payload: frame.subarray(udp + 8, end),
  };
}

/** The fixed header of an RTP packet (RFC 3550 section 5.1) and its payload. */
export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/**
 * An RTP packet, or undefined when the datagram is not RTP version 2 (RTCP, STUN, DTLS
 * share ports with it under RFC 5761 and RFC 7983 and are told apart here).
 */
export function parseRtp(datagram: Buffer): RtpPacket | undefined {
  if (datagram.length < 12 || datagram[0]! >> 6 !== 2) return undefined;
  const payloadType = datagram[1]! & 0x7f;
  // RTCP packet types 200-204 land on "payload types" 72-76 with the marker set.
  if (payloadType >= 72 && payloadType <= 76) return undefined;
  const csrcCount = datagram[0]! & 0x0f;
  let start = 12 + csrcCount * 4;
  if (datagram[0]! & 0x10) {
    if (datagram.length < start + 4) return undefined;
    start += 4 + datagram.readUInt16BE(start + 2) * 4;
  }
  let end = datagram.length;
  if (datagram[0]! & 0x20) end -= datagram[end - 1]!;
  if (start > end) return undefined;
  return {
    payloadType,
    marker: (datagram[1]! & 0x80) !== 0,
    sequence: datagram.readUInt16BE(2),
    timestamp: datagram.readUInt32BE(4),
    ssrc: datagram.readUInt32BE(8),
    payload: datagram.subarray(start, end),
  };
}

/** One RFC 4733 section 2.3 telephone-event payload. */
export interface TelephoneEvent {
  /** 0-9, 10 = *, 11 = #, 12-15 = A-D (RFC 4733 section 3.2). */
  event: number;
  end: boolean;
  volume: number;
  duration: number;
}

export function parseTelephoneEvent(payload: Buffer): TelephoneEvent {
  if (payload.length < 4) {
    throw new Error(`telephone-event payload of ${payload.length} bytes, expected 4`);
  }
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: payload.readUInt16BE(2),
  };
}

const DTMF_KEYS = '0123456789*#ABCD';

/** The key of a DTMF event code (RFC 4733 section 3.2), or undefined for other events. */
export function dtmfKey(event: number): string | undefined {
  return DTMF_KEYS[event];
}

/**
 * The DTMF digits carried as telephone-events of `payloadType` in these packets, in the
 * order they were sent. One digit is all packets of one SSRC with one RTP timestamp (RFC
 * 4733 section 2.5.1: updates and the retransmitted end packets keep the event's start
 * timestamp); a digit counts once it has an end packet.
 */
export function dtmfDigits(packets: readonly RtpPacket[], payloadType: number): string {
  const events = new Map<string, { first: number; key: string; ended: boolean }>();
  packets.forEach((packet, index) => {
    if (packet.payloadType !== payloadType) return;
    const event = parseTelephoneEvent(packet.payload);
    const key = dtmfKey(event.event);
    if (key === undefined) return;
    const id = `${packet.ssrc}:${packet.timestamp}`;
    const seen = events.get(id) ?? { first: index, key, ended: false };
    seen.ended ||= event.end;
    events.set(id, seen);
  });
  return [...events.values()]
    .filter((e) => e.ended)
    .sort((a, b) => a.first - b.first)
    .map((e) => e.key)
    .join('');
}

/** The payload type an SDP maps to telephone-event/8000 (a=rtpmap), or undefined. */
export function telephoneEventPayloadType(sdp: string): number | undefined {
  const m = /^a=rtpmap:(\d+) telephone-event\/8000\b/im.exec(sdp);
  return m ? Number(m[1]) : undefined;
}

/** A running tcpdump writing to a file. */
export interface Capture {
  file: string;
  /** Stops tcpdump (SIGINT, so it flushes) and answers the UDP datagrams it wrote. */
  stop(): Promise<UdpDatagram[]>;
}

/**
 * Captures UDP to `port` on the loopback with tcpdump (`-U`, so each packet is written as
 * it comes) into `file`; resolves once tcpdump says it listens.
 */
export async function startCapture(opts: {
  file: string;
  port: number;
  iface?: string;
}): Promise<Capture> {
  const child = spawn(
    'tcpdump',
    [
      '-i',
      opts.iface ?? 'lo',
      '-n',
      '-U',
      '-s',
      '0',
      '-w',
      opts.file,
      'udp',
      'dst',
      'port',
      String(opts.port),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  let exited = false;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<void>((resolve) =>
    child.on('close', () => {
      exited = true;
      resolve();
    }),
  );
  child.on('error', (err) => (stderr += String(err)));
  await waitUntil(
    `tcpdump listening on ${opts.iface ?? 'lo'} for udp port ${opts.port}`,
    () => {
      if (exited) throw new Error(`tcpdump exited: ${stderr}`);
      return /listening on/.test(stderr);
    },
    5_000,
    50,
  );
  return {
    file: opts.file,
    async stop() {
      if (!exited) child.kill('SIGINT');
      await done;
      return parsePcap(await readFile(opts.file));
    },
  };
}
