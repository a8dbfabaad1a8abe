/**
 * RIFF WAVE with 16-bit PCM samples: what the hub stores and serves (audio/wav plays in
 * every browser's <audio>). Channels are interleaved.
 */
export interface PcmAudio {
  sampleRate: number;
  /** One Int16Array per channel, all the same length. */
  channels: Int16Array[];
}

export class WavError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WavError';
  }
}

export function encodeWav(audio: PcmAudio): Buffer {
  const count = audio.channels.length;
  if (count === 0) throw new WavError('a WAV file needs at least one channel');
  const frames = audio.channels[0]!.length;
  if (audio.channels.some((c) => c.length !== frames)) {
    throw new WavError('the channels of a WAV file must be equally long');
  }
  const dataBytes = frames * count * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(count, 22);
  out.writeUInt32LE(audio.sampleRate, 24);
  out.writeUInt32LE(audio.sampleRate * count * 2, 28);
  out.writeUInt16LE(count * 2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  let at = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < count; c++) {
      out.writeInt16LE(audio.channels[c]![i]!, at);
      at += 2;
    }
  }
  return out;
}

/** Reads a 16-bit PCM WAV file (other formats are refused with WavError). */
export function decodeWav(file: Buffer): PcmAudio {
  if (file.length < 12 || file.toString('ascii', 0, 4) !== 'RIFF') {
    throw new WavError('not a WAV file: no RIFF header');
  }
  if (file.toString('ascii', 8, 12) !== 'WAVE') throw new WavError('not a WAV file: no WAVE');
  let at = 12;
  let format: { channels: number; sampleRate: number; bits: number; tag: number } | null = null;
  while (at + 8 <= file.length) {
    const id = file.toString('ascii', at, at + 4);
    const size = file.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      format = {
        tag: file.readUInt16LE(body),
        channels: file.readUInt16LE(body + 2),
        sampleRate: file.readUInt32LE(body + 4),
        bits: file.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!format) throw new WavError('WAV data chunk before its fmt chunk');
      if (format.tag !== 1 || format.bits !== 16 || format.channels < 1) {
        throw new WavError(
          `WAV format ${format.tag} with ${format.bits}-bit samples: only 16-bit PCM is read`,
        );
      }
      const bytes = Math.min(size, file.length - body);
      const frames = Math.floor(bytes / (2 * format.channels));
      const channels = Array.from({ length: format.channels }, () => new Int16Array(frames));
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < format.channels; c++) {
          channels[c]![i] = file.readInt16LE(body + (i * format.channels + c) * 2);
        }
      }
      return { sampleRate: format.sampleRate, channels };
    }
    at = body + size + (size % 2);
  }
  throw new WavError('WAV file without a data chunk');
}
