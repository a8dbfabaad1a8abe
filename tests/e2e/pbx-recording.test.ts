import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_PATHS, RecordingSchema, type LoginResponse } from '../../shared/hub-api.js';
import { CALLER_CHANNEL, SEAT_CHANNEL } from '../../server/recordings/convert.js';
import { toneCoverage, toneShare } from '../../server/recordings/tone.js';
import { decodeWav } from '../../server/recordings/wav.js';
import { pbxConfig, readKamailioLogSinceStart, startPbx, stopPbx } from './support/pbx.js';
import { waitUntil } from './support/ports.js';
import { startHub, type Service } from './support/services.js';
import {
  cleanSippWorkDirs,
  placeHotlineCall,
  registerContact,
  startSipp,
  TONE_FILE,
} from './support/sipp.js';

/**
 * Call recording on the real PBX with the real hub as ACD: a SIPp citizen (440 Hz) calls
 * the hotline, the hub routes it to agent01 at a SIPp seat (1000 Hz), rtpengine records
 * the call (pcap) and plays the recording notice to the caller, the hub turns the capture
 * into a WAV, and a shift lead fetches it through the recording routes.
 */
const HUB_PORT = 4380;
const cfg = pbxConfig();
let work: string;
let hub: Service;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hd-e2e-recording-'));
  await cleanSippWorkDirs();
  await startPbx();
  hub = await startHub({
    port: HUB_PORT,
    db: join(work, 'hub.sqlite'),
    logDir: work,
    env: {
      HUB_RECORDING_DIR: join(cfg.runDir, 'recordings'),
      KAMAILIO_EVAPI: `${cfg.evapiHost}:${cfg.evapiPort}`,
    },
  });
}, 120_000);

afterAll(async () => {
  await hub?.stop();
  await stopPbx();
  await rm(work, { recursive: true, force: true });
});

async function api<T>(path: string, init: { token?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(hub.url + path, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const signIn = (account: string, extension: string): Promise<LoginResponse> =>
  api<LoginResponse>(HUB_PATHS.login, { body: { account, password: 'demo1234', extension } });

describe('call recording', () => {
  it('records a hotline call with the caller’s audio, tells the caller, and serves it to a lead', async () => {
    // The seat sends 1000 Hz (its own tone file), so the caller's 440 Hz is told apart.
    const seatDir = join(cfg.runDir, 'sipp', 'recording-seat');
    await mkdir(seatDir, { recursive: true });
    const sox = spawnSync('sox', [
      ...['-n', '-r', '8000', '-c', '1', '-t', 'ul', join(seatDir, TONE_FILE)],
      ...['synth', '4', 'sine', '1000', 'vol', '0.5'],
    ]);
    expect(sox.status, String(sox.stderr)).toBe(0);
    const seat = await startSipp({
      scenario: 'uas-seat.xml',
      localPort: 5190,
      mediaPort: 21100,
      sets: { hold_ms: 5000 },
      workDir: seatDir,
      timeoutMs: 60_000,
    });
    await waitUntil('the SIPp seat listening', () => udpPortBound(5190), 10_000);
    const reg = await registerContact({
      extension: '1001',
      contactPort: 5190,
      sipPort: 5191,
      expires: 300,
    });
    expect(reg.exitCode, reg.messages).toBe(0);

    const agent = await signIn('agent01', '1001');
    await api(HUB_PATHS.agentState, { token: agent.token, body: { state: 'ready' } });

    const call = await placeHotlineCall({
      caller: '13800138000',
      sipPort: 5171,
      mediaPort: 21010,
      holdMs: 30_000,
    });
    const callId = call.callId();
    const [seatRes, callRes] = await Promise.all([seat.done, call.done]);
    expect(seatRes.exitCode, seatRes.errors).toBe(0);
    expect(callRes.exitCode, callRes.errors).toBe(0);
    expect(callRes.logs).toContain(`seat hung up call-id=${callId}`);

    const pbxLog = await readKamailioLogSinceStart(cfg);
    expect(pbxLog).toContain(
      `pbx.recording: call ${callId} is recorded; notice played to the caller`,
    );

    // The hub scans the recording directory every 5 s.
    const lead = await signIn('lead01', '1901');
    const meta = await waitUntil(
      `the recording of ${callId} at the hub`,
      async () => {
        const res = await fetch(hub.url + HUB_PATHS.recording(callId), {
          headers: { authorization: `Bearer ${lead.token}` },
        });
        return res.ok ? RecordingSchema.parse(await res.json()) : undefined;
      },
      20_000,
      250,
    );
    expect(meta.contentType).toBe('audio/wav');
    expect(meta.durationMs).toBeGreaterThanOrEqual(4500);
    expect(meta.durationMs).toBeLessThan(7000);
    const expiresIn = Date.parse(meta.expiresAt) - Date.parse(meta.startedAt);
    expect(expiresIn).toBe(180 * 24 * 60 * 60 * 1000);

    const refused = await fetch(hub.url + HUB_PATHS.recordingAudio(callId), {
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(refused.status).toBe(403);

    const res = await fetch(hub.url + HUB_PATHS.recordingAudio(callId), {
      headers: { authorization: `Bearer ${lead.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    const wav = Buffer.from(await res.arrayBuffer());
    expect(wav.length).toBe(meta.bytes);
    const audio = decodeWav(wav);
    expect(audio.sampleRate).toBe(8000);
    const caller = audio.channels[CALLER_CHANNEL]!;
    const seatAudio = audio.channels[SEAT_CHANNEL]!;

    // The caller's tone over most of the call, on the caller's channel only.
    const callerTone = toneCoverage(caller, 8000, 440, { minShare: 0.3 });
    const seatTone = toneCoverage(seatAudio, 8000, 1000, { minShare: 0.3 });
    console.log(
      `recording ${callId}: ${meta.durationMs} ms, ${meta.bytes} bytes; 440 Hz in ` +
        `${(callerTone * 100).toFixed(0)}% of the caller channel, 1000 Hz in ` +
        `${(seatTone * 100).toFixed(0)}% of the seat channel`,
    );
    expect(callerTone).toBeGreaterThan(0.8);
    expect(toneCoverage(seatAudio, 8000, 440, { minShare: 0.3 })).toBeLessThan(0.05);
    expect(seatTone).toBeGreaterThan(0.8);

    // The caller echoes what it hears (-rtp_echo), so the notice it was played (880 Hz,
    // then 660 Hz) comes back in the caller's channel within the first seconds, and not later.
    const firstSeconds = (hz: number, from: number, to: number): number => {
      let best = 0;
      for (let at = from * 8000; at + 800 <= Math.min(to * 8000, caller.length); at += 400) {
        best = Math.max(best, toneShare(caller, 8000, hz, at, 800));
      }
      return best;
    };
    const early880 = firstSeconds(880, 0, 2.5);
    const early660 = firstSeconds(660, 0, 2.5);
    const late880 = firstSeconds(880, 3, 5);
    console.log(
      `notice echo: 880 Hz share ${early880.toFixed(2)} early, ${late880.toFixed(2)} later; ` +
        `660 Hz ${early660.toFixed(2)} early`,
    );
    expect(early880).toBeGreaterThan(0.1);
    expect(early660).toBeGreaterThan(0.1);
    expect(late880).toBeLessThan(0.05);
  });
});

/** Whether a UDP socket is bound on the port (SIPp up), from /proc/net/udp. */
async function udpPortBound(port: number): Promise<boolean> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return (await readFile('/proc/net/udp', 'utf8')).includes(`:${hex} `);
}
