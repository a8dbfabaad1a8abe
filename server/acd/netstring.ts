/**
 * Netstring framing (`<length>:<payload>,`, length in bytes, decimal), as Kamailio's
 * evapi module speaks it by default.
 *
 * The decoder never throws on what the peer sends: a frame that breaks the format is
 * reported and skipped, and decoding goes on from the next byte that could start a frame,
 * so one bad write cannot wedge the link.
 */
export function encodeNetstring(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]);
}

/** Longest payload accepted; evapi events are a few hundred bytes. */
export const MAX_FRAME_BYTES = 256 * 1024;

const COLON = 0x3a;
const COMMA = 0x2c;
const MAX_LENGTH_DIGITS = String(MAX_FRAME_BYTES).length;

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

export interface DecodeResult {
  frames: string[];
  /** What was wrong with skipped bytes, one entry per skipped run. */
  errors: string[];
}

export class NetstringDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  /**
   * @param firstByte when set, a payload must start with this byte (`{` for JSON): digits
   *   of garbage that happen to look like a length then cannot hold back the real frames
   *   behind them while the decoder waits for bytes that never come.
   */
  constructor(private readonly firstByte?: number) {}

  /** Feeds received bytes; answers the complete frames and any framing errors. */
  push(chunk: Buffer): DecodeResult {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: string[] = [];
    const errors: string[] = [];
    let skipping: string | null = null;
    let pos = 0;
    const skip = (why: string): void => {
      skipping ??= why;
      pos += 1;
    };
    const flushSkip = (): void => {
      if (skipping !== null) errors.push(skipping);
      skipping = null;
    };

    while (pos < this.buffer.length) {
      if (!isDigit(this.buffer[pos])) {
        skip('bytes outside a netstring frame');
        continue;
      }
      let end = pos;
      while (end < this.buffer.length && isDigit(this.buffer[end])) end++;
      if (end - pos > MAX_LENGTH_DIGITS) {
        skip('netstring length too long');
        continue;
      }
      if (end === this.buffer.length) break; // The length may go on in the next chunk.
      if (this.buffer[end] !== COLON) {
        skip('netstring length not followed by a colon');
        continue;
      }
      const length = Number(this.buffer.toString('latin1', pos, end));
      if (length > MAX_FRAME_BYTES) {
        skip(`netstring frame of ${length} bytes is over the limit`);
        continue;
      }
      const start = end + 1;
      const first = this.buffer[start];
      if (this.firstByte !== undefined && length > 0 && first !== undefined) {
        if (first !== this.firstByte) {
          skip('netstring payload does not start as expected');
          continue;
        }
      }
      if (start + length >= this.buffer.length) break; // Wait for the rest of the frame.
      if (this.buffer[start + length] !== COMMA) {
        skip('netstring frame not closed by a comma');
        continue;
      }
      flushSkip();
      frames.push(this.buffer.toString('utf8', start, start + length));
      pos = start + length + 1;
    }
    flushSkip();
    this.buffer = this.buffer.subarray(pos);
    return { frames, errors };
  }
}
