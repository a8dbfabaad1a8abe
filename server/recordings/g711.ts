/**
 * G.711 (ITU-T G.711) to 16-bit linear PCM: mu-law (PCMU, RTP payload type 0) and A-law
 * (PCMA, type 8), the codecs of the callers' leg. Written from the standard's segment
 * tables; decoding is a lookup.
 */

function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  let magnitude = (mantissa << 4) + 8;
  if (exponent > 0) magnitude = (magnitude + 0x100) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

const ULAW = Int16Array.from({ length: 256 }, (_, i) => ulawToLinear(i));
const ALAW = Int16Array.from({ length: 256 }, (_, i) => alawToLinear(i));

export type G711Law = 'pcmu' | 'pcma';

/** Decodes G.711 bytes into `out` from `offset` (one sample per byte). */
export function decodeG711(law: G711Law, bytes: Uint8Array, out: Int16Array, offset = 0): void {
  const table = law === 'pcmu' ? ULAW : ALAW;
  const n = Math.min(bytes.length, out.length - offset);
  for (let i = 0; i < n; i++) out[offset + i] = table[bytes[i]!]!;
}
