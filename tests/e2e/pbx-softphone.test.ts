import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stopSippAfterEach } from './support/desk-seat.js';
import {
  pbxConfig,
  readKamailioLog,
  readKamailioLogSinceStart,
  startPbx,
  stopPbx,
} from './support/pbx.js';
import { waitForMediaBothWays } from './support/rtpengine.js';
import {
  cleanSippWorkDirs,
  placeHotlineCall,
  placeInfoDtmfCall,
  placeReinviteCall,
  receivedSdps,
  registerBelowMinExpires,
  registerContact,
  sippLogLines,
  startFarEnd,
  type SippProcess,
  type SippResult,
} from './support/sipp.js';

// The PBX side of the full softphone, with SIPp on both ends: a seat's outbound calls to the
// trunk, hold / resume / re-INVITE without SDP through Kamailio and rtpengine (F05), early
// media (F04), an IPv6 far end (F06), DTMF as SIP INFO, 423 Interval Too Brief (F03).
// The "seat" here is a SIPp UAC sending as extension 1001 over UDP; the browser seat uses the
// same scenarios through tests/e2e/support/sipp.ts.

const cfg = pbxConfig();

beforeAll(async () => {
  await cleanSippWorkDirs();
  await startPbx();
});

afterAll(async () => {
  await stopPbx();
});

// Every SIPp a test starts is stopped after it, so a failed test leaves no far end holding
// the trunk port for the next one.
const track = stopSippAfterEach();

/** The seat that dials out, and the citizen it calls unless a test says otherwise. */
const SEAT = '1001';
const CITIZEN = '13800138000';

/** An outside number registered as a user, its contact the far end on 5095. */
const OUTSIDE_USER = { extension: '13700137000', contactPort: 5095, sipPort: 5096 };
/** Seat 1001's contact in the REGISTER tests. */
const SEAT_CONTACT = { extension: SEAT, contactPort: 5090, sipPort: 5089 };

/** A far end on the trunk port (media on 25099 unless told), stopped after the test. */
async function farEnd(opts: Partial<Parameters<typeof startFarEnd>[0]> = {}): Promise<SippProcess> {
  return track(await startFarEnd({ mediaPort: 25099, ...opts }));
}

/** The options of `place`, with the caller and the number the seat's and a citizen's. */
type SeatCallOptions<O> = Omit<O, 'caller' | 'number'> & { caller?: string; number?: string };

/** Seat 1001 calls the citizen (tests/sipp/caller.xml), stopped after the test. */
async function seatCalls(
  opts: SeatCallOptions<Parameters<typeof placeHotlineCall>[0]>,
): Promise<SippProcess> {
  return track(await placeHotlineCall({ caller: SEAT, number: CITIZEN, ...opts }));
}

/** Seat 1001 calls the citizen, holds, resumes, re-INVITEs without SDP; stopped after. */
async function seatReinvites(
  opts: SeatCallOptions<Parameters<typeof placeReinviteCall>[0]>,
): Promise<SippProcess> {
  return track(await placeReinviteCall({ caller: SEAT, number: CITIZEN, ...opts }));
}

/** Both SIPps ended cleanly; on failure the message carries their errors and Kamailio's log. */
async function bothDone(
  caller: SippProcess,
  far: SippProcess,
): Promise<{ callerRes: SippResult; farRes: SippResult }> {
  const [callerRes, farRes] = await Promise.all([caller.done, far.done]);
  const why = async (): Promise<string> =>
    `${callerRes.errors}\n${farRes.errors}\n${(await readKamailioLog()).slice(-4000)}`;
  expect(callerRes.exitCode, await why()).toBe(0);
  expect(farRes.exitCode, await why()).toBe(0);
  return { callerRes, farRes };
}

