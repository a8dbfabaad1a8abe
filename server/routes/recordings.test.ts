import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HUB_PATHS, RecordingSchema } from '../../shared/hub-api.js';
import { ManualClock } from '../clock.js';
import { encodeWav } from '../recordings/wav.js';
import { bearer, login, SEED_NOW, tempDir, useFreshHub, type TestHub } from '../testing/fixture.js';

const fresh = useFreshHub();
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const CALL_ID = '1-4242@127.0.0.1/odd';
const DAY = 24 * 60 * 60 * 1000;

/** A hub with one stored recording of CALL_ID (a short stereo WAV on disk). */
async function hubWithRecording(): Promise<{ hub: TestHub; clock: ManualClock; wav: Buffer }> {
  const clock = new ManualClock(SEED_NOW);
  const hub = await fresh.open({ clock });
  const dir = join(tmp.dir, String(Math.random()).slice(2));
  mkdirSync(dir, { recursive: true });
  const wav = encodeWav({
    sampleRate: 8000,
    channels: [Int16Array.from([1, 2, 3]), Int16Array.from([4, 5, 6])],
  });
  const path = join(dir, 'call.wav');
  writeFileSync(path, wav);
  await hub.store.recordings.put({
    callId: CALL_ID,
    startedAt: SEED_NOW - 60_000,
    durationMs: 42_000,
    bytes: wav.length,
    path,
    expiresAt: SEED_NOW + 180 * DAY,
  });
  return { hub, clock, wav };
}

describe('recordings', () => {
  it('gives a shift lead the metadata and the audio, and audits both reads', async () => {
    const { hub, wav } = await hubWithRecording();
    const { token, agent } = await login(hub.app, 'lead01', '1901');

    const meta = await hub.app.inject({
      method: 'GET',
      url: HUB_PATHS.recording(CALL_ID),
      headers: bearer(token),
    });
    expect(meta.statusCode, meta.body).toBe(200);
    expect(RecordingSchema.parse(meta.json())).toEqual({
      callId: CALL_ID,
      startedAt: new Date(SEED_NOW - 60_000).toISOString(),
      durationMs: 42_000,
      bytes: wav.length,
      contentType: 'audio/wav',
      expiresAt: new Date(SEED_NOW + 180 * DAY).toISOString(),
    });

    const audio = await hub.app.inject({
      method: 'GET',
      url: HUB_PATHS.recordingAudio(CALL_ID),
      headers: bearer(token),
    });
    expect(audio.statusCode).toBe(200);
    expect(audio.headers['content-type']).toBe('audio/wav');
    expect(audio.rawPayload.equals(wav)).toBe(true);

    const audit = await hub.store.audit.list({ actorId: agent.id, limit: 10 });
    expect(audit.map((e) => [e.action, e.subject, e.detail])).toEqual([
      ['read', `call:${CALL_ID}`, 'recording audio'],
      ['read', `call:${CALL_ID}`, 'recording'],
    ]);
  });

  it('refuses agents (403 naming the roles) and answers 404 for an unknown call', async () => {
    const { hub } = await hubWithRecording();
    const agent = await login(hub.app, 'agent01', '1001');
    const refused = await hub.app.inject({
      method: 'GET',
      url: HUB_PATHS.recordingAudio(CALL_ID),
      headers: bearer(agent.token),
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('one of the roles lead, admin');

    const admin = await login(hub.app, 'admin01', '1999');
    const missing = await hub.app.inject({
      method: 'GET',
      url: HUB_PATHS.recording('no-such-call'),
      headers: bearer(admin.token),
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'no-recording' } });
  });

  it('answers 404 once the retention is over, and when the file has gone', async () => {
    const { hub, clock } = await hubWithRecording();
    const { token } = await login(hub.app, 'lead01', '1901');
    const row = await hub.store.recordings.get(CALL_ID);
    rmSync(row?.path ?? '');
    const gone = await hub.app.inject({
      method: 'GET',
      url: HUB_PATHS.recordingAudio(CALL_ID),
      headers: bearer(token),
    });
    expect(gone.statusCode).toBe(404);
    clock.advance(180 * DAY);
    const later = await login(hub.app, 'lead01', '1901');
    const expired = await hub.app.inject({
      method: 'GET',
      url: HUB_PATHS.recording(CALL_ID),
      headers: bearer(later.token),
    });
    expect(expired.statusCode).toBe(404);
  });
});
