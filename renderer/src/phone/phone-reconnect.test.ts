import type { Core } from 'sip.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLogSink } from '../lib/log';
import { installFakeWebRtc } from './testing/fake-webrtc';
import {
  answeredInbound,
  answeredOutbound,
  heldCall,
  lastRequest,
  registeredPhone,
  registerOk,
  settle,
  stopRig,
  type Rig,
} from './testing/phone-rig';
import { farSdp, response } from './testing/sip-wire';

let logs: string[];

beforeEach(() => {
  installFakeWebRtc();
  logs = [];
  setLogSink((level, category, message) => logs.push(`${level} ${category} ${message}`));
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  setLogSink(null);
});

/** INVITEs the seat sent since `from` (an index into the wire's INVITEs). */
function invitesSince(rig: Rig, from: number): Core.IncomingRequestMessage[] {
  return rig.wire.requests('INVITE').slice(from);
}

/** A citizen's call put on hold and a consult call: two established lines. */
async function twoLines() {
  const rig = await registeredPhone();
  const citizen = await answeredInbound(rig);
  await heldCall(rig, citizen.callId);
  const consult = await answeredOutbound(rig, '1101', { contextCallId: citizen.callId });
  return { rig, citizen, consult };
}

/** The WebSocket drops and comes back; the seat re-registers (unanswered yet). */
async function reconnect(rig: Rig): Promise<void> {
  const registers = rig.wire.requests('REGISTER').length;
  rig.wire.drop();
  await vi.advanceTimersByTimeAsync(1000); // backoff 1 s, jittered to 0.5-1 s
  expect(rig.wire.requests('REGISTER')).toHaveLength(registers + 1);
}

describe('target refresh after a reconnect (RFC 3261 §12.2.1.2)', () => {
  it('re-INVITEs each call that was up once registered again, one at a time, keeping hold', async () => {
    const { rig, citizen, consult } = await twoLines();
    const before = rig.wire.requests('INVITE').length;

    await reconnect(rig);
    expect(invitesSince(rig, before), 'nothing before the registrar took the seat').toEqual([]);
    await registerOk(rig.wire);

    const [first, ...rest] = invitesSince(rig, before);
    expect(rest, 'one re-INVITE at a time').toEqual([]);
    expect(first!.callId).toBe(citizen.callId);
    expect(first!.getHeader('contact')).toBeDefined();
    expect(first!.body).toContain('a=sendonly'); // still on hold
    rig.wire.deliver(response(first!, 200, 'OK', { body: farSdp('recvonly') }));
    await settle();

    const second = invitesSince(rig, before + 1);
    expect(second.map((r) => r.callId)).toEqual([consult.callId]);
    expect(second[0]!.body).toContain('a=sendrecv');
    rig.wire.deliver(response(second[0]!, 200, 'OK', { body: farSdp() }));
    await settle();

    expect(rig.call(citizen.callId)).toMatchObject({ phase: 'active', held: true });
    expect(rig.call(consult.callId)).toMatchObject({ phase: 'active', held: false });
    expect(logs.join('\n')).toContain(`Call ${consult.callId} reaches this seat over the new`);

    // A later refresh of the registration sends no more re-INVITEs.
    await vi.advanceTimersByTimeAsync(300_000);
    await registerOk(rig.wire);
    expect(invitesSince(rig, before + 2)).toEqual([]);
    await stopRig(rig);
  });

  it('a refused refresh keeps the call and is logged; a 481 ends the call, its dialog gone', async () => {
    const { rig, citizen, consult } = await twoLines();
    const before = rig.wire.requests('INVITE').length;
    await reconnect(rig);
    await registerOk(rig.wire);

    rig.wire.deliver(response(invitesSince(rig, before)[0]!, 500, 'Server Internal Error'));
    await settle();
    expect(rig.call(citizen.callId)).toMatchObject({ phase: 'active', held: true });
    expect(logs.join('\n')).toMatch(
      new RegExp(`warn seat.sip.call Call ${citizen.callId} keeps going, but the target refresh`),
    );

    const second = invitesSince(rig, before + 1);
    expect(second.map((r) => r.callId)).toEqual([consult.callId]);
    rig.wire.deliver(response(second[0]!, 481, 'Call/Transaction Does Not Exist'));
    await settle();
    expect(rig.call(consult.callId)).toMatchObject({
      phase: 'ended',
      failure: { status: 481 },
    });
    expect(rig.call(citizen.callId).phase).toBe('active');
    await stopRig(rig);
  });

  it('a hold asked for during the refresh is refused; the refresh waits for a hold in flight', async () => {
    const rig = await registeredPhone();
    const citizen = await answeredInbound(rig);
    const before = rig.wire.requests('INVITE').length;
    await reconnect(rig);
    await registerOk(rig.wire);
    const refresh = invitesSince(rig, before)[0]!;
    await expect(rig.phone.hold(citizen.callId)).rejects.toThrow(/target refresh/);
    rig.wire.deliver(response(refresh, 200, 'OK', { body: farSdp() }));
    await settle();

    // The agent holds while the transport is down: the refresh comes after the hold's answer.
    const holding = rig.phone.hold(citizen.callId);
    await settle();
    const hold = lastRequest(rig.wire, 'INVITE', citizen.callId);
    await reconnect(rig);
    await registerOk(rig.wire);
    rig.wire.deliver(response(hold, 200, 'OK', { body: farSdp('recvonly') }));
    await holding;
    await settle();
    const after = invitesSince(rig, before + 2);
    expect(after.map((r) => r.callId)).toEqual([citizen.callId]);
    expect(rig.call(citizen.callId).held).toBe(true);
    expect(after[0]!.body).toContain('a=sendonly');
    await stopRig(rig);
  });
});