describe('outbound calls from a seat', () => {
  test.each([
    ['a citizen mobile', '13800138000', '138****8000'],
    ['a landline', '02087654321', '020****4321'],
    ['the police', '110', '*10'],
  ])(
    '%s (%s) goes to the trunk with the centre number, media both ways',
    async (_w, number, masked) => {
      const far = await farEnd();
      const caller = await seatCalls({
        number,
        sipPort: 5081,
        mediaPort: 21010,
        holdMs: 2500,
      });
      const counts = await waitForMediaBothWays(caller.callId(), { minPackets: 20 });
      expect(counts.legs).toHaveLength(2);
      for (const leg of counts.legs) {
        expect(leg.packets).toBeGreaterThanOrEqual(20);
        expect(leg.protocols).toEqual(['RTP/AVP']);
      }
      const { farRes } = await bothDone(caller, far);
      const [invite] = sippLogLines(farRes.logs, 'invite');
      expect(invite).toMatchObject({ dialled: number, from: '1001', pai: cfg.hotline });
      expect(sippLogLines(farRes.logs, 'bye')).toHaveLength(1);

      const log = await readKamailioLogSinceStart();
      const line = log.split('\n').find((l) => l.includes(`pbx.trunk: call ${caller.callId()}`));
      expect(line).toContain(`to ${masked} sent to the trunk`);
      if (number.length > 3) expect(log).not.toContain(number);
    },
  );

  test('a caller that is not a seat cannot dial out through the trunk (403)', async () => {
    const caller = await seatCalls({
      caller: '13900139000',
      sipPort: 5082,
      mediaPort: 21020,
      holdMs: 1000,
    });
    const res = await caller.done;
    expect(res.exitCode).not.toBe(0);
    expect(res.logs).toContain(`final=403 call-id=${caller.callId()}`);
  });

  test('an extension that is not registered is 404, never the trunk', async () => {
    const caller = await seatCalls({
      number: '1999',
      sipPort: 5083,
      mediaPort: 21030,
      holdMs: 1000,
    });
    const res = await caller.done;
    expect(res.logs).toContain(`final=404 call-id=${caller.callId()}`);
    expect(await readKamailioLogSinceStart()).not.toContain(`pbx.trunk: call ${caller.callId()}`);
  });

  test('an outside number registered as a user is reached by lookup, not the trunk', async () => {
    const far = await farEnd({ sipPort: 5095, mediaPort: 25095 });
    const reg = await registerContact({ ...OUTSIDE_USER, expires: 60 });
    expect(reg.exitCode, reg.messages).toBe(0);
    try {
      const caller = await seatCalls({
        number: '13700137000',
        sipPort: 5084,
        mediaPort: 21040,
        holdMs: 1500,
      });
      const { farRes } = await bothDone(caller, far);
      expect(sippLogLines(farRes.logs, 'invite')[0]).toMatchObject({ from: '1001' });
      expect(await readKamailioLogSinceStart()).toContain(
        `pbx.trunk: call ${caller.callId()} from seat 1001 to 137****7000 reaches a registered user`,
      );
    } finally {
      await registerContact({ ...OUTSIDE_USER, expires: 0 });
    }
  });
});

describe('re-INVITEs through Kamailio and rtpengine (F05)', () => {
  test.each(['sendonly', 'inactive'] as const)(
    'hold with a=%s, resume, and a re-INVITE without SDP keep the directions each side needs',
    async (holdDirection) => {
      const far = await farEnd();
      const caller = await seatReinvites({
        sipPort: 5085,
        mediaPort: 21050,
        gapMs: 1200,
        holdMs: 1500,
        holdDirection,
      });
      const { callerRes, farRes } = await bothDone(caller, far);
      const mirrored = holdDirection === 'sendonly' ? 'recvonly' : 'inactive';

      // What the far end saw offered and answered, in order.
      expect(sippLogLines(farRes.logs, 'reinvite').map((l) => [l.offer, l.answer])).toEqual([
        [holdDirection, mirrored],
        ['sendrecv', 'sendrecv'],
        ['none', 'sendrecv'],
      ]);
      // ... and what came back to the caller through rtpengine.
      expect(sippLogLines(callerRes.logs, 'hold')[0]?.answer).toBe(mirrored);
      expect(sippLogLines(callerRes.logs, 'resume')[0]?.answer).toBe('sendrecv');
      const [late] = sippLogLines(callerRes.logs, 'late');
      expect(late?.offer).toBe('sendrecv');
      // The late offer in the 200 was anchored by rtpengine (its port, not the far end's).
      const port = Number(late?.port);
      expect(port).toBeGreaterThanOrEqual(30000);
      expect(port).toBeLessThanOrEqual(39999);
      // The caller's answer in the ACK reached the far end.
      expect(sippLogLines(farRes.logs, 'ack').map((l) => l.answer)).toEqual(['sendrecv']);
    },
  );

  test('media flows both ways again after the hold and the SDP-less re-INVITE', async () => {
    const far = await farEnd();
    const caller = await seatReinvites({
      sipPort: 5085,
      mediaPort: 21050,
      gapMs: 800,
      holdMs: 4000,
    });
    // Three gaps of 800 ms: after them the ACK with the late answer went out.
    await new Promise((r) => setTimeout(r, 3000));
    const before = await waitForMediaBothWays(caller.callId(), { minPackets: 1 });
    await new Promise((r) => setTimeout(r, 1500));
    const after = await waitForMediaBothWays(caller.callId(), { minPackets: 1 });
    for (const leg of after.legs) {
      const was = before.legs.find((l) => l.tag === leg.tag)?.packets ?? 0;
      expect(leg.packets - was, `leg ${leg.tag}`).toBeGreaterThanOrEqual(40);
    }
    await bothDone(caller, far);
  });
});

