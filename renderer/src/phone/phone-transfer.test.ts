import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLogSink } from '../lib/log';
import { sipfragStatus, stateAfterNotify } from './call-transfer';
import { FakePeerConnection, installFakeWebRtc, type FakeMedia } from './testing/fake-webrtc';
import {
  answeredInbound,
  answeredOutbound,
  heldCall,
  calleeBye,
  lastRequest,
  recordingAudioContext,
  registeredPhone,
  settle,
  stopRig,
} from './testing/phone-rig';
import { FarEnd, farSdp, response } from './testing/sip-wire';

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

describe('sipfrag NOTIFY bodies', () => {
  it('reads the status line and tells what it means for each kind of transfer', () => {
    expect(sipfragStatus('SIP/2.0 180 Ringing\r\n')).toEqual({ status: 180, reason: 'Ringing' });
    expect(sipfragStatus('SIP/2.0 200\r\n')).toEqual({ status: 200, reason: '' });
    expect(sipfragStatus('hello')).toBeNull();
    expect(stateAfterNotify('blind', 100)).toBe('accepted');
    expect(stateAfterNotify('attended', 180)).toBeNull();
    expect(stateAfterNotify('attended', 200)).toBe('accepted');
    expect(stateAfterNotify('blind', 486)).toBe('failed');
  });
});

