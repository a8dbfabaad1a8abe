import type { Core } from 'sip.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLogSink } from '../lib/log';
import { PhoneService } from './phone-service';
import type { PhoneCall, PhoneEvent } from './phone-types';
import { FakePeerConnection, installFakeWebRtc, type FakeMedia } from './testing/fake-webrtc';
import { memoryStorage, settle } from './testing/phone-rig';
import { FarEnd, farSdp, response, WireTransport } from './testing/sip-wire';

const CONFIG = {
  wsUrl: 'wss://pbx.invalid:5066',
  domain: 'hotline.local',
  user: '1001',
  password: 'secret',
  displayName: 'Agent 1001',
};

let media: FakeMedia;
let logs: string[];

beforeEach(() => {
  media = installFakeWebRtc();
  logs = [];
  setLogSink((_level, category, message) => logs.push(`${category} ${message}`));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  setLogSink(null);
});

async function startedPhone(storage = memoryStorage(), options = {}) {
  const phone = new PhoneService({ storage, now: () => 1_000, transport: WireTransport });
  const events: PhoneEvent[] = [];
  phone.subscribe((event) => events.push(event));
  await phone.start(CONFIG, options);
  const wire = WireTransport.latest!;
  const states = () =>
    events.flatMap((event) => (event.type === 'registration' ? [event.state] : []));
  const calls = () => events.flatMap((event) => (event.type === 'call' ? [event.call] : []));
  return { phone, wire, events, states, calls, storage };
}

function lastRegister(wire: WireTransport) {
  return wire.requests('REGISTER').at(-1)!;
}

/** The registrar's 200: the seat's Contact back with the granted expiry. */
function registerOk(wire: WireTransport, expires = 300) {
  const request = lastRegister(wire);
  const contact = request.getHeader('contact')!.replace(/;expires=\d+/, `;expires=${expires}`);
  wire.deliver(response(request, 200, 'OK', { toTag: 'reg', headers: [`Contact: ${contact}`] }));
}

/** Stops the phone, answering its un-REGISTER as a registrar would. */
async function stopPhone(setup: { phone: PhoneService; wire: WireTransport }): Promise<void> {
  const stopping = setup.phone.stop();
  for (let i = 0; i < 5; i += 1) {
    await settle();
    const last = lastRegister(setup.wire);
    if (/expires=0/.test(last.getHeader('contact') ?? '') || last.getHeader('expires') === '0') {
      setup.wire.deliver(response(last, 200, 'OK', { toTag: 'reg' }));
      break;
    }
  }
  if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(2500);
  await stopping;
}

/** Runs `work` while a far end answers each INFO the seat sends with `status`. */
async function answeringInfos<T>(
  wire: WireTransport,
  work: Promise<T>,
  status = 200,
  phrase = 'OK',
): Promise<T> {
  let done = false;
  const result = work.finally(() => {
    done = true;
  });
  result.catch(() => undefined);
  let answered = 0;
  for (let i = 0; i < 50 && !done; i += 1) {
    await settle();
    const infos = wire.requests('INFO');
    for (const info of infos.slice(answered)) wire.deliver(response(info, status, phrase));
    answered = infos.length;
  }
  return result;
}

async function registered(options = {}) {
  const setup = await startedPhone(memoryStorage(), options);
  registerOk(setup.wire);
  await settle();
  return setup;
}

