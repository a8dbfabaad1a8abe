import { describe, expect, it } from 'vitest';
import {
  answerDirection,
  mediaSections,
  offerDirection,
  offeredAudioDirection,
  offersVideo,
  remoteHolds,
} from './sdp-direction';

const sdp = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;

describe('sdp directions', () => {
  it('takes the media-level attribute over the session-level one, sendrecv by default', () => {
    const text = sdp(
      'v=0',
      'a=sendonly',
      'm=audio 4000 RTP/AVP 0',
      'm=video 4002 RTP/AVP 96',
      'a=inactive',
    );
    expect(mediaSections(text).map((s) => [s.kind, s.direction])).toEqual([
      ['audio', 'sendonly'],
      ['video', 'inactive'],
    ]);
    expect(offeredAudioDirection(sdp('v=0', 'm=audio 4000 RTP/AVP 0'))).toBe('sendrecv');
  });

  it('F06: parses an IPv6 connection address; only IPv4 0.0.0.0 is the old hold', () => {
    const v6 = sdp('v=0', 'c=IN IP6 2001:db8::1', 'm=audio 4000 RTP/AVP 0', 'a=sendrecv');
    expect(offeredAudioDirection(v6)).toBe('sendrecv');
    const old = sdp('v=0', 'c=IN IP4 0.0.0.0', 'm=audio 4000 RTP/AVP 0');
    expect(offeredAudioDirection(old)).toBe('inactive');
  });

  it('answers per RFC 3264 §6.1 and offers only what this seat wants (F05)', () => {
    expect(answerDirection('sendonly', false)).toBe('recvonly');
    expect(answerDirection('sendonly', true)).toBe('inactive');
    expect(answerDirection('inactive', false)).toBe('inactive');
    expect(answerDirection('recvonly', false)).toBe('sendonly');
    expect(answerDirection('sendrecv', true)).toBe('sendonly');
    expect(offerDirection(false)).toBe('sendrecv');
    expect(offerDirection(true)).toBe('sendonly');
  });

  it('tells a remote hold from the answer to our own hold', () => {
    const dir = (d: string) => sdp('v=0', 'm=audio 4000 RTP/AVP 0', `a=${d}`);
    expect(remoteHolds(dir('sendonly'), 'offer', false)).toBe(true);
    expect(remoteHolds(dir('inactive'), 'offer', false)).toBe(true);
    expect(remoteHolds(dir('sendrecv'), 'offer', false)).toBe(false);
    expect(remoteHolds(dir('recvonly'), 'answer', true)).toBe(false);
    expect(remoteHolds(dir('inactive'), 'answer', true)).toBe(false);
    expect(remoteHolds(dir('sendonly'), 'answer', false)).toBe(true);
  });

  it('sees a live m=video, not a refused one (port 0)', () => {
    expect(offersVideo(sdp('v=0', 'm=audio 1 RTP/AVP 0', 'm=video 5 RTP/AVP 96'))).toBe(true);
    expect(offersVideo(sdp('v=0', 'm=audio 1 RTP/AVP 0', 'm=video 0 RTP/AVP 96'))).toBe(false);
    expect(offersVideo(undefined)).toBe(false);
  });
});
