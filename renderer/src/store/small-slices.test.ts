import { beforeAll, describe, expect, it } from 'vitest';
import type { DeskResult } from '../../../shared/desk-api';
import { setLogSink } from '../lib/log';
import { SYNC, fail, setup } from '../testing/fakes';
import { syncProblem } from './sync-slice';
import { LANG_KEY } from './ui-slice';

beforeAll(() => setLogSink(() => undefined));

describe('sync slice', () => {
  it('takes the status from a request and from events', async () => {
    const { state } = setup({ 'sync.now': () => ({ ...SYNC, pending: 0, syncing: true }) });
    state().syncStatusChanged({
      ...SYNC,
      pending: 3,
      hubReachable: false,
      lastError: 'ECONNREFUSED',
    });
    expect(state().sync).toMatchObject({ pending: 3, hubReachable: false });

    await state().syncNow();
    expect(state().sync).toMatchObject({ pending: 0, syncing: true });
    expect(state().syncBusy).toBe(false);
  });

  it('keeps the last status when a request fails', async () => {
    const { state } = setup({ 'sync.status': () => fail('internal') });
    state().syncStatusChanged({ ...SYNC, pending: 2 });
    await state().refreshSync();
    expect(state().sync?.pending).toBe(2);
    expect(state().syncError?.code).toBe('internal');
  });
});

describe('kb slice', () => {
  type KbAnswer = DeskResult<'kb.search'>;
  const answer = (q: string): KbAnswer => ({
    query: q,
    hits: [],
    confident: false,
    offline: false,
  });

  it('searches and keeps only the answer to the latest query', async () => {
    let releaseFirst: (r: KbAnswer) => void = () => undefined;
    const { state } = setup({
      'kb.search': ({ q }) =>
        q === '社保' ? new Promise((resolve) => (releaseFirst = resolve)) : answer(q),
    });
    const first = state().searchKb('社保');
    await state().searchKb('公积金');
    releaseFirst(answer('社保'));
    await first;

    expect(state()).toMatchObject({ kbQuery: '公积金', kbStatus: 'ready' });
    expect(state().kbResult?.query).toBe('公积金');
  });

  it('clears on an empty query', async () => {
    const { state, desk } = setup({ 'kb.search': ({ q }) => answer(q) });
    await state().searchKb('社保');
    await state().searchKb('   ');
    expect(state()).toMatchObject({ kbQuery: '', kbStatus: 'idle', kbResult: null });
    expect(desk.callsOf('kb.search')).toHaveLength(1);
  });
});

describe('ui slice', () => {
  it('defaults to Chinese and remembers the language chosen', () => {
    const { state, storage } = setup();
    expect(state().lang).toBe('zh-CN');
    state().setLang('en');
    expect(storage.getItem(LANG_KEY)).toBe('en');
    expect(state().lang).toBe('en');
  });
});

describe('sync problem', () => {
  const unreachable = {
    code: 'hub-unreachable' as const,
    message: 'The hub at http://x cannot be reached',
  };

  it('gives a code to translate and keeps the English for the tooltip', () => {
    expect(syncProblem(SYNC, null)).toBeNull();
    expect(
      syncProblem({ ...SYNC, hubReachable: false, lastError: 'The hub at http://x is down' }, null),
    ).toEqual({ code: 'hub-unreachable', detail: 'The hub at http://x is down' });
    expect(syncProblem({ ...SYNC, lastError: 'HTTP 500' }, null)).toEqual({
      code: 'sync-failed',
      detail: 'HTTP 500',
    });
    expect(syncProblem(null, unreachable)).toEqual({
      code: 'hub-unreachable',
      detail: unreachable.message,
    });
  });
});