describe('blind transfer (REFER, RFC 3515)', () => {
  it('REFERs to the extension, is accepted on the NOTIFY and ends the call with BYE', async () => {
    vi.useFakeTimers();
    const rig = await registeredPhone();
    const far = await answeredInbound(rig);

    const transferring = rig.phone.transfer(far.callId, '1101');
    await settle();
    const refer = lastRequest(rig.wire, 'REFER', far.callId);
    expect(refer.getHeader('refer-to')).toBe('<sip:1101@hotline.local>');
    expect(refer.getHeader('referred-by')).toBe('<sip:1001@hotline.local>');
    expect(rig.call(far.callId).transfer).toEqual({
      kind: 'blind',
      target: '1101',
      state: 'pending',
      failure: null,
    });
    rig.wire.deliver(response(refer, 202, 'Accepted'));
    await transferring;

    rig.wire.deliver(far.notify('SIP/2.0 100 Trying'));
    await settle();
    expect(rig.wire.responses(200).filter((r) => r.method === 'NOTIFY')).toHaveLength(1);
    expect(rig.call(far.callId).transfer?.state).toBe('accepted');
    expect(rig.wire.requests('BYE')).toHaveLength(0); // the far end may end it first

    await vi.advanceTimersByTimeAsync(1000);
    const bye = lastRequest(rig.wire, 'BYE', far.callId);
    rig.wire.deliver(response(bye, 200, 'OK'));
    await settle();
    expect(rig.call(far.callId)).toMatchObject({
      phase: 'ended',
      outcome: 'ended',
      transfer: { state: 'accepted' },
    });
    expect(logs.join('\n')).not.toContain('13800138000');
    await stopRig(rig);
  });

  it('sends no BYE when the transferee ends the call itself', async () => {
    vi.useFakeTimers();
    const rig = await registeredPhone();
    const far = await answeredInbound(rig);
    const transferring = rig.phone.transfer(far.callId, '12345');
    await settle();
    rig.wire.deliver(response(lastRequest(rig.wire, 'REFER', far.callId), 202, 'Accepted'));
    await transferring;
    rig.wire.deliver(far.notify('SIP/2.0 200 OK'));
    rig.wire.deliver(far.bye());
    await vi.advanceTimersByTimeAsync(2000);
    expect(rig.wire.requests('BYE')).toHaveLength(0);
    expect(rig.call(far.callId).phase).toBe('ended');
    await stopRig(rig);
  });

  it('a refused REFER fails the transfer; the held call stays and is resumed', async () => {
    const rig = await registeredPhone();
    const far = await answeredInbound(rig);
    await heldCall(rig, far.callId);

    const transferring = rig.phone.transfer(far.callId, '1101');
    await settle();
    rig.wire.deliver(response(lastRequest(rig.wire, 'REFER', far.callId), 603, 'Decline'));
    await transferring;
    await settle();
    expect(rig.call(far.callId)).toMatchObject({
      phase: 'active',
      transfer: { state: 'failed', failure: { code: 'declined', status: 603 } },
    });
    const resume = lastRequest(rig.wire, 'INVITE', far.callId);
    expect(resume.body).toContain('a=sendrecv');
    await stopRig(rig);
  });

  it.each([
    [408, 'Request Timeout', 'refer-timeout'],
    [481, 'Call/Transaction Does Not Exist', 'dialog-lost'],
  ])(
    'F5: a %i to the REFER fails the transfer and ends the call, its dialog gone',
    async (status, phrase, code) => {
      const rig = await registeredPhone();
      const far = await answeredInbound(rig);
      await heldCall(rig, far.callId);
      const invites = rig.wire.requests('INVITE').length;

      const transferring = rig.phone.transfer(far.callId, '1101');
      await settle();
      rig.wire.deliver(response(lastRequest(rig.wire, 'REFER', far.callId), status, phrase));
      await transferring;
      await settle();
      // No resume re-INVITE into a dead dialog; a BYE in case the far end still holds it.
      expect(rig.wire.requests('INVITE')).toHaveLength(invites);
      const bye = rig.wire.requests('BYE').filter((r) => r.callId === far.callId);
      expect(bye).toHaveLength(1);
      rig.wire.deliver(response(bye[0]!, 200, 'OK'));
      await settle();
      expect(rig.call(far.callId)).toMatchObject({
        phase: 'ended',
        failure: { code: 'dialog-lost', status },
        transfer: { state: 'failed', failure: { code, status } },
      });
      await stopRig(rig);
    },
  );

  it('a NOTIFY with 486 fails the transfer and keeps the call', async () => {
    const rig = await registeredPhone();
    const far = await answeredInbound(rig);
    const transferring = rig.phone.transfer(far.callId, '1101');
    await settle();
    rig.wire.deliver(response(lastRequest(rig.wire, 'REFER', far.callId), 202, 'Accepted'));
    await transferring;
    rig.wire.deliver(far.notify('SIP/2.0 486 Busy Here'));
    await settle();
    expect(rig.call(far.callId)).toMatchObject({
      phase: 'active',
      transfer: { state: 'failed', failure: { code: 'busy', status: 486 } },
    });
    await stopRig(rig);
  });

  it('a transfer still pending 30 s after its 202 fails (timeout), resumes the call and may be retried', async () => {
    vi.useFakeTimers();
    const rig = await registeredPhone();
    const far = await answeredInbound(rig);
    await heldCall(rig, far.callId);

    const transferring = rig.phone.transfer(far.callId, '1101');
    await settle();
    rig.wire.deliver(response(lastRequest(rig.wire, 'REFER', far.callId), 202, 'Accepted'));
    await transferring;
    await vi.advanceTimersByTimeAsync(29_000);
    expect(rig.call(far.callId).transfer?.state).toBe('pending');
    await expect(rig.phone.transfer(far.callId, '1102')).rejects.toThrow(/being transferred/);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(rig.call(far.callId)).toMatchObject({
      phase: 'active',
      transfer: { state: 'failed', failure: { code: 'refer-no-report', status: null } },
    });
    const resume = lastRequest(rig.wire, 'INVITE', far.callId);
    expect(resume.body).toContain('a=sendrecv');
    rig.wire.deliver(response(resume, 200, 'OK', { body: farSdp('sendrecv') }));
    await settle();
    expect(rig.call(far.callId).held).toBe(false);

    const again = rig.phone.transfer(far.callId, '1102');
    await settle();
    expect(lastRequest(rig.wire, 'REFER', far.callId).getHeader('refer-to')).toBe(
      '<sip:1102@hotline.local>',
    );
    rig.wire.deliver(response(lastRequest(rig.wire, 'REFER', far.callId), 202, 'Accepted'));
    await again;
    expect(rig.call(far.callId).transfer).toMatchObject({ target: '1102', state: 'pending' });
    await stopRig(rig);
  });

  it('refuses a bad target and a call that is not answered', async () => {
    const rig = await registeredPhone();
    const far = new FarEnd('ringing-1');
    rig.wire.deliver(far.invite(farSdp()));
    await settle();
    await expect(rig.phone.transfer(far.callId, 'desk 7')).rejects.toThrow(/2 to 20 digits/);
    await expect(rig.phone.transfer(far.callId, '1101')).rejects.toThrow(/not answered/);
    await expect(rig.phone.transfer('nope', '1101')).rejects.toThrow(/No live call nope/);
    await stopRig(rig);
  });
});