describe('PhoneService registration', () => {
  it('is registered after the first 200', async () => {
    const { phone, states, wire } = await startedPhone();
    expect(wire.requests('REGISTER')).toHaveLength(1);
    registerOk(wire);
    await settle();
    expect(states()).toEqual(['connecting', 'registering', 'registered']);
    expect((await phone.snapshot()).registration).toBe('registered');
    await stopPhone({ phone, wire });
  });

  it('keeps one Contact with the seat instance id across restarts of the phone page', async () => {
    const storage = memoryStorage();
    const first = await startedPhone(storage);
    registerOk(first.wire);
    await settle();
    const contact = lastRegister(first.wire).getHeader('contact')!;
    await stopPhone(first);
    const second = await startedPhone(storage);
    registerOk(second.wire);
    await settle();
    expect(contact).toMatch(/\+sip\.instance="<urn:uuid:[0-9a-f-]{36}>"/);
    expect(lastRegister(second.wire).getHeader('contact')).toBe(contact);
    await stopPhone(second);
  });

  it('re-registers with the same Registerer after the WebSocket comes back', async () => {
    vi.useFakeTimers();
    const { phone, wire, states } = await registered();
    const callId = lastRegister(wire).callId;
    wire.drop();
    expect(states().at(-1)).toBe('connecting');
    await vi.advanceTimersByTimeAsync(1000); // backoff 1 s, jittered to 0.5-1 s
    expect(wire.requests('REGISTER')).toHaveLength(2);
    expect(lastRegister(wire).callId).toBe(callId);
    registerOk(wire);
    await settle();
    expect(states().at(-1)).toBe('registered');
    await stopPhone({ phone, wire });
  });

  it('says failed when the registrar refuses, and tries again later', async () => {
    vi.useFakeTimers();
    const { phone, wire, states } = await startedPhone();
    wire.deliver(response(lastRegister(wire), 403, 'Forbidden', { toTag: 'reg' }));
    await settle();
    expect(states().at(-1)).toBe('failed');
    await vi.advanceTimersByTimeAsync(1000);
    expect(wire.requests('REGISTER')).toHaveLength(2);
    registerOk(wire);
    await settle();
    expect(states().at(-1)).toBe('registered');
    await stopPhone({ phone, wire });
  });

  it('F02: a refresh while a REGISTER is unanswered waits, then goes out by itself', async () => {
    vi.useFakeTimers();
    const { phone, wire, states } = await startedPhone();
    registerOk(wire, 30);
    await settle();

    // A reconnect sends a REGISTER the registrar does not answer yet ...
    wire.drop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(wire.requests('REGISTER')).toHaveLength(2);
    // ... and the refresh timer (99 % of 30 s) fires meanwhile: nothing new goes out.
    await vi.advanceTimersByTimeAsync(29_000);
    expect(wire.requests('REGISTER')).toHaveLength(2);

    registerOk(wire, 30);
    await settle();
    expect(wire.requests('REGISTER')).toHaveLength(3);
    registerOk(wire, 30);
    await settle();
    expect(states().at(-1)).toBe('registered');
    await stopPhone({ phone, wire });
  });

  it('F02: after an unanswered REGISTER times out (408) the waiting one goes out', async () => {
    vi.useFakeTimers();
    const { phone, wire } = await startedPhone();
    registerOk(wire, 30);
    await settle();
    wire.drop();
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(29_000); // refresh queued behind it
    expect(wire.requests('REGISTER')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(4_000); // Timer F (32 s): sip.js answers itself 408
    expect(wire.requests('REGISTER')).toHaveLength(3);
    await stopPhone({ phone, wire });
  });

  it('F03: 423 with Min-Expires re-registers at once with it and refreshes from it', async () => {
    vi.useFakeTimers();
    const { phone, wire, states } = await startedPhone();
    expect(lastRegister(wire).getHeader('contact')).toMatch(/;expires=300$/);
    wire.deliver(
      response(lastRegister(wire), 423, 'Interval Too Brief', {
        toTag: 'reg',
        headers: ['Min-Expires: 3600'],
      }),
    );
    await settle();
    expect(wire.requests('REGISTER')).toHaveLength(2);
    expect(lastRegister(wire).getHeader('contact')).toMatch(/;expires=3600$/);

    registerOk(wire, 3600);
    await settle();
    expect(states().at(-1)).toBe('registered');
    await vi.advanceTimersByTimeAsync(3000 * 1000);
    expect(wire.requests('REGISTER')).toHaveLength(2); // not refreshed at the old 300 s
    await vi.advanceTimersByTimeAsync(570 * 1000); // 99 % of 3600 s
    expect(wire.requests('REGISTER')).toHaveLength(3);
    expect(lastRegister(wire).getHeader('contact')).toMatch(/;expires=3600$/);
    await stopPhone({ phone, wire });
  });
});

/** An inbound call rung in and answered; returns the far end and the seat's 200. */
async function inboundCall(setup: Awaited<ReturnType<typeof registered>>, sdp = farSdp()) {
  const far = new FarEnd(`call-${Math.random().toString(36).slice(2)}`);
  setup.wire.deliver(far.invite(sdp, ['X-Hotline-Queue: general', 'X-Hotline-Wait-Ms: 4200']));
  await settle();
  return far;
}

async function answered(setup: Awaited<ReturnType<typeof registered>>, sdp = farSdp()) {
  const far = await inboundCall(setup, sdp);
  await setup.phone.answer(far.callId);
  await settle();
  const ok = setup.wire
    .responses(200)
    .filter((r) => r.callId === far.callId)
    .at(-1)!;
  far.learn(ok);
  setup.wire.deliver(far.ack());
  await settle();
  return { far, ok };
}

function callOf(setup: { calls(): PhoneCall[] }, callId: string): PhoneCall {
  return setup
    .calls()
    .filter((call) => call.callId === callId)
    .at(-1)!;
}

function lastOffer(wire: WireTransport, callId: string): Core.IncomingRequestMessage {
  return wire
    .requests('INVITE')
    .filter((r) => r.callId === callId)
    .at(-1)!;
}

describe('PhoneService inbound calls', () => {
  it('rings, answers with sendrecv, plays on remote-audio and ends on BYE', async () => {
    const setup = await registered();
    const far = await inboundCall(setup);
    const incoming = setup.events.find((event) => event.type === 'incoming');
    expect(incoming).toMatchObject({
      call: { callId: far.callId, queue: 'general', waitMs: 4200 },
    });
    expect(callOf(setup, far.callId)).toMatchObject({ phase: 'ringing', direction: 'inbound' });
    // sip.js sends the 180 itself (autoSendAnInitialProvisionalResponse); once only.
    expect(setup.wire.responses(180).filter((r) => r.callId === far.callId)).toHaveLength(1);

    await setup.phone.answer(far.callId);
    await settle();
    const ok = setup.wire.responses(200).find((r) => r.callId === far.callId)!;
    expect(ok.body).toContain('a=sendrecv');
    far.learn(ok);
    setup.wire.deliver(far.ack());
    await settle();
    expect(callOf(setup, far.callId)).toMatchObject({ phase: 'active', answeredAt: 1_000 });
    expect(media.elements[0]?.dataset.testid).toBe('remote-audio');

    setup.wire.deliver(far.bye());
    await settle();
    expect(callOf(setup, far.callId)).toMatchObject({ phase: 'ended', outcome: 'ended' });
    expect(media.elements[0]?.removed).toBe(true);
    const snapshot = await setup.phone.snapshot();
    expect(snapshot.calls.map((call) => call.callId)).toEqual([far.callId]);
    expect(logs.join('\n')).not.toContain('13800138000');
    await stopPhone(setup);
  });

  it('answers 486 to an INVITE while a call is live', async () => {
    const setup = await registered();
    const first = await inboundCall(setup);
    const second = await inboundCall(setup);
    expect(setup.wire.responses(486).map((r) => r.callId)).toEqual([second.callId]);
    expect(callOf(setup, first.callId).phase).toBe('ringing');
    await stopPhone(setup);
  });

  it('declines a ringing call with 486 (missed), and a CANCEL is missed too', async () => {
    const setup = await registered();
    const declined = await inboundCall(setup);
    await setup.phone.hangup(declined.callId);
    await settle();
    expect(setup.wire.responses(486).map((r) => r.callId)).toEqual([declined.callId]);
    expect(callOf(setup, declined.callId)).toMatchObject({ phase: 'ended', outcome: 'missed' });

    const gone = await inboundCall(setup);
    setup.wire.deliver(gone.cancel());
    await settle();
    expect(setup.wire.responses(487).map((r) => r.callId)).toEqual([gone.callId]);
    expect(callOf(setup, gone.callId)).toMatchObject({ outcome: 'missed', failure: null });
    await stopPhone(setup);
  });

  it('a failed answer (microphone refused) is failed with no-microphone', async () => {
    const setup = await registered();
    const far = await inboundCall(setup);
    media.failNext('NotAllowedError');
    await setup.phone.answer(far.callId);
    await settle();
    expect(callOf(setup, far.callId)).toMatchObject({
      outcome: 'failed',
      failure: { code: 'no-microphone' },
    });
    expect(setup.events).toContainEqual(expect.objectContaining({ microphone: 'denied' }));
    await stopPhone(setup);
  });

  it('F06: takes an offer with an IPv6 connection address', async () => {
    const setup = await registered();
    const { far } = await answered(setup, farSdp('sendrecv', { address: 'IN IP6 2001:db8::1' }));
    expect(callOf(setup, far.callId).phase).toBe('active');
    await stopPhone(setup);
  });

  it('takes a video offer with the camera (sign-language seat)', async () => {
    const setup = await registered();
    const { far, ok } = await answered(setup, farSdp('sendrecv', { video: true }));
    expect(callOf(setup, far.callId).video).toBe(true);
    expect(media.getUserMedia).toHaveBeenCalledWith(expect.objectContaining({ video: true }));
    expect(ok.body).toContain('m=video');
    expect(setup.phone.remoteMediaStream(far.callId)).toBeDefined();
    expect(setup.phone.localMediaStream(far.callId)?.getVideoTracks()).toHaveLength(1);
    await stopPhone(setup);
  });
});

describe('PhoneService hold, mute, DTMF', () => {
  it('holds with a=sendonly, resumes with a=sendrecv, and silences the microphone meanwhile', async () => {
    const setup = await registered();
    const { far } = await answered(setup);
    const pc = FakePeerConnection.all.at(-1)!;
    const micTrack = () => pc.getSenders()[0]!.track!;

    const holding = setup.phone.hold(far.callId);
    await settle();
    const holdOffer = lastOffer(setup.wire, far.callId);
    expect(holdOffer.body).toContain('a=sendonly');
    expect(micTrack().enabled).toBe(false);
    setup.wire.deliver(response(holdOffer, 200, 'OK', { body: farSdp('recvonly') }));
    await holding;
    expect(callOf(setup, far.callId)).toMatchObject({ held: true, remoteHeld: false });

    const resuming = setup.phone.resume(far.callId);
    await settle();
    const resumeOffer = lastOffer(setup.wire, far.callId);
    expect(resumeOffer.body).toContain('a=sendrecv');
    setup.wire.deliver(response(resumeOffer, 200, 'OK', { body: farSdp('sendrecv') }));
    await resuming;
    expect(callOf(setup, far.callId).held).toBe(false);
    expect(micTrack().enabled).toBe(true);
    await stopPhone(setup);
  });

  it('a refused hold (491) leaves the call as it was and can be tried again', async () => {
    const setup = await registered();
    const { far } = await answered(setup);
    const holding = setup.phone.hold(far.callId);
    await settle();
    setup.wire.deliver(response(lastOffer(setup.wire, far.callId), 491, 'Request Pending'));
    await expect(holding).rejects.toThrow(/491/);
    expect(callOf(setup, far.callId).held).toBe(false);
    expect(FakePeerConnection.all.at(-1)!.signalingState).toBe('stable');
    await stopPhone(setup);
  });

  it('refuses a hold or resume while a re-INVITE is in flight, changing nothing', async () => {
    const setup = await registered();
    const { far } = await answered(setup);
    const pc = FakePeerConnection.all.at(-1)!;
    const micTrack = () => pc.getSenders()[0]!.track!;
    const invites = () => setup.wire.requests('INVITE').filter((r) => r.callId === far.callId);

    const holding = setup.phone.hold(far.callId);
    await settle();
    const sent = invites().length;
    await expect(setup.phone.resume(far.callId)).rejects.toThrow(
      /Cannot resume call .*still waiting for the far end's answer/,
    );
    await expect(setup.phone.hold(far.callId)).rejects.toThrow(/Cannot hold call .*still waiting/);
    await settle();
    expect(invites()).toHaveLength(sent);
    expect(micTrack().enabled).toBe(false);

    setup.wire.deliver(
      response(lastOffer(setup.wire, far.callId), 200, 'OK', {
        body: farSdp('recvonly'),
      }),
    );
    await holding;
    expect(callOf(setup, far.callId).held).toBe(true);
    expect(micTrack().enabled).toBe(false);
    // The options the first re-INVITE set stand: the next one from sip.js still holds.
    const held = setup.phone.resume(far.callId);
    await settle();
    expect(lastOffer(setup.wire, far.callId).body).toContain('a=sendrecv');
    setup.wire.deliver(
      response(lastOffer(setup.wire, far.callId), 200, 'OK', {
        body: farSdp('sendrecv'),
      }),
    );
    await held;
    expect(micTrack().enabled).toBe(true);
    await stopPhone(setup);
  });

  it.each([
    [408, 'Request Timeout', 'dialog-lost'],
    [481, 'Call/Transaction Does Not Exist', 'dialog-lost'],
  ])(
    'a %i to a hold re-INVITE ends the call with a BYE (RFC 3261 §14.1)',
    async (status, phrase, code) => {
      const setup = await registered();
      const { far } = await answered(setup);
      const holding = setup.phone.hold(far.callId);
      await settle();
      setup.wire.deliver(response(lastOffer(setup.wire, far.callId), status, phrase));
      await expect(holding).rejects.toThrow(new RegExp(`${status}`));
      await settle();
      const bye = setup.wire.requests('BYE').filter((r) => r.callId === far.callId);
      expect(bye).toHaveLength(1);
      setup.wire.deliver(response(bye[0]!, 200, 'OK'));
      await settle();
      expect(callOf(setup, far.callId)).toMatchObject({
        phase: 'ended',
        failure: { code, status },
      });
      await stopPhone(setup);
    },
  );

  it('F05: answers a remote hold recvonly, then offers sendrecv to an SDP-less re-INVITE', async () => {
    const setup = await registered();
    const { far } = await answered(setup);

    setup.wire.deliver(far.reInvite(farSdp('sendonly')));
    await settle();
    const holdAnswer = setup.wire.responses(200).at(-1)!;
    expect(holdAnswer.body).toContain('a=recvonly');
    setup.wire.deliver(far.ack());
    await settle();
    expect(callOf(setup, far.callId).remoteHeld).toBe(true);

    setup.wire.deliver(far.reInvite(undefined));
    await settle();
    const offer = setup.wire.responses(200).at(-1)!;
    expect(offer.body).toContain('a=sendrecv');
    expect(offer.body).not.toContain('a=recvonly');
    await stopPhone(setup);
  });

  it('mutes by disabling the sender track', async () => {
    const setup = await registered();
    const { far } = await answered(setup);
    const track = FakePeerConnection.all.at(-1)!.getSenders()[0]!.track!;
    await setup.phone.setMuted(far.callId, true);
    expect(track.enabled).toBe(false);
    expect(callOf(setup, far.callId).muted).toBe(true);
    await setup.phone.setMuted(far.callId, false);
    expect(track.enabled).toBe(true);
    await stopPhone(setup);
  });

  it('sends DTMF as RFC 4733 by default and refuses bad digits', async () => {
    const setup = await registered();
    const { far } = await answered(setup);
    await setup.phone.sendDtmf(far.callId, '12#');
    expect(FakePeerConnection.all.at(-1)!.getSenders()[0]!.dtmfSent).toEqual(['12#']);
    await expect(setup.phone.sendDtmf(far.callId, '12x')).rejects.toThrow(/0-9, \*, #, A-D/);
    await stopPhone(setup);
  });

  it('falls back to SIP INFO when the far end took no telephone-event', async () => {
    const setup = await registered();
    const noEvents = farSdp()
      .replace('a=rtpmap:101 telephone-event/8000\r\n', '')
      .replace(' 0 101', ' 0');
    const { far } = await answered(setup, noEvents);
    await answeringInfos(setup.wire, setup.phone.sendDtmf(far.callId, '7'));
    expect(setup.wire.requests('INFO').map((info) => info.body)).toEqual([
      'Signal=7\r\nDuration=160',
    ]);
    expect(FakePeerConnection.all.at(-1)!.getSenders()[0]!.dtmfSent).toEqual([]);
    await stopPhone(setup);
  });

  it('sends DTMF as SIP INFO (application/dtmf-relay) when started with dtmf: info', async () => {
    const setup = await startedPhone(memoryStorage(), { dtmf: 'info' });
    registerOk(setup.wire);
    await settle();
    const { far } = await answered(setup);
    await answeringInfos(setup.wire, setup.phone.sendDtmf(far.callId, '5*'));
    const infos = setup.wire.requests('INFO');
    expect(infos.map((info) => info.body)).toEqual([
      'Signal=5\r\nDuration=160',
      'Signal=*\r\nDuration=160',
    ]);
    expect(infos[0]?.getHeader('content-type')).toBe('application/dtmf-relay');
    await stopPhone(setup);
  });

  it.each([
    [408, 'Request Timeout'],
    [481, 'Call/Transaction Does Not Exist'],
  ])(
    'F1: a %i to a DTMF INFO ends the call with a BYE, its dialog gone (RFC 3261 §12.2.1.2)',
    async (status, phrase) => {
      const setup = await startedPhone(memoryStorage(), { dtmf: 'info' });
      registerOk(setup.wire);
      await settle();
      const { far } = await answered(setup);
      await expect(
        answeringInfos(setup.wire, setup.phone.sendDtmf(far.callId, '50'), status, phrase),
      ).rejects.toThrow(new RegExp(`Cannot send DTMF on call .*${status}`));
      // No second INFO after the first one's failure.
      expect(setup.wire.requests('INFO')).toHaveLength(1);
      const bye = setup.wire.requests('BYE').filter((r) => r.callId === far.callId);
      expect(bye).toHaveLength(1);
      setup.wire.deliver(response(bye[0]!, 200, 'OK'));
      await settle();
      expect(callOf(setup, far.callId)).toMatchObject({
        phase: 'ended',
        failure: { code: 'dialog-lost', status },
      });
      await stopPhone(setup);
    },
  );

  it('F1: another failure answer to a DTMF INFO keeps the call and says why', async () => {
    const setup = await startedPhone(memoryStorage(), { dtmf: 'info' });
    registerOk(setup.wire);
    await settle();
    const { far } = await answered(setup);
    await expect(
      answeringInfos(
        setup.wire,
        setup.phone.sendDtmf(far.callId, '5'),
        415,
        'Unsupported Media Type',
      ),
    ).rejects.toThrow(/Cannot send DTMF on call .*415/);
    expect(setup.wire.requests('BYE')).toHaveLength(0);
    expect(callOf(setup, far.callId).phase).toBe('active');
    await stopPhone(setup);
  });

  it("sends SIP INFO when the agent chose it in the device prefs, kept for the seat's next start", async () => {
    const storage = memoryStorage();
    const setup = await startedPhone(storage, { dtmf: 'rfc4733' });
    registerOk(setup.wire);
    await settle();
    await setup.phone.setDevicePrefs({ ...(await setup.phone.snapshot()).devices, dtmf: 'info' });
    const prefs = setup.events.flatMap((e) => (e.type === 'devices' ? [e.prefs] : []));
    expect(prefs.at(-1)?.dtmf).toBe('info');
    const { far } = await answered(setup);
    const sender = FakePeerConnection.all.at(-1)!.getSenders()[0]!;
    await answeringInfos(setup.wire, setup.phone.sendDtmf(far.callId, '3'));
    expect(setup.wire.requests('INFO').map((info) => info.body)).toEqual([
      'Signal=3\r\nDuration=160',
    ]);
    expect(sender.dtmfSent).toEqual([]);

    // No choice of the agent's: the centre's mode (RFC 4733 here) again.
    const { dtmf: _, ...centre } = (await setup.phone.snapshot()).devices;
    await setup.phone.setDevicePrefs(centre);
    await setup.phone.sendDtmf(far.callId, '4');
    expect(sender.dtmfSent).toEqual(['4']);
    expect(setup.wire.requests('INFO')).toHaveLength(1);
    await setup.phone.setDevicePrefs({ ...centre, dtmf: 'info' });
    await stopPhone(setup);

    const again = new PhoneService({ storage, now: () => 1_000, transport: WireTransport });
    expect((await again.snapshot()).devices.dtmf).toBe('info');
    await expect(
      setup.phone.setDevicePrefs({ ...centre, dtmf: 'tones' as 'info' }),
    ).rejects.toThrow(/dtmf must be one of rfc4733, info/);
  });
});

describe('PhoneService outbound calls', () => {
  it('dials sip:<target>@<domain> and maps 486 to busy', async () => {
    const setup = await registered();
    const callId = await setup.phone.dial('13900139000');
    const invite = lastOffer(setup.wire, callId);
    expect(invite.ruri?.toString()).toBe('sip:13900139000@hotline.local');
    expect(callOf(setup, callId)).toMatchObject({ phase: 'dialing', direction: 'outbound' });
    setup.wire.deliver(response(invite, 486, 'Busy Here', { toTag: 'b' }));
    await settle();
    expect(callOf(setup, callId)).toMatchObject({
      phase: 'ended',
      outcome: 'failed',
      failure: { code: 'busy', status: 486 },
    });
    await stopPhone(setup);
  });

  it("F6: refuses to call the seat's own extension instead of getting 482", async () => {
    const setup = await registered();
    await expect(setup.phone.dial('1001')).rejects.toThrow(/own extension/);
    expect(setup.wire.requests('INVITE')).toHaveLength(0);
    await stopPhone(setup);
  });

  it('refuses a bad number with a clear error', async () => {
    const setup = await registered();
    await expect(setup.phone.dial('call me')).rejects.toThrow(/2 to 20 digits/);
    await stopPhone(setup);
  });

  it('F04: 183 with SDP then 200 with SDP at once: the answer is applied once', async () => {
    const setup = await registered();
    const callId = await setup.phone.dial('12345');
    const invite = lastOffer(setup.wire, callId);
    const contact = ['Contact: <sip:12345@127.0.0.1:5060>'];
    setup.wire.deliver(
      response(invite, 183, 'Session Progress', { toTag: 't', body: farSdp(), headers: contact }),
    );
    setup.wire.deliver(
      response(invite, 200, 'OK', { toTag: 't', body: farSdp(), headers: contact }),
    );
    await settle();
    expect(callOf(setup, callId).phase).toBe('active');
    const answers = FakePeerConnection.all.at(-1)!.remoteApplied;
    expect(answers.filter((d) => d.type === 'answer')).toHaveLength(1);
    expect(setup.wire.requests('ACK').map((ack) => ack.callId)).toContain(callId);
    await stopPhone(setup);
  });

  it('cancels a dialling call', async () => {
    const setup = await registered();
    const callId = await setup.phone.dial('12345');
    const invite = lastOffer(setup.wire, callId);
    setup.wire.deliver(response(invite, 180, 'Ringing', { toTag: 'r' }));
    await settle();
    await setup.phone.hangup(callId);
    await settle();
    expect(setup.wire.requests('CANCEL').map((c) => c.callId)).toEqual([callId]);
    // RFC 3261 §9.2: the far end ends the INVITE with 487 once it takes the CANCEL.
    setup.wire.deliver(response(invite, 487, 'Request Terminated', { toTag: 'r' }));
    await settle();
    expect(callOf(setup, callId)).toMatchObject({
      phase: 'ended',
      outcome: 'failed',
      failure: { code: 'cancelled', status: 487 },
    });
    expect(logs.some((l) => l.includes(`Call ${callId} is over: cancelled.`))).toBe(true);
    await stopPhone(setup);
  });

  it('a 487 the agent did not ask for stays a failure', async () => {
    const setup = await registered();
    const callId = await setup.phone.dial('12345');
    const invite = lastOffer(setup.wire, callId);
    setup.wire.deliver(response(invite, 487, 'Request Terminated', { toTag: 'r' }));
    await settle();
    expect(callOf(setup, callId)).toMatchObject({
      outcome: 'failed',
      failure: { code: 'other', status: 487 },
    });
    await stopPhone(setup);
  });

  it('keeps a call through a WebSocket loss and re-registers', async () => {
    vi.useFakeTimers();
    const setup = await registered();
    const { far } = await answered(setup);
    setup.wire.drop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(setup.wire.requests('BYE')).toHaveLength(0);
    expect(callOf(setup, far.callId).phase).toBe('active');
    expect(setup.wire.requests('REGISTER')).toHaveLength(2);
    await stopPhone(setup);
  });
});

describe('PhoneService devices', () => {
  it('remembers prefs, sends live audio to the speaker and switches the microphone', async () => {
    const setup = await registered();
    const { far } = await answered(setup);
    const prefs = {
      microphoneId: 'mic-2',
      speakerId: 'spk-2',
      ringerId: null,
      cameraId: null,
      ringVolume: 0.3,
      ringTone: 'soft' as const,
    };
    await setup.phone.setDevicePrefs(prefs);
    expect(media.elements[0]?.sinkId).toBe('spk-2');
    const sender = FakePeerConnection.all.at(-1)!.getSenders()[0]!;
    expect(sender.track?.deviceId).toBe('mic-2');
    expect(setup.events.at(-1)).toMatchObject({ type: 'devices', prefs });

    const again = new PhoneService({ storage: setup.storage });
    expect((await again.snapshot()).devices).toEqual(prefs);
    await expect(setup.phone.setDevicePrefs({ ...prefs, ringVolume: 2 })).rejects.toThrow(
      /ringVolume/,
    );
    await stopPhone(setup);
    expect(far.callId).toBeTruthy();
  });
});
