/**
 * The phone channel: PhoneControl across a MessagePort, so the phone engine (in the web
 * seat's top page, or Electron's hidden window) and the desk UI (a frame, or the visible
 * window) live apart and a reload of the desk keeps the calls.
 *
 *   desk (PhoneClient)                           engine (servePhone)
 *     request  {kind, id, method, args}  ─────▶  checks the frame and the args, calls
 *     response {kind, id, ok, result|error} ◀──  the engine, answers once
 *     event    {kind: 'event', event}     ◀────  every PhoneEvent, to the newest desk only
 *     superseded                          ◀────  another desk connected: no more events
 *
 * Frames are structured-cloned plain objects, checked with zod at both ends.
 */
export { PhoneChannelError, type PortLike } from './phone-channel-frames';
export { PhoneClient, type PhoneClientOptions } from './phone-client';
export { servePhone, type PhoneConnection } from './phone-server';
