import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav, WavError } from './wav.js';

describe('WAV', () => {
  it('round-trips two interleaved 16-bit channels with the right header', () => {
    const left = Int16Array.from([1, -2, 32767, -32768]);
    const right = Int16Array.from([10, 20, 30, 40]);
    const file = encodeWav({ sampleRate: 8000, channels: [left, right] });
    expect(file.length).toBe(44 + 16);
    expect(file.toString('ascii', 0, 4)).toBe('RIFF');
    expect(file.readUInt32LE(28)).toBe(8000 * 2 * 2);
    expect(file.readInt16LE(44)).toBe(1);
    expect(file.readInt16LE(46)).toBe(10);
    const back = decodeWav(file);
    expect(back.sampleRate).toBe(8000);
    expect([...back.channels[0]!]).toEqual([...left]);
    expect([...back.channels[1]!]).toEqual([...right]);
  });

  it('refuses channels of different lengths and files that are not 16-bit PCM WAV', () => {
    expect(() =>
      encodeWav({ sampleRate: 8000, channels: [new Int16Array(2), new Int16Array(3)] }),
    ).toThrow(/equally long/);
    expect(() => decodeWav(Buffer.from('not a wave file'))).toThrow(WavError);
    const eightBit = encodeWav({ sampleRate: 8000, channels: [new Int16Array(2)] });
    eightBit.writeUInt16LE(8, 34);
    expect(() => decodeWav(eightBit)).toThrow(/only 16-bit PCM/);
  });
});
