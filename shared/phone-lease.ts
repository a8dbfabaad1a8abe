import { z } from 'zod';

/**
 * One phone per web seat. The seat host serves the same page to every browser window
 * that opens it; each page would start its own phone engine and register the seat's
 * extension again, so calls would ring in a window the agent is not looking at, and
 * whichever page unregisters last would take the seat off the PBX. The phone host page
 * therefore holds a lease on the seat host's `/phone-lease` socket before it starts the
 * desk: one window holds it at a time, for as long as its socket stays open.
 *
 *   window                                 seat host
 *   claim {takeover: false}  ───────────▶  free: granted; held by another window: busy
 *   claim {takeover: true}   ───────────▶  holder gets taken-over ...
 *                            ◀── released  ... it stops its phone (un-REGISTER), then
 *   granted                  ◀───────────  the new window gets the lease (or after
 *                                          PHONE_LEASE_RELEASE_WAIT_MS without an answer)
 *
 * A frame the host cannot read gets `error` naming what is wrong; the socket stays open.
 */
export const PHONE_LEASE_PATH = '/phone-lease';

/**
 * How long the seat host waits for the window that was taken over to say it stopped its
 * phone before it grants the lease anyway (a hung page must not keep the seat).
 */
export const PHONE_LEASE_RELEASE_WAIT_MS = 5000;

export const PhoneLeaseClientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('claim'), takeover: z.boolean() }).strict(),
  z.object({ type: z.literal('released') }).strict(),
]);
export type PhoneLeaseClientFrame = z.infer<typeof PhoneLeaseClientFrameSchema>;

export const PhoneLeaseHostFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('granted') }).strict(),
  z.object({ type: z.literal('busy') }).strict(),
  z.object({ type: z.literal('taken-over') }).strict(),
  z.object({ type: z.literal('error'), message: z.string() }).strict(),
]);
export type PhoneLeaseHostFrame = z.infer<typeof PhoneLeaseHostFrameSchema>;
