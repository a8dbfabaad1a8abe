import type { SipConfig } from '../../../shared/hub-api';
import type { CallOffer } from './phone-types';

/** Header names the hub asks Kamailio to add to the INVITE it routes to a seat. */
export const QUEUE_HEADER = 'X-Hotline-Queue';
export const WAIT_HEADER = 'X-Hotline-Wait-Ms';

/**
 * The user part of the seat's address and the name it authenticates with. With ephemeral
 * credentials (Kamailio auth_ephemeral) the hub hands out `<expiry>:<extension>` as the
 * user: that is the digest user name, while the address stays the bare extension (a colon
 * in a SIP URI's user part would start a password, RFC 3261 §19.1.1).
 */
export function sipIdentity(config: Pick<SipConfig, 'user'>): {
  aorUser: string;
  authUser: string;
} {
  const colon = config.user.lastIndexOf(':');
  const aorUser = colon >= 0 ? config.user.slice(colon + 1) : config.user;
  return { aorUser, authUser: config.user };
}

interface InviteLike {
  callId: string;
  getHeader(name: string): string | undefined;
}

/** Reads the offer out of an incoming INVITE; missing or odd headers give neutral values. */
export function offerFromInvite(request: InviteLike, fromUser: string | undefined): CallOffer {
  const queue = (request.getHeader(QUEUE_HEADER) ?? '').trim().slice(0, 64);
  const wait = Number((request.getHeader(WAIT_HEADER) ?? '').trim());
  return {
    callId: request.callId,
    caller: decodeUser(fromUser ?? '').slice(0, 64),
    queue,
    waitMs: Number.isFinite(wait) && wait > 0 ? Math.round(wait) : 0,
  };
}

/** From users may arrive escaped ("%2B8613800138000"). */
function decodeUser(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

/** The header a consult call names the citizen's call with (see PhoneCall.contextCallId). */
export const CONTEXT_HEADER = 'X-Hotline-Context';

/** The citizen's Call-ID an incoming consult call serves; null when none or unusable. */
export function contextFromInvite(request: InviteLike): string | null {
  const value = (request.getHeader(CONTEXT_HEADER) ?? '').trim();
  return value.length > 0 && value.length <= 256 && !/\s/.test(value) ? value : null;
}

/**
 * The header a seat names its own extension with in the 200 OK to a consult call. A call
 * to a queue line (123454, the policy-expert line) is answered by whichever seat the hub
 * picked; an attended transfer must send the citizen to that seat, not to the line, where
 * the INVITE with Replaces would queue again.
 */
export const SEAT_HEADER = 'X-Hotline-Seat';

const EXTENSION = /^[0-9]{2,20}$/;

/** The extension a SEAT_HEADER value names; null when absent or not plain digits. */
export function seatFromAnswer(value: string | undefined): string | null {
  const seat = (value ?? '').trim();
  return EXTENSION.test(seat) ? seat : null;
}
