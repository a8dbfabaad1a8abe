/**
 * rtpengine's recording metadata file (recording-method = pcap): the first line is the
 * call's pcap file; then, for every SDP rtpengine sent out, its time, its mode (offer or
 * answer) and the SDP itself; the file moves from `tmp/` to `metadata/` when rtpengine
 * forgets the call, so a file in `metadata/` means the pcap is complete.
 */

/** One SDP rtpengine sent, with what the recording needs of it. */
export interface MetadataSdp {
  mode: string;
  /** Epoch milliseconds. */
  startedMs: number;
  /** rtpengine's own ports in this SDP (m= ports and a=rtcp ports): packets to them came
   * from the party this SDP went to. */
  ports: number[];
  /** Payload type -> encoding name, lower case ("pcmu", "pcma", "telephone-event"). */
  encodings: Map<number, string>;
}

export interface RecordingMetadata {
  pcapPath: string;
  sdps: MetadataSdp[];
  /** Epoch milliseconds of the call's end, when rtpengine wrote it. */
  terminatedMs: number | null;
}

export class MetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetadataError';
  }
}

/** The static payload types of RFC 3551 that a caller's phone may use. */
const STATIC_ENCODINGS: Record<number, string> = { 0: 'pcmu', 8: 'pcma', 9: 'g722', 13: 'cn' };

function parseSdp(sdp: string): Pick<MetadataSdp, 'ports' | 'encodings'> {
  const ports: number[] = [];
  const encodings = new Map<number, string>();
  for (const raw of sdp.split(/\r?\n/)) {
    const line = raw.trim();
    const media = /^m=\w+ (\d+)(?:\/\d+)? \S+((?: \d+)*)/.exec(line);
    if (media) {
      ports.push(Number(media[1]));
      for (const pt of (media[2] ?? '').trim().split(' ').filter(Boolean)) {
        const name = STATIC_ENCODINGS[Number(pt)];
        if (name && !encodings.has(Number(pt))) encodings.set(Number(pt), name);
      }
      continue;
    }
    const rtcp = /^a=rtcp:(\d+)/.exec(line);
    if (rtcp) ports.push(Number(rtcp[1]));
    const map = /^a=rtpmap:(\d+) ([^/\s]+)/.exec(line);
    if (map) encodings.set(Number(map[1]), map[2]!.toLowerCase());
  }
  return { ports, encodings };
}

/** Parses a metadata file; MetadataError when it names no pcap file. */
export function parseMetadata(text: string): RecordingMetadata {
  const lines = text.split('\n');
  const pcapPath = lines[0]?.trim() ?? '';
  if (!pcapPath.endsWith('.pcap')) {
    throw new MetadataError(`recording metadata does not start with a .pcap path: "${pcapPath}"`);
  }
  const sdps: MetadataSdp[] = [];
  // Sections start with "Timestamp started ms:"; the SDP follows the first blank line.
  const sections = text.split(/^Timestamp started ms: /m).slice(1);
  for (const section of sections) {
    const startedMs = Number.parseFloat(section);
    const mode = /^SDP mode: (\S+)/m.exec(section)?.[1] ?? 'unknown';
    const sdpStart = section.search(/^v=0/m);
    if (sdpStart < 0) continue;
    const sdpEnd = section.search(/^Timestamp terminated ms/m);
    const sdp = section.slice(sdpStart, sdpEnd < 0 ? undefined : sdpEnd);
    sdps.push({ mode, startedMs, ...parseSdp(sdp) });
  }
  const terminated = /^Timestamp terminated ms[^:]*: ([\d.]+)/m.exec(text)?.[1];
  return { pcapPath, sdps, terminatedMs: terminated ? Number.parseFloat(terminated) : null };
}

/**
 * The Call-ID of a metadata file's name: rtpengine names it
 * `rtpengine-meta-<call-id>-<16 hex digits>.txt`, with the characters of the Call-ID that
 * are not safe in a file name percent-escaped (`1-26147%40127.0.0.1`). Null for any other
 * name.
 */
export function callIdOfMetadataFile(name: string): string | null {
  const match = /^rtpengine-meta-(.+)-[0-9a-f]{16}\.txt$/.exec(name);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}
