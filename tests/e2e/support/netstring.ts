/**
 * Netstrings (`<length>:<bytes>,`), the framing of Kamailio's evapi socket
 * (modparam evapi netstring_format 1).
 */
export function encodeNetstring(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]);
}

/** Incremental decoder: feed TCP chunks, get whole payloads back. */
export class NetstringDecoder {
  private buf = Buffer.alloc(0);

  push(chunk: Buffer): string[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: string[] = [];
    for (;;) {
      const colon = this.buf.indexOf(0x3a);
      if (colon < 0) break;
      const lenText = this.buf.toString('ascii', 0, colon);
      if (!/^\d{1,9}$/.test(lenText)) {
        throw new Error(`netstring: bad length prefix '${lenText.slice(0, 20)}'`);
      }
      const len = Number(lenText);
      const end = colon + 1 + len;
      if (this.buf.length < end + 1) break;
      if (this.buf[end] !== 0x2c) throw new Error('netstring: missing trailing comma');
      out.push(this.buf.toString('utf8', colon + 1, end));
      this.buf = this.buf.subarray(end + 1);
    }
    return out;
  }
}
