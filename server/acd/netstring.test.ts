import { describe, expect, it } from 'vitest';
import { encodeNetstring, NetstringDecoder } from './netstring.js';

const JSON_START = 0x7b;

describe('netstring', () => {
  it('encodes the byte length, not the character count', () => {
    expect(encodeNetstring('{"a":"东莞"}').toString()).toBe('14:{"a":"东莞"},');
  });

  it('decodes frames split across chunks and glued together', () => {
    const d = new NetstringDecoder();
    const wire = Buffer.concat([encodeNetstring('{"n":1}'), encodeNetstring('{"n":"莞"}')]);
    const frames: string[] = [];
    for (let i = 0; i < wire.length; i += 3) frames.push(...d.push(wire.subarray(i, i + 3)).frames);
    expect(frames).toEqual(['{"n":1}', '{"n":"莞"}']);
  });

  it('skips garbage and finds the next frame', () => {
    const d = new NetstringDecoder(JSON_START);
    const r = d.push(Buffer.from('hello world\r\n7:{"n":1},5:oops!2:{},'));
    expect(r.frames).toEqual(['{"n":1}', '{}']);
    expect(r.errors.length).toBeGreaterThan(0);
  });

  it('does not wait forever behind a length made of garbage digits', () => {
    const d = new NetstringDecoder(JSON_START);
    const r = d.push(Buffer.from('99:7:{"n":2},'));
    expect(r.frames).toEqual(['{"n":2}']);
  });

  it('refuses an oversized length without buffering it', () => {
    const d = new NetstringDecoder(JSON_START);
    const r = d.push(Buffer.from('99999999:7:{"n":3},'));
    expect(r.frames).toEqual(['{"n":3}']);
    expect(r.errors[0]).toMatch(/too long|over the limit/);
  });

  it('keeps an incomplete frame until the rest arrives', () => {
    const d = new NetstringDecoder(JSON_START);
    expect(d.push(Buffer.from('12:{"call":')).frames).toEqual([]);
    expect(d.push(Buffer.from('"x"},')).frames).toEqual(['{"call":"x"}']);
  });
});