describe('attended transfer (REFER with Replaces, RFC 3891)', () => {
  it('consults with a context header, then REFERs the caller to the consulted party', async () => {
    vi.useFakeTimers();
    const rig = await registeredPhone();
    const citizen = await answeredInbound(rig);
    const consult = await answeredOutbound(rig, '1101', { contextCallId: citizen.callId });
    expect(consult.invite.getHeader('x-hotline-context')).toBe(citizen.callId);
    expect(rig.call(consult.callId)).toMatchObject({
      phase: 'active',
      contextCallId: citizen.callId,
    });

    const completing = rig.phone.completeTransfer(citizen.callId, consult.callId);
    await settle();
    const refer = lastRequest(rig.wire, 'REFER', citizen.callId);
    const seatTag = consult.invite.fromTag;
    const replaces = `${consult.callId};to-tag=${consult.toTag};from-tag=${seatTag}`;
    expect(refer.getHeader('refer-to')).toBe(
      `<sip:1101@hotline.local?Replaces=${encodeURIComponent(replaces)}>`,
    );
    rig.wire.deliver(response(refer, 202, 'Accepted'));
    await completing;

    rig.wire.deliver(citizen.notify('SIP/2.0 180 Ringing'));
    await vi.advanceTimersByTimeAsync(1500);
    expect(rig.call(citizen.callId).transfer?.state).toBe('pending');
    expect(rig.wire.requests('BYE')).toHaveLength(0);

    rig.wire.deliver(citizen.notify('SIP/2.0 200 OK'));
    await settle();
    expect(rig.call(citizen.callId).transfer).toMatchObject({
      kind: 'attended',
      target: '1101',
      state: 'accepted',
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(
      rig.wire
        .requests('BYE')
        .map((bye) => bye.callId)
        .sort(),
    ).toEqual([citizen.callId, consult.callId].sort());
    await stopRig(rig);
  });

  /** Consults `line`, answered with `headers` on the 200; completes; the REFER's Refer-To. */
  async function referAfterConsult(line: string, headers: string[]) {
    const rig = await registeredPhone();
    const citizen = await answeredInbound(rig);
    const consult = await answeredOutbound(rig, line, { contextCallId: citizen.callId }, headers);
    const completing = rig.phone.completeTransfer(citizen.callId, consult.callId);
    await settle();
    const refer = lastRequest(rig.wire, 'REFER', citizen.callId);
    rig.wire.deliver(response(refer, 202, 'Accepted'));
    await completing;
    const replaces = `${consult.callId};to-tag=${consult.toTag};from-tag=${consult.invite.fromTag}`;
    const target = rig.call(citizen.callId).transfer?.target;
    await stopRig(rig);
    return { referTo: refer.getHeader('refer-to'), replaces: encodeURIComponent(replaces), target };
  }

  const WS_SEAT_CONTACT = 'Contact: <sip:s0a1b2c3d4e5f@f6e5d4c3b2a1.invalid;transport=ws>';

  it('a consult to a queue line REFERs to the seat that answered it, not back to the queue', async () => {
    const sent = await referAfterConsult('123454', [WS_SEAT_CONTACT, 'X-Hotline-Seat: 1101']);
    expect(sent.referTo).toBe(`<sip:1101@hotline.local?Replaces=${sent.replaces}>`);
    expect(sent.target).toBe('123454'); // the desk still shows what the agent consulted
    expect(logs.join('\n')).toContain('answered by seat 1101');
  });

  it('without the seat header: a SIP phone Contact names its extension, else the dialled line', async () => {
    const phone = await referAfterConsult('123454', ['Contact: <sip:1102@127.0.0.1:5062>']);
    expect(phone.referTo).toBe(`<sip:1102@hotline.local?Replaces=${phone.replaces}>`);
    const seat = await referAfterConsult('123454', [WS_SEAT_CONTACT, 'X-Hotline-Seat: 11;x']);
    expect(seat.referTo).toBe(`<sip:123454@hotline.local?Replaces=${seat.replaces}>`);
  });

  it('refuses a consult call that is not answered yet', async () => {
    const rig = await registeredPhone();
    const citizen = await answeredInbound(rig);
    const consultId = await rig.phone.dial('1101');
    await settle();
    await expect(rig.phone.completeTransfer(citizen.callId, consultId)).rejects.toThrow(
      /not answered; transfer blind/,
    );
    await stopRig(rig);
  });
});

describe('this seat as the transfer target or the transferee', () => {
  it('an INVITE with Replaces takes over the consult call: answered at once, old one BYEd', async () => {
    const rig = await registeredPhone();
    const agent = await answeredInbound(rig, ['X-Hotline-Context: citizen-call-1']);
    expect(rig.call(agent.callId).contextCallId).toBe('citizen-call-1');

    const citizen = new FarEnd('replacing-1', '13900139000');
    const replaces = `${agent.callId};to-tag=${agent.seatTag};from-tag=${agent.fromTag}`;
    rig.wire.deliver(citizen.invite(farSdp(), [`Replaces: ${replaces}`]));
    await settle();
    expect(rig.wire.responses(486)).toHaveLength(0);
    const ok = rig.wire
      .responses(200)
      .filter((r) => r.callId === citizen.callId)
      .at(-1)!;
    expect(ok).toBeDefined();
    citizen.learn(ok);
    rig.wire.deliver(citizen.ack());
    await settle();
    expect(lastRequest(rig.wire, 'BYE', agent.callId)).toBeDefined();
    expect(rig.call(agent.callId).phase).toBe('ended');
    expect(rig.call(citizen.callId)).toMatchObject({
      phase: 'active',
      remote: '13900139000',
      contextCallId: 'citizen-call-1',
    });
    await stopRig(rig);
  });

  it("names the seat's extension in the 200 OK to a consult call only, not to a citizen", async () => {
    const rig = await registeredPhone();
    const consult = await answeredInbound(rig, ['X-Hotline-Context: citizen-call-2']);
    const okOf = (callId: string) =>
      rig.wire
        .responses(200)
        .filter((r) => r.callId === callId && r.method === 'INVITE')
        .at(-1)!;
    expect(okOf(consult.callId).getHeader('x-hotline-seat')).toBe('1001');
    await rig.phone.hangup(consult.callId);
    await settle();
    rig.wire.deliver(response(lastRequest(rig.wire, 'BYE', consult.callId), 200, 'OK'));
    await settle();

    const citizen = await answeredInbound(rig);
    expect(okOf(citizen.callId).getHeader('x-hotline-seat')).toBeUndefined();
    await stopRig(rig);
  });

  it('an INVITE with Replaces naming no dialog of ours gets 481', async () => {
    const rig = await registeredPhone();
    await answeredInbound(rig);
    const stranger = new FarEnd('replacing-2');
    rig.wire.deliver(stranger.invite(farSdp(), ['Replaces: nope;to-tag=a;from-tag=b']));
    await settle();
    expect(rig.wire.responses(481).map((r) => r.callId)).toEqual(['replacing-2']);
    await stopRig(rig);
  });

  it('follows a REFER: 202, then calls the target with the Replaces it names', async () => {
    const rig = await registeredPhone();
    const far = await answeredInbound(rig);
    rig.wire.deliver(
      far.refer('<sip:1102@hotline.local?Replaces=abc%3Bto-tag%3Dx%3Bfrom-tag%3Dy>'),
    );
    await settle();
    expect(rig.wire.responses(202).map((r) => r.callId)).toEqual([far.callId]);
    const invite = rig.wire.requests('INVITE').find((r) => r.callId !== far.callId)!;
    expect(invite.ruri?.toString()).toBe('sip:1102@hotline.local');
    expect(invite.getHeader('replaces')).toBe('abc;to-tag=x;from-tag=y');
    expect(rig.call(invite.callId)).toMatchObject({ direction: 'outbound', remote: '1102' });
    await stopRig(rig);
  });
});

describe('three-way call (WebAudio mix)', () => {
  async function twoLines() {
    const audio = recordingAudioContext();
    const rig = await registeredPhone({ audioContext: audio.make });
    const citizen = await answeredInbound(rig);
    const specialist = await answeredOutbound(rig, '1101');
    const [pcA, pcB] = FakePeerConnection.all.slice(-2);
    return { audio, rig, citizen, specialist, pcA: pcA!, pcB: pcB! };
  }

  it('each far end hears the agent and the other far end, never itself', async () => {
    const { audio, rig, citizen, specialist, pcA, pcB } = await twoLines();
    const micA = pcA.getSenders()[0]!.track!;
    const remoteA = rig.phone.remoteMediaStream(citizen.callId)!.getTracks()[0]!.id;
    const remoteB = rig.phone.remoteMediaStream(specialist.callId)!.getTracks()[0]!.id;

    await rig.phone.conference(citizen.callId, specialist.callId);
    const toA = `dest:${pcA.getSenders()[0]!.track!.id}`;
    const toB = `dest:${pcB.getSenders()[0]!.track!.id}`;
    expect(toA).not.toBe(toB);
    expect(audio.edges).toEqual(
      expect.arrayContaining([
        `src:${micA.id} -> gain`,
        `gain -> ${toA}`,
        `gain -> ${toB}`,
        `src:${remoteB} -> ${toA}`,
        `src:${remoteA} -> ${toB}`,
      ]),
    );
    expect(audio.edges).not.toContain(`src:${remoteA} -> ${toA}`);
    expect(audio.edges).not.toContain(`src:${remoteB} -> ${toB}`);
    expect(rig.call(citizen.callId).conferencedWith).toBe(specialist.callId);
    expect(rig.call(specialist.callId).conferencedWith).toBe(citizen.callId);

    // Mute: the agent's microphone leaves both mixes, and both lines say so.
    await rig.phone.setMuted(specialist.callId, true);
    expect(audio.gains.at(-1)!.value).toBe(0);
    expect(rig.call(citizen.callId).muted).toBe(true);
    expect(pcA.getSenders()[0]!.track!.enabled).toBe(true); // the mix still carries B
    await expect(rig.phone.hold(citizen.callId)).rejects.toThrow(/split it first/);
    await stopRig(rig);
  });

  it('un-holds a held line first, and a hang-up of one line restores the plain microphone', async () => {
    const { audio, rig, citizen, specialist, pcA } = await twoLines();
    const micA = pcA.getSenders()[0]!.track!;
    await heldCall(rig, citizen.callId);

    const mixing = rig.phone.conference(citizen.callId, specialist.callId);
    await settle();
    const resume = lastRequest(rig.wire, 'INVITE', citizen.callId);
    expect(resume.body).toContain('a=sendrecv');
    rig.wire.deliver(response(resume, 200, 'OK', { body: farSdp() }));
    await mixing;
    expect(rig.call(citizen.callId)).toMatchObject({
      held: false,
      conferencedWith: specialist.callId,
    });

    rig.wire.deliver(calleeBye(specialist.invite, specialist.toTag));
    await settle();
    expect(rig.call(specialist.callId).phase).toBe('ended');
    expect(pcA.getSenders()[0]!.track).toBe(micA);
    expect(micA.enabled).toBe(true);
    expect(rig.call(citizen.callId)).toMatchObject({ phase: 'active', conferencedWith: null });
    expect(audio.closed()).toBe(true);
    await stopRig(rig);
  });

  it('split ends the mix and holds the other line', async () => {
    const { rig, citizen, specialist, pcA, pcB } = await twoLines();
    const micA = pcA.getSenders()[0]!.track!;
    const micB = pcB.getSenders()[0]!.track!;
    await rig.phone.conference(citizen.callId, specialist.callId);
    const splitting = rig.phone.split(citizen.callId);
    await settle();
    const hold = lastRequest(rig.wire, 'INVITE', specialist.callId);
    expect(hold.body).toContain('a=sendonly');
    rig.wire.deliver(response(hold, 200, 'OK', { body: farSdp('recvonly') }));
    await splitting;
    expect(pcA.getSenders()[0]!.track).toBe(micA);
    expect(pcB.getSenders()[0]!.track).toBe(micB);
    expect(rig.call(specialist.callId)).toMatchObject({ held: true, conferencedWith: null });
    expect(rig.call(citizen.callId)).toMatchObject({ held: false, conferencedWith: null });
    await expect(rig.phone.split(citizen.callId)).rejects.toThrow(/not in a three-way call/);
    await stopRig(rig);
  });

  it('a three-way call that fails to start puts the plain microphones back and closes its audio', async () => {
    const { audio, rig, citizen, specialist, pcA, pcB } = await twoLines();
    const micA = pcA.getSenders()[0]!.track!;
    const senderB = pcB.getSenders()[0]!;
    const micB = senderB.track!;
    await rig.phone.setMuted(citizen.callId, true);
    expect(micA.enabled).toBe(false);
    const replaceB = vi
      .spyOn(senderB, 'replaceTrack')
      .mockRejectedValueOnce(new Error('InvalidModificationError: sender is gone'));

    await expect(rig.phone.conference(citizen.callId, specialist.callId)).rejects.toThrow(
      /Cannot start the three-way call: InvalidModificationError/,
    );
    expect(pcA.getSenders()[0]!.track).toBe(micA);
    expect(senderB.track).toBe(micB);
    expect(micA.enabled).toBe(false); // still muted, as the agent left it
    expect(micB.enabled).toBe(true);
    expect(audio.closed()).toBe(true);
    expect(audio.edges.filter((edge) => /src:|dest:/.test(edge))).toEqual([]);
    expect(rig.call(citizen.callId)).toMatchObject({ conferencedWith: null, muted: true });

    // Nothing is left half-mixed: a second try can start.
    replaceB.mockRestore();
    await rig.phone.conference(citizen.callId, specialist.callId);
    expect(rig.call(citizen.callId).conferencedWith).toBe(specialist.callId);
    await stopRig(rig);
  });

  it('refuses to mix a call with itself or a call that is not answered', async () => {
    const { rig, citizen } = await twoLines();
    await expect(rig.phone.conference(citizen.callId, citizen.callId)).rejects.toThrow(/itself/);
    await expect(rig.phone.conference(citizen.callId, 'gone')).rejects.toThrow(/No live call/);
    await stopRig(rig);
  });
});

describe('dial options and the ring test', () => {
  it('offers the camera on a video call', async () => {
    const rig = await registeredPhone();
    const callId = await rig.phone.dial('1201', { video: true });
    await settle();
    expect(media.getUserMedia).toHaveBeenCalledWith(expect.objectContaining({ video: true }));
    expect(lastRequest(rig.wire, 'INVITE', callId).body).toContain('m=video');
    expect(rig.call(callId).video).toBe(true);
    await expect(rig.phone.dial('1201', { contextCallId: 'a b\r\nX: y' })).rejects.toThrow(
      /SIP Call-ID/,
    );
    await stopRig(rig);
  });

  it('plays the chosen ring tone once, and refuses bad prefs', async () => {
    const audio = recordingAudioContext();
    const rig = await registeredPhone({ audioContext: audio.make });
    const prefs = {
      microphoneId: null,
      speakerId: null,
      ringerId: null,
      cameraId: null,
      ringVolume: 0.5,
      ringTone: 'beep' as const,
    };
    await rig.phone.testRing(prefs);
    expect(audio.freqs).toEqual([1000, 1000]);
    await expect(rig.phone.testRing({ ...prefs, ringVolume: 3 })).rejects.toThrow(/ringVolume/);
    await stopRig(rig);
  });
});
