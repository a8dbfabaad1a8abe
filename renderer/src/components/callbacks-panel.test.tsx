import { beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../lib/log';
import { formatClock } from '../lib/format';
import { CALLBACK, SESSION, flush, setup } from '../testing/fakes';
import { attr, byTestId, render, textOf } from '../testing/render';
import { CallbacksPanel } from './CallbacksPanel';

beforeAll(() => setLogSink(() => undefined));

describe('callbacks panel rows', () => {
  it('shows how long each caller waited and when they gave up, in both languages', async () => {
    const open = { ...CALLBACK, status: 'open' as const, takenBy: null, waitMs: 12_600 };
    const ctx = setup({
      'session.get': () => SESSION,
      'callback.list': () => ({ open: 1, items: [open] }),
    });
    await ctx.state().boot();
    await flush();

    let html = render(ctx.store, <CallbacksPanel />);
    const [wait] = byTestId(html, 'callback-wait');
    expect(attr(wait!.tag, 'data-wait-ms')).toBe('12600');
    expect(textOf(wait!.inner)).toBe('排队 13 秒');
    const [when] = byTestId(html, 'callback-when');
    expect(attr(when!.tag, 'data-abandoned-at')).toBe(open.abandonedAt);
    // The hub lists callers who hung up and callers it refused after the queue timeout
    // alike (the entry says not which), so the row claims neither.
    expect(textOf(when!.inner)).toBe(`${formatClock(open.abandonedAt)} 排队未接通`);

    ctx.state().setLang('en');
    html = render(ctx.store, <CallbacksPanel />);
    expect(textOf(byTestId(html, 'callback-wait')[0]!.inner)).toBe('Queued 13 s');
    expect(textOf(byTestId(html, 'callback-when')[0]!.inner)).toBe(
      `Left the queue unanswered at ${formatClock(open.abandonedAt)}`,
    );
  });
});
