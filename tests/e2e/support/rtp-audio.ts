import { decodeG711 } from '../../../server/recordings/g711.js';
import { toneCoverage } from '../../../server/recordings/tone.js';
import { parseRtp, type UdpDatagram } from './rtp-capture.js';

/**
 * The audio a SIP peer received, out of a packet capture (rtp-capture.ts): its PCMU RTP
 * packets in a time window, one stream per SSRC (rtpengine's media player sends with an
 * SSRC of its own beside the forwarded one), decoded to 8 kHz linear samples. For tests
 * that listen for what the PBX played (hold music) or forwarded (the seat's voice).
 */
export interface ReceivedStream {
  ssrc: number;
  packets: number;
  /** 8 kHz 16-bit samples, packets in sequence order (RFC 3550 section 5.1). */
  samples: Int16Array;
}

/** PCMU (payload type 0) streams in `datagrams` captured from `fromUs` to `toUs`. */
export function pcmuStreams(
  datagrams: readonly UdpDatagram[],
  fromUs: number,
  toUs: number,
): ReceivedStream[] {
  const bySsrc = new Map<number, { sequence: number; payload: Buffer }[]>();
  for (const d of datagrams) {
    if (d.timeUs < fromUs || d.timeUs > toUs) continue;
    const rtp = parseRtp(d.payload);
    if (!rtp || rtp.payloadType !== 0) continue;
    const list = bySsrc.get(rtp.ssrc) ?? [];
    list.push({ sequence: rtp.sequence, payload: rtp.payload });
    bySsrc.set(rtp.ssrc, list);
  }
  return [...bySsrc].map(([ssrc, list]) => {
    // Sequence numbers wrap at 2^16: order by distance from the first one.
    const first = list[0]!.sequence;
    list.sort((a, b) => ((a.sequence - first) & 0xffff) - ((b.sequence - first) & 0xffff));
    const samples = new Int16Array(list.reduce((n, p) => n + p.payload.length, 0));
    let at = 0;
    for (const p of list) {
      decodeG711('pcmu', p.payload, samples, at);
      at += p.payload.length;
    }
    return { ssrc, packets: list.length, samples };
  });
}

/**
 * The share of 100 ms blocks of a stream in which each frequency carries most of the
 * energy (toneCoverage with minShare 0.5), keyed by frequency.
 */
export function coverageOf(
  stream: ReceivedStream,
  freqs: readonly number[],
): Record<number, number> {
  return Object.fromEntries(
    freqs.map((hz) => [hz, toneCoverage(stream.samples, 8000, hz, { minShare: 0.5 })]),
  );
}