describe('odd but valid far ends', () => {
  test('183 with SDP and the 200 right after it (F04): one call, media both ways', async () => {
    const far = await farEnd({ earlyMedia: true });
    const caller = await seatCalls({
      sipPort: 5086,
      mediaPort: 21060,
      holdMs: 2500,
    });
    const counts = await waitForMediaBothWays(caller.callId(), { minPackets: 20 });
    for (const leg of counts.legs) expect(leg.packets).toBeGreaterThanOrEqual(20);
    const { callerRes, farRes } = await bothDone(caller, far);
    expect(farRes.logs).toContain(`early media call-id=${caller.callId()}`);
    expect(callerRes.messages).toMatch(/^SIP\/2\.0 183 /m);
    // Both the 183 and the 200 carried an SDP answer rewritten by rtpengine.
    const sdps = receivedSdps(callerRes.messages);
    expect(sdps.length).toBeGreaterThanOrEqual(2);
    for (const { sdp } of sdps) expect(sdp).toMatch(/^m=audio 3\d{4} RTP\/AVP/m);
  });

  test('a far end with c=IN IP6 ::1 (F06): the seat leg stays IPv4, media both ways', async () => {
    const far = await farEnd({ ipv6: true });
    const caller = await seatReinvites({
      sipPort: 5087,
      mediaPort: 21070,
      gapMs: 1000,
      holdMs: 2000,
    });
    const counts = await waitForMediaBothWays(caller.callId(), { minPackets: 20 });
    expect(counts.legs).toHaveLength(2);
    for (const leg of counts.legs) expect(leg.packets).toBeGreaterThanOrEqual(20);
    const { callerRes, farRes } = await bothDone(caller, far);

    const toCaller = receivedSdps(callerRes.messages);
    expect(toCaller.length).toBeGreaterThanOrEqual(4);
    for (const { sdp } of toCaller) {
      expect(sdp).toMatch(/^c=IN IP4 127\.0\.0\.1/m);
      expect(sdp).not.toContain('IP6');
    }
    // Once rtpengine has the far end's IPv6 answer, what it sends that way is IPv6 too: the
    // re-INVITEs (CSeq 2, 3) and the ACK's answer to the far end's late offer (CSeq 4).
    // The first offer (CSeq 1) is IPv4: nothing tells rtpengine the far end's family yet.
    const toFar = receivedSdps(farRes.messages);
    expect(toFar.map((m) => m.cseq)).toEqual(['1 INVITE', '2 INVITE', '3 INVITE', '4 ACK']);
    expect(toFar[0]?.sdp).toMatch(/^c=IN IP4 127\.0\.0\.1/m);
    for (const { sdp } of toFar.slice(1)) expect(sdp).toMatch(/^c=IN IP6 ::1/m);
  });
});

describe('DTMF', () => {
  test('SIP INFO (application/dtmf-relay) reaches the far end with its Signal', async () => {
    const far = await farEnd();
    const caller = track(
      await placeInfoDtmfCall({
        caller: SEAT,
        number: CITIZEN,
        sipPort: 5088,
        mediaPort: 21080,
        digit: '7',
        gapMs: 800,
        holdMs: 500,
      }),
    );
    const { callerRes, farRes } = await bothDone(caller, far);
    expect(callerRes.logs).toContain(`info sent signal=7 call-id=${caller.callId()}`);
    expect(sippLogLines(farRes.logs, 'info')).toEqual([
      { 'call-id': caller.callId(), signal: '7' },
    ]);
  });
});

describe('423 Interval Too Brief (F03)', () => {
  beforeAll(async () => {
    await stopPbx();
    await startPbx({ PBX_MIN_EXPIRES: '3600' });
  });

  afterAll(async () => {
    await stopPbx();
    await startPbx();
  });

  test('a REGISTER with Expires 300 gets 423 with Min-Expires 3600; 3600 is then accepted', async () => {
    const res = await registerBelowMinExpires({ ...SEAT_CONTACT, expires: 300 });
    expect(res.exitCode, res.messages).toBe(0);
    expect(sippLogLines(res.logs, '423')).toEqual([{ min_expires: '3600' }]);
    expect(res.logs).toContain('registered 1001 expires=3600');
    // One answer per REGISTER: the 423 is not followed by a stray error reply.
    expect(res.messages.match(/^SIP\/2\.0 /gm)).toHaveLength(2);
    const off = await registerContact({ ...SEAT_CONTACT, expires: 0 });
    expect(off.exitCode, off.messages).toBe(0);
  });
});
