import type { Core } from 'sip.js';
import { vi } from 'vitest';
import { PhoneService, type PhoneServiceOptions } from '../phone-service';
import type { PhoneCall, PhoneEvent } from '../phone-types';
import { FakeStream, FakeTrack } from './fake-webrtc';
import { FarEnd, farSdp, response, WireTransport } from './sip-wire';

/**
 * A PhoneService on the fake SIP wire, registered, with helpers that play the far ends of
 * calls: the real sip.js stack runs, the test writes the SIP the PBX would deliver.
 */

export const RIG_CONFIG = {
  wsUrl: 'wss://pbx.invalid:5066',
  domain: 'hotline.local',
  user: '1001',
  password: 'secret',
  displayName: 'Agent 1001',
};

/** Lets sip.js's promise chains run (transactions, SDH steps). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) {
    if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(1);
    else await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** A Storage stand-in for the engine's device prefs and instance id. */
export function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
  };
}

export type Rig = Awaited<ReturnType<typeof registeredPhone>>;

export async function registeredPhone(options: Partial<PhoneServiceOptions> = {}) {
  const phone = new PhoneService({
    storage: memoryStorage(),
    now: () => 1_000,
    transport: WireTransport,
    ...options,
  });
  const events: PhoneEvent[] = [];
  phone.subscribe((event) => events.push(event));
  await phone.start(RIG_CONFIG);
  const wire = WireTransport.latest!;
  await registerOk(wire);
  const calls = () => events.flatMap((event) => (event.type === 'call' ? [event.call] : []));
  const call = (callId: string): PhoneCall =>
    calls()
      .filter((c) => c.callId === callId)
      .at(-1)!;
  return { phone, wire, events, calls, call };
}

/** The registrar's 200 to the latest REGISTER, with the seat's Contact back. */
export async function registerOk(wire: WireTransport): Promise<void> {
  const register = wire.requests('REGISTER').at(-1)!;
  const contact = register.getHeader('contact')!;
  wire.deliver(response(register, 200, 'OK', { toTag: 'reg', headers: [`Contact: ${contact}`] }));
  await settle();
}

/** Stops the phone, answering its un-REGISTER and any BYE as the PBX would. */
export async function stopRig(rig: Rig): Promise<void> {
  const stopping = rig.phone.stop();
  for (let i = 0; i < 5; i += 1) {
    await settle();
    for (const bye of rig.wire.requests('BYE')) rig.wire.deliver(response(bye, 200, 'OK'));
    const last = rig.wire.requests('REGISTER').at(-1)!;
    if (/expires=0/.test(last.getHeader('contact') ?? '') || last.getHeader('expires') === '0') {
      rig.wire.deliver(response(last, 200, 'OK', { toTag: 'reg' }));
      break;
    }
  }
  if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(2500);
  await stopping;
}

/** An inbound call, answered and ACKed; `extra` headers go on its INVITE. */
export async function answeredInbound(rig: Rig, extra: string[] = []): Promise<FarEnd> {
  const far = new FarEnd(`in-${Math.random().toString(36).slice(2)}`);
  rig.wire.deliver(far.invite(farSdp(), extra));
  await settle();
  await rig.phone.answer(far.callId);
  await settle();
  far.learn(
    rig.wire
      .responses(200)
      .filter((r) => r.callId === far.callId)
      .at(-1)!,
  );
  rig.wire.deliver(far.ack());
  await settle();
  return far;
}

/** Holds `callId`; the far end answers the re-INVITE recvonly (RFC 3264 §8.4). */
export async function heldCall(rig: Rig, callId: string): Promise<void> {
  const holding = rig.phone.hold(callId);
  await settle();
  rig.wire.deliver(
    response(lastRequest(rig.wire, 'INVITE', callId), 200, 'OK', { body: farSdp('recvonly') }),
  );
  await holding;
}

/**
 * An outbound call the far end answered; its INVITE and the callee's tag. `headers` go on
 * the 200 OK (by default a Contact of a SIP phone registered as `target`).
 */
export async function answeredOutbound(
  rig: Rig,
  target = '1101',
  options: Parameters<PhoneService['dial']>[1] = {},
  headers = [`Contact: <sip:${target}@127.0.0.1:5062>`],
) {
  const callId = await rig.phone.dial(target, options);
  await settle();
  const invite = lastRequest(rig.wire, 'INVITE', callId);
  const toTag = `callee${Math.random().toString(36).slice(2, 8)}`;
  rig.wire.deliver(
    response(invite, 200, 'OK', {
      toTag,
      body: farSdp(),
      headers,
    }),
  );
  await settle();
  return { callId, invite, toTag };
}

/** A BYE from the callee of an outbound call (the far end's tag is the To tag). */
export function calleeBye(invite: Core.IncomingRequestMessage, toTag: string): string {
  const seatContact = invite.parseHeader('contact') as Core.NameAddrHeader;
  const lines = [
    `BYE ${seatContact.uri.toString()} SIP/2.0`,
    `Via: SIP/2.0/WSS pbx.invalid;branch=z9hG4bKbye${invite.callId}`,
    'Max-Forwards: 70',
    `From: ${invite.getHeader('to')};tag=${toTag}`,
    `To: ${invite.getHeader('from')}`,
    `Call-ID: ${invite.callId}`,
    'CSeq: 7 BYE',
    'Content-Length: 0',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export function lastRequest(
  wire: WireTransport,
  method: string,
  callId: string,
): Core.IncomingRequestMessage {
  const found = wire
    .requests(method)
    .filter((r) => r.callId === callId)
    .at(-1);
  if (!found) throw new Error(`no ${method} sent on call ${callId}`);
  return found;
}

/**
 * An AudioContext that records the mix's graph: nodes are named by what they carry
 * (`src:<track id>`, `gain`, `dest:<track id>`), edges as "from -> to".
 */
export function recordingAudioContext() {
  const edges: string[] = [];
  const gains: Array<{ value: number }> = [];
  const freqs: number[] = [];
  let closed = false;
  const node = (label: string) => ({
    label,
    connect(to: { label: string }) {
      edges.push(`${label} -> ${to.label}`);
      return to;
    },
    disconnect() {
      edges.splice(0, edges.length, ...edges.filter((edge) => !edge.startsWith(`${label} `)));
    },
  });
  const context = {
    state: 'running',
    currentTime: 0,
    destination: node('speaker'),
    resume: () => Promise.resolve(),
    close: () => {
      closed = true;
      return Promise.resolve();
    },
    createMediaStreamSource: (stream: FakeStream) =>
      node(
        `src:${stream
          .getTracks()
          .map((t) => t.id)
          .join('+')}`,
      ),
    createMediaStreamDestination: () => {
      const track = new FakeTrack('audio');
      return { ...node(`dest:${track.id}`), stream: new FakeStream([track]) };
    },
    createGain: () => {
      const gain = {
        value: 1,
        setValueAtTime: () => undefined,
        linearRampToValueAtTime: () => undefined,
      };
      gains.push(gain);
      return { ...node('gain'), gain };
    },
    createOscillator: () => {
      const oscillator = {
        ...node('osc'),
        frequency: { value: 0 },
        start: () => freqs.push(oscillator.frequency.value),
        stop: () => undefined,
      };
      return oscillator;
    },
  };
  return {
    make: () => context as unknown as AudioContext,
    edges,
    gains,
    freqs,
    closed: () => closed,
  };
}
