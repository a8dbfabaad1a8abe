import { describe, expect, it } from 'vitest';
import { HUB_PATHS, type Recording } from '../../shared/hub-api.js';
import type { FetchLike } from './hub/hub-client.js';
import { MAX_RECORDING_BYTES } from './seat-core.js';
import { hubError, jsonResponse, seatOnFakeHub } from './testing/fake-hub-seat.js';
import type { SeatKit } from './testing/seat-kit.js';

/**
 * `recording.get`: the seat core asks the hub for a call's recording (metadata, then the
 * audio) and hands the desk both, the audio as base64. The fake hub does not serve
 * recordings: `Recordings` answers them here the way server/routes/recordings.ts does.
 */
const seats = seatOnFakeHub();

const CALL_ID = '1-4242@127.0.0.1';
const AUDIO = Buffer.from('RIFF....WAVEfmt fake audio bytes');

class Recordings {
  status = 200;
  bytes = AUDIO.length;
  readonly asked: string[] = [];

  fetch(): FetchLike {
    return async (input, init) => {
      const url = new URL(String(input));
      if (!url.pathname.startsWith('/api/v1/recordings/')) return fetch(input, init);
      this.asked.push(url.pathname);
      if (this.status !== 200) {
        const code = this.status === 404 ? 'no-recording' : 'forbidden';
        return hubError(this.status, code, `answered ${this.status}`);
      }
      if (url.pathname === HUB_PATHS.recordingAudio(CALL_ID)) {
        return new Response(AUDIO, { headers: { 'content-type': 'audio/wav' } });
      }
      const recording: Recording = {
        callId: CALL_ID,
        startedAt: '2026-12-04T02:00:00.000Z',
        durationMs: 5300,
        bytes: this.bytes,
        contentType: 'audio/wav',
        expiresAt: '2027-06-02T02:00:00.000Z',
      };
      return jsonResponse(200, recording);
    };
  }
}

function open(recordings: Recordings): Promise<SeatKit> {
  return seats.open(recordings.fetch());
}

describe('recording.get', () => {
  it('answers the metadata and the audio as base64, logging the call id only', async () => {
    const recordings = new Recordings();
    const kit = await open(recordings);
    const answer = await kit.call('recording.get', { callId: CALL_ID });
    expect(answer.recording).toMatchObject({ callId: CALL_ID, durationMs: 5300 });
    expect(Buffer.from(answer.audioBase64, 'base64').equals(AUDIO)).toBe(true);
    expect(recordings.asked).toEqual([
      HUB_PATHS.recording(CALL_ID),
      HUB_PATHS.recordingAudio(CALL_ID),
    ]);
    expect(kit.logs.some((l) => String(l.msg).includes(`call ${CALL_ID} fetched`))).toBe(true);
  });

  it('refuses a recording over 32 MB before fetching its audio', async () => {
    const recordings = new Recordings();
    recordings.bytes = MAX_RECORDING_BYTES + 1;
    const kit = await open(recordings);
    const answer = await kit.core.handle('recording.get', { callId: CALL_ID });
    expect(answer).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(JSON.stringify(answer)).toContain('up to 33554432 bytes (32 MB)');
    expect(recordings.asked).toEqual([HUB_PATHS.recording(CALL_ID)]);
  });

  it('says not-found for a call without a recording and names the roles on 403', async () => {
    const recordings = new Recordings();
    const kit = await open(recordings);
    recordings.status = 404;
    expect(await kit.core.handle('recording.get', { callId: CALL_ID })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    recordings.status = 403;
    const refused = await kit.core.handle('recording.get', { callId: CALL_ID });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(JSON.stringify(refused)).toContain('Only shift leads and admins');
  });
});
