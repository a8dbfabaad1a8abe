import { beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../lib/log';
import { SESSION, fail, setup } from '../testing/fakes';
import { byTestId, render, textOf } from '../testing/render';
import { RecordingPlayer } from './RecordingPlayer';

beforeAll(() => setLogSink(() => undefined));

describe('recording player', () => {
  it('says the centre has no recording when the hub has none, not "not on this seat"', async () => {
    const ctx = setup({
      'session.get': () => SESSION,
      'recording.get': () => fail('not-found'),
    });
    await ctx.state().openRecording('seed-0101@hub.seed');
    let html = render(ctx.store, <RecordingPlayer />);
    expect(textOf(byTestId(html, 'recording-error')[0]!.inner)).toBe('中心没有这通电话的录音。');
    ctx.state().setLang('en');
    html = render(ctx.store, <RecordingPlayer />);
    expect(textOf(byTestId(html, 'recording-error')[0]!.inner)).toBe(
      'The centre has no recording of this call.',
    );
  });

  it('words other failures by their error', async () => {
    const ctx = setup({ 'recording.get': () => fail('hub-unreachable') });
    await ctx.state().openRecording('c1');
    const html = render(ctx.store, <RecordingPlayer />);
    expect(textOf(byTestId(html, 'recording-error')[0]!.inner)).toMatch(/^无法播放录音：/);
  });
});

describe('recording player across sign-out', () => {
  it('closes the recording, and its error, when the account signs out', async () => {
    const ctx = setup({ 'recording.get': () => fail('not-found') });
    await ctx.state().login({ account: 'lead01', password: 'p', extension: '1901' });
    await ctx.state().openRecording('seed-0101@hub.seed');
    expect(ctx.state().recordingOpen?.phase).toBe('failed');
    await ctx.state().logout();
    expect(ctx.state().recordingOpen).toBeNull();
  });
});
