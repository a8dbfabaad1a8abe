import { decodeG711, type G711Law } from './g711.js';
import type { RecordingMetadata } from './metadata.js';
import type { UdpPacket } from './pcap.js';
import { parseRtp } from './rtp.js';
import type { PcmAudio } from './wav.js';

/** G.711 runs at 8 kHz; the recording does too. */
export const RECORDING_SAMPLE_RATE = 8000;

/** Channel 0 is the caller, channel 1 the seat. */
export const CALLER_CHANNEL = 0;
export const SEAT_CHANNEL = 1;

export interface ConvertedCall {
  /** Two channels: the caller (left) and the seat (right). */
  audio: PcmAudio;
  /** Epoch microseconds of the first RTP packet (sample 0 of the audio). */
  startedUs: number;
  durationMs: number;
  /** RTP packets decoded per party. */
  decoded: { caller: number; seat: number };
  /** Packets left out, by encoding name ("opus", "telephone-event", "pt96"...). */
  skipped: Record<string, number>;
}

interface Stream {
  channel: number;
  firstUs: number;
  firstTs: number;
  packets: { ts: number; law: G711Law; payload: Buffer }[];
}

/**
 * Turns a call's capture (rtpengine's pcap: every datagram it received from either party)
 * into a two-channel 8 kHz recording. Which party sent a packet follows from its
 * destination port: the first SDP in the metadata is the offer rtpengine sent to the seat,
 * so packets to its ports came from the seat, and the rest from the caller.
 *
 * Each RTP stream (party and SSRC) is placed by its RTP timestamps from the arrival time of
 * its first packet, so network jitter does not stretch or squeeze the audio; streams of one
 * party (a tone and an echo, a prompt) are mixed. Only G.711 (PCMU, PCMA) is decoded: the
 * callers' phones and the seats' leg towards them use it; other encodings (Opus when a
 * seat-to-seat call records, RFC 4733 events, comfort noise) are counted in `skipped`.
 * Returns null when the capture holds no decodable RTP (a call that was never answered).
 */
export function convertCall(meta: RecordingMetadata, packets: UdpPacket[]): ConvertedCall | null {
  const seatPorts = new Set(meta.sdps[0]?.ports ?? []);
  const encodings = new Map<number, string>([
    [0, 'pcmu'],
    [8, 'pcma'],
  ]);
  for (const sdp of meta.sdps) for (const [pt, name] of sdp.encodings) encodings.set(pt, name);

  const streams = new Map<string, Stream>();
  const skipped: Record<string, number> = {};
  const decoded = { caller: 0, seat: 0 };
  let startUs = Infinity;
  for (const udp of packets) {
    const rtp = parseRtp(udp.payload);
    if (!rtp) continue;
    const name = encodings.get(rtp.payloadType) ?? `pt${rtp.payloadType}`;
    if (name !== 'pcmu' && name !== 'pcma') {
      skipped[name] = (skipped[name] ?? 0) + 1;
      continue;
    }
    const channel = seatPorts.has(udp.dstPort) ? SEAT_CHANNEL : CALLER_CHANNEL;
    const key = `${channel}:${rtp.ssrc}`;
    let stream = streams.get(key);
    if (!stream) {
      stream = { channel, firstUs: udp.timeUs, firstTs: rtp.timestamp, packets: [] };
      streams.set(key, stream);
    }
    stream.packets.push({ ts: rtp.timestamp, law: name, payload: rtp.payload });
    startUs = Math.min(startUs, udp.timeUs);
    if (channel === SEAT_CHANNEL) decoded.seat++;
    else decoded.caller++;
  }
  if (streams.size === 0) return null;

  // Where each packet's samples go, then one pass to size and one to mix.
  const placed: { channel: number; at: number; law: G711Law; payload: Buffer }[] = [];
  let frames = 0;
  for (const stream of streams.values()) {
    const base = Math.round(((stream.firstUs - startUs) * RECORDING_SAMPLE_RATE) / 1e6);
    for (const p of stream.packets) {
      // 32-bit RTP timestamps wrap; a packet from before the stream's first is dropped.
      const delta = (p.ts - stream.firstTs) >>> 0;
      if (delta >= 0x80000000) continue;
      const at = base + delta;
      placed.push({ channel: stream.channel, at, law: p.law, payload: p.payload });
      frames = Math.max(frames, at + p.payload.length);
    }
  }
  const mix = [new Int32Array(frames), new Int32Array(frames)];
  const scratch = new Int16Array(2048);
  for (const p of placed) {
    const n = Math.min(p.payload.length, scratch.length);
    decodeG711(p.law, p.payload.subarray(0, n), scratch);
    const target = mix[p.channel]!;
    for (let i = 0; i < n; i++) target[p.at + i]! += scratch[i]!;
  }
  const channels = mix.map((m) => Int16Array.from(m, (v) => Math.max(-32768, Math.min(32767, v))));
  return {
    audio: { sampleRate: RECORDING_SAMPLE_RATE, channels },
    startedUs: startUs,
    durationMs: Math.round((frames * 1000) / RECORDING_SAMPLE_RATE),
    decoded,
    skipped,
  };
}
