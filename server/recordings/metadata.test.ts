import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { callIdOfMetadataFile, MetadataError, parseMetadata } from './metadata.js';

const SAMPLE = readFileSync(new URL('./fixtures/rtpengine-call.meta.txt', import.meta.url), 'utf8');

describe('rtpengine recording metadata', () => {
  it('reads the pcap path, each SDP with its ports and encodings, and the end time', () => {
    const meta = parseMetadata(SAMPLE);
    expect(meta.pcapPath).toMatch(/\/pcaps\/exp-1796356518267-[0-9a-f]{16}\.pcap$/);
    expect(meta.sdps.map((s) => [s.mode, s.ports])).toEqual([
      ['offer', [41028, 41029]],
      ['answer', [41046, 41047]],
    ]);
    expect(meta.sdps[0]!.encodings.get(0)).toBe('pcmu');
    expect(meta.sdps[0]!.startedMs).toBeCloseTo(1796356518282.082, 2);
    expect(meta.terminatedMs).toBeCloseTo(1796356520325.387, 2);
  });

  it('reads dynamic payload types from rtpmap lines', () => {
    const text = SAMPLE.replace(
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000',
    );
    expect(parseMetadata(text).sdps[0]!.encodings.get(101)).toBe('telephone-event');
  });

  it('refuses a file that does not start with a pcap path', () => {
    expect(() => parseMetadata('hello\n')).toThrow(MetadataError);
  });

  it('takes the Call-ID from the file name, also one with dashes and an at sign', () => {
    expect(callIdOfMetadataFile('rtpengine-meta-1-2345@127.0.0.1-0123456789abcdef.txt')).toBe(
      '1-2345@127.0.0.1',
    );
    // rtpengine percent-escapes the at sign (seen with rtpengine 10.5).
    expect(callIdOfMetadataFile('rtpengine-meta-1-26147%40127.0.0.1-08e70bdba803c66e.txt')).toBe(
      '1-26147@127.0.0.1',
    );
    expect(callIdOfMetadataFile('rtpengine-meta-bad%zz-08e70bdba803c66e.txt')).toBeNull();
    expect(callIdOfMetadataFile('rtpengine-meta-x.txt')).toBeNull();
    expect(callIdOfMetadataFile('notes.txt')).toBeNull();
  });
});
