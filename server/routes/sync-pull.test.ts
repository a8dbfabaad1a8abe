import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HUB_PATHS } from '../../shared/hub-api.js';
import { PullResponseSchema, type PushResponse } from '../../shared/sync-protocol.js';
import { bearer, login, useFreshHub } from '../testing/fixture.js';

const fresh = useFreshHub();

function mutation(summary: string) {
  return {
    id: randomUUID(),
    name: 'order.create',
    clientOrderId: randomUUID(),
    args: { type: 'consultation', category: 'housing-fund', territory: 'SSH', summary },
  };
}

async function push(token: string, seatId: string, summaries: string[]): Promise<PushResponse> {
  const res = await fresh.hub.app.inject({
    method: 'POST',
    url: HUB_PATHS.syncPush,
    headers: bearer(token),
    payload: { protocol: 2, seatId, mutations: summaries.map(mutation) },
  });
  expect(res.statusCode).toBe(200);
  return res.json<PushResponse>();
}

async function pull(token: string, query: string) {
  const res = await fresh.hub.app.inject({
    method: 'GET',
    url: `${HUB_PATHS.syncPull}?${query}`,
    headers: bearer(token),
  });
  return { status: res.statusCode, body: res.json() as unknown };
}

describe('GET sync/pull', () => {
  it('answers 409 cursor_ahead to a cursor past anything this hub handed out (a restored hub)', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app);
    await push(token, 'seat-A', ['一']);
    const { cursor, kbCursor } = PullResponseSchema.parse(
      (await pull(token, 'seatId=seat-A&cursor=0')).body,
    );
    expect((await pull(token, `seatId=seat-A&cursor=${cursor}`)).status).toBe(200);

    const ahead = await pull(token, `seatId=seat-A&cursor=${Number(cursor) + 1}`);
    expect(ahead).toMatchObject({
      status: 409,
      body: { error: { code: 'cursor_ahead', field: 'cursor' } },
    });
    const kbAhead = await pull(token, `seatId=seat-A&kbCursor=${Number(kbCursor) + 5}`);
    expect(kbAhead).toMatchObject({
      status: 409,
      body: { error: { code: 'cursor_ahead', field: 'kbCursor' } },
    });
  });

  it('returns this seat’s orders after the cursor, in version order', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app);
    await push(token, 'seat-A', ['一', '二', '三']);
    await push(token, 'seat-B', ['别的座席']);

    const first = await pull(token, 'seatId=seat-A&cursor=0');
    expect(first.status).toBe(200);
    const page = PullResponseSchema.parse(first.body);
    expect(page.orders.map((o) => o.summary)).toEqual(['一', '二', '三']);
    expect(page.orders.every((o) => o.clientOrderId !== null)).toBe(true);
    expect(page.hasMore).toBe(false);
    expect(page.cursor).toBe(String(page.orders[2]?.version));

    const none = PullResponseSchema.parse(
      (await pull(token, `seatId=seat-A&cursor=${page.cursor}`)).body,
    );
    expect(none.orders).toEqual([]);
    expect(none.cursor).toBe(page.cursor);

    await push(token, 'seat-A', ['四']);
    const next = PullResponseSchema.parse(
      (await pull(token, `seatId=seat-A&cursor=${page.cursor}`)).body,
    );
    expect(next.orders.map((o) => o.summary)).toEqual(['四']);
  });

  it('pages with limit and hasMore', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app);
    await push(token, 'seat-A', ['一', '二', '三']);
    const a = PullResponseSchema.parse((await pull(token, 'seatId=seat-A&limit=2')).body);
    expect(a.orders).toHaveLength(2);
    expect(a.hasMore).toBe(true);
    const b = PullResponseSchema.parse(
      (await pull(token, `seatId=seat-A&limit=2&cursor=${a.cursor}`)).body,
    );
    expect(b.orders.map((o) => o.summary)).toEqual(['三']);
    expect(b.hasMore).toBe(false);
  });

  it('without a seat, returns what this agent pushed and nothing of others or the seed', async () => {
    const hub = await fresh.open();
    const me = await login(hub.app, 'agent01', '1001');
    const other = await login(hub.app, 'agent02', '1002');
    await push(me.token, 'seat-A', ['我的']);
    await push(other.token, 'seat-C', ['别人的']);
    const mine = PullResponseSchema.parse((await pull(me.token, '')).body);
    expect(mine.orders.map((o) => o.summary)).toEqual(['我的']);
  });

  it('answers a seat pull with only the orders the signed-in account pushed', async () => {
    const hub = await fresh.open();
    const agent = await login(hub.app, 'agent01', '1001');
    const specialist = await login(hub.app, 'specialist01', '1101');
    await push(agent.token, 'seat-A', ['市民甲的诉求', '市民乙的诉求']);

    const theirs = PullResponseSchema.parse(
      (await pull(specialist.token, 'seatId=seat-A&cursor=0')).body,
    );
    expect(theirs.orders).toEqual([]);

    // The next shift at the same desk: its own order comes, the earlier agent's do not,
    // and the cursor passes them all.
    await push(specialist.token, 'seat-A', ['下一班的工单']);
    const next = PullResponseSchema.parse(
      (await pull(specialist.token, 'seatId=seat-A&cursor=0')).body,
    );
    expect(next.orders.map((o) => o.summary)).toEqual(['下一班的工单']);
    expect(next.cursor).toBe(String(next.orders[0]?.version));
    const agentsOwn = PullResponseSchema.parse(
      (await pull(agent.token, 'seatId=seat-A&cursor=0')).body,
    );
    expect(agentsOwn.orders.map((o) => o.summary)).toEqual(['市民甲的诉求', '市民乙的诉求']);
  });

  it('feeds KB publishes and retires after kbCursor; a first pull gets only the feed’s end', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app);
    const first = PullResponseSchema.parse((await pull(token, 'kbCursor=0')).body);
    expect(first.kb).toEqual([]);
    expect(Number(first.kbCursor)).toBeGreaterThan(0);
    const [article] = await hub.store.kb.listPublished();
    if (!article) throw new Error('the seed has KB articles');
    const draft = await hub.store.kb.saveDraft({ ...article, title: '新版标题' }, 'lead01', 1);
    await hub.store.kb.transition(article.id, draft.version, 'in-review', 'lead01', 2);
    await hub.store.kb.transition(article.id, draft.version, 'published', 'admin01', 3);
    const next = PullResponseSchema.parse(
      (await pull(token, `kbCursor=${first.kbCursor}&cursor=${first.cursor}`)).body,
    );
    expect(next.kb.map((k) => [k.id, k.state, k.title])).toEqual([
      [article.id, 'retired', article.title],
      [article.id, 'published', '新版标题'],
    ]);
    expect(next.kb[1]?.answer).toBe(article.body);
    const none = PullResponseSchema.parse((await pull(token, `kbCursor=${next.kbCursor}`)).body);
    expect(none.kb).toEqual([]);
    expect(none.kbCursor).toBe(next.kbCursor);
  });

  it.each([
    ['cursor=abc', 'cursor'],
    ['cursor=-1', 'cursor'],
    ['limit=0', 'limit'],
    ['limit=1e1', 'limit'],
    ['limit=0x10', 'limit'],
    ['limit=', 'limit'],
    ['since=3', 'since'],
  ])('refuses ?%s naming %s', async (query, field) => {
    const hub = await fresh.open();
    const { token } = await login(hub.app);
    const res = await pull(token, query);
    expect(res.status).toBe(400);
    expect((res.body as { error: { field: string } }).error.field).toBe(field);
  });

  it('says a limit must be a whole number, and how small it may be', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app);
    for (const limit of ['1e1', '', '0x10']) {
      expect((await pull(token, `limit=${limit}`)).body).toEqual({
        error: {
          code: 'invalid_request',
          message: 'limit must be a whole number, in digits 0-9',
          field: 'limit',
        },
      });
    }
    expect((await pull(token, 'limit=0')).body).toMatchObject({
      error: { message: 'limit must be at least 1' },
    });
    expect((await pull(token, 'limit=10')).status).toBe(200);
  });

  it('says a bad cursor must be one the hub returned', async () => {
    const hub = await fresh.open();
    const { token } = await login(hub.app);
    const res = await pull(token, 'cursor=abc');
    expect(res.body).toEqual({
      error: {
        code: 'invalid_request',
        message: 'cursor must be one the hub returned',
        field: 'cursor',
      },
    });
  });
});
