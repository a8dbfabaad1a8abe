/**
 * SDP media directions for hold and resume, as plain functions over SDP text.
 *
 * sip.js 0.21 derives a re-offer's direction from the transceiver's last direction, so
 * after the far end held us (we answered recvonly) an SDP-less re-INVITE gets a recvonly
 * offer: the hold is mirrored and nobody hears anyone (CASES F05). Here an offer says only
 * what this seat wants (RFC 6337 §5.3), and an answer follows RFC 3264 §6.1.
 */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

const DIRECTIONS: readonly MediaDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/** One m= section as far as direction goes. */
export interface MediaSection {
  kind: string;
  port: number;
  direction: MediaDirection;
  /** The section's connection address is 0.0.0.0 (the RFC 2543 way to hold). */
  nullAddress: boolean;
}

function directionOf(line: string): MediaDirection | null {
  const value = line.slice(2).trim();
  return (DIRECTIONS as readonly string[]).includes(value) ? (value as MediaDirection) : null;
}

/**
 * The m= sections of an SDP with their effective direction: the media-level attribute,
 * else the session-level one, else sendrecv (RFC 4566 §6). Any address family is fine
 * in c= lines (`IN IP6 2001:db8::1`, CASES F06); only `IN IP4 0.0.0.0` means hold.
 */
export function mediaSections(sdp: string): MediaSection[] {
  const sections: MediaSection[] = [];
  let sessionDirection: MediaDirection = 'sendrecv';
  let sessionNull = false;
  let current: MediaSection | null = null;

  for (const raw of sdp.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('m=')) {
      const [kind = '', port = '0'] = line.slice(2).split(/\s+/);
      current = { kind, port: Number(port), direction: sessionDirection, nullAddress: sessionNull };
      sections.push(current);
    } else if (line.startsWith('a=')) {
      const direction = directionOf(line);
      if (!direction) continue;
      if (current) current.direction = direction;
      else sessionDirection = direction;
    } else if (line.startsWith('c=')) {
      const isNull = /^c=IN\s+IP4\s+0\.0\.0\.0\b/i.test(line);
      if (current) current.nullAddress = isNull;
      else sessionNull = isNull;
    }
  }
  return sections;
}

/** The audio section a call is about: the first live (port > 0) m=audio. */
function audioSection(sdp: string): MediaSection | undefined {
  return mediaSections(sdp).find((section) => section.kind === 'audio' && section.port > 0);
}

/** What this seat offers: sendonly while it holds the call, else sendrecv; never a mirror. */
export function offerDirection(localHold: boolean): MediaDirection {
  return localHold ? 'sendonly' : 'sendrecv';
}

/**
 * The answer to an offered direction (RFC 3264 §6.1): sendonly is answered recvonly (or
 * inactive while we hold too), recvonly sendonly, inactive inactive, sendrecv sendrecv
 * (sendonly while we hold).
 */
export function answerDirection(offered: MediaDirection, localHold: boolean): MediaDirection {
  switch (offered) {
    case 'inactive':
      return 'inactive';
    case 'recvonly':
      return 'sendonly';
    case 'sendonly':
      return localHold ? 'inactive' : 'recvonly';
    case 'sendrecv':
      return localHold ? 'sendonly' : 'sendrecv';
  }
}

/** The direction of the offer's audio, for the answer; sendrecv when there is none. */
export function offeredAudioDirection(sdp: string): MediaDirection {
  const audio = audioSection(sdp);
  if (!audio) return 'sendrecv';
  return audio.nullAddress ? 'inactive' : audio.direction;
}

/**
 * Whether the far end's SDP puts this seat on hold (the far end sends nothing to us in
 * its own will). An offer holds when its audio is sendonly, inactive or at 0.0.0.0. In an
 * answer, recvonly and inactive are what our own hold asks for, so only an answer that
 * is sendonly, or inactive to an offer of ours that was not a hold, counts.
 */
export function remoteHolds(sdp: string, kind: 'offer' | 'answer', localHold: boolean): boolean {
  const direction = offeredAudioDirection(sdp);
  if (kind === 'offer') return direction === 'sendonly' || direction === 'inactive';
  if (direction === 'sendonly') return true;
  return direction === 'inactive' && !localHold;
}

/** Whether the SDP offers live video (an m=video with a port), for the sign-language seat. */
export function offersVideo(sdp: string | undefined): boolean {
  if (!sdp) return false;
  return mediaSections(sdp).some((section) => section.kind === 'video' && section.port > 0);
}
