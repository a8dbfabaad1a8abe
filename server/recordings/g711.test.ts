import { describe, expect, it } from 'vitest';
import { decodeG711 } from './g711.js';

const decode = (law: 'pcmu' | 'pcma', bytes: number[]): number[] => {
  const out = new Int16Array(bytes.length);
  decodeG711(law, Uint8Array.from(bytes), out);
  return [...out];
};

describe('G.711 decoding', () => {
  it('decodes mu-law reference points: silence, both extremes, sign symmetry', () => {
    // G.711 table 2: 0xFF and 0x7F are the two zeros, 0x80 / 0x00 the largest magnitudes.
    expect(decode('pcmu', [0xff, 0x7f, 0x80, 0x00])).toEqual([0, 0, 32124, -32124]);
    expect(decode('pcmu', [0xf0, 0x70])).toEqual([
      -decode('pcmu', [0x70])[0]!,
      -decode('pcmu', [0xf0])[0]!,
    ]);
  });

  it('decodes A-law reference points (the even bits are inverted on the wire)', () => {
    expect(decode('pcma', [0xd5, 0x55, 0xaa, 0x2a])).toEqual([8, -8, 32256, -32256]);
  });

  it('is monotonic over each sign half of the mu-law code space', () => {
    const positive = decode(
      'pcmu',
      Array.from({ length: 128 }, (_, i) => 0xff - i),
    );
    for (let i = 1; i < positive.length; i++)
      expect(positive[i]!).toBeGreaterThan(positive[i - 1]!);
  });

  it('writes at an offset and never past the end of the output', () => {
    const out = new Int16Array(3).fill(7);
    decodeG711('pcmu', Uint8Array.from([0x80, 0x80, 0x80]), out, 2);
    expect([...out]).toEqual([7, 7, 32124]);
  });
});
