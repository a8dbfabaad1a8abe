import { beforeAll, describe, expect, it } from 'vitest';
import type { Recording } from '../../../shared/hub-api';
import { setLogSink } from '../lib/log';
import { fail, setup } from '../testing/fakes';

beforeAll(() => setLogSink(() => undefined));

const RECORDING: Recording = {
  callId: 'call-1@pbx',
  startedAt: '2026-12-04T02:00:00.000Z',
  durationMs: 5300,
  bytes: 4,
  contentType: 'audio/wav',
  expiresAt: '2027-06-02T02:00:00.000Z',
};

describe('recording slice', () => {
  it('opens a recording: loading, then ready with the audio; close forgets it', async () => {
    const { state, desk } = setup({
      'recording.get': () => ({ recording: RECORDING, audioBase64: 'UklGRg==' }),
    });
    const opening = state().openRecording('call-1@pbx');
    expect(state().recordingOpen).toMatchObject({ callId: 'call-1@pbx', phase: 'loading' });
    await opening;
    expect(desk.callsOf('recording.get')).toEqual([{ callId: 'call-1@pbx' }]);
    expect(state().recordingOpen).toMatchObject({
      phase: 'ready',
      recording: RECORDING,
      audioBase64: 'UklGRg==',
    });
    state().closeRecording();
    expect(state().recordingOpen).toBeNull();
  });

  it('keeps the error when the seat core refuses (no recording, too long, not a lead)', async () => {
    const { state } = setup({ 'recording.get': () => fail('not-found') });
    await state().openRecording('call-2@pbx');
    expect(state().recordingOpen).toMatchObject({ phase: 'failed', error: { code: 'not-found' } });
  });
});
