import { beforeAll, describe, expect, it } from 'vitest';
import {
  HUB_PATHS,
  KbChangeListSchema,
  KbSearchResponseSchema,
  KbVersionListSchema,
  KbVersionSchema,
  type KbAction,
  type KbArticleInput,
} from '../../shared/hub-api.js';
import { bearer, login, useSeededHub } from '../testing/fixture.js';

const seeded = useSeededHub({ login: false });
const tokens: Record<'agent' | 'lead' | 'admin', string> = { agent: '', lead: '', admin: '' };

beforeAll(async () => {
  tokens.agent = (await login(seeded.hub.app, 'agent01', '1001')).token;
  tokens.lead = (await login(seeded.hub.app, 'lead01', '1901')).token;
  tokens.admin = (await login(seeded.hub.app, 'admin01', '1999')).token;
});

const article: KbArticleInput = {
  id: 'pet-dog-licence',
  title: '犬只登记与养犬许可证办理',
  category: 'other',
  keywords: ['养犬登记', '狗证', '犬只'],
  synonyms: [['狗证', '养犬许可证', '养狗证']],
  body: '在城区饲养犬只的，应当在取得犬只免疫证明后三十日内到所在镇街办理养犬登记，领取狗证。',
};

async function call(
  method: 'GET' | 'POST',
  url: string,
  as: keyof typeof tokens,
  payload?: unknown,
) {
  const res = await seeded.hub.app.inject({
    method,
    url,
    headers: bearer(tokens[as]),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: res.json() as unknown };
}

const move = (action: KbAction, version: number, as: keyof typeof tokens, note?: string) =>
  call('POST', HUB_PATHS.kbTransition(article.id, version, action), as, note ? { note } : {});

async function searchTop(q: string) {
  const res = await call('GET', `${HUB_PATHS.kbSearch}?q=${encodeURIComponent(q)}`, 'agent');
  return KbSearchResponseSchema.parse(res.body);
}

describe('KB article life cycle over HTTP', () => {
  it('serves an article only once published, and stops when it is retired', async () => {
    const draft = await call('POST', HUB_PATHS.kbArticles, 'lead', article);
    expect(draft.status).toBe(201);
    expect(KbVersionSchema.parse(draft.body)).toMatchObject({ version: 1, state: 'draft' });
    expect((await searchTop('狗证怎么办')).hits.map((h) => h.id)).not.toContain(article.id);

    expect((await move('submit', 1, 'lead')).status).toBe(200);
    expect((await searchTop('狗证怎么办')).hits.map((h) => h.id)).not.toContain(article.id);

    const published = await move('publish', 1, 'admin');
    expect(published.status).toBe(200);
    expect(KbVersionSchema.parse(published.body).state).toBe('published');
    const found = await searchTop('狗证怎么办');
    expect(found.hits[0]?.id).toBe(article.id);
    expect(found.confident).toBe(true);
    // The article's own synonyms work at once too.
    expect((await searchTop('养狗证')).hits[0]?.id).toBe(article.id);

    expect((await move('retire', 1, 'admin')).status).toBe(200);
    expect((await searchTop('狗证怎么办')).hits.map((h) => h.id)).not.toContain(article.id);
  });

  it('replaces the live version when a new one is published', async () => {
    const id = 'pet-dog-licence';
    const v2 = await call('POST', HUB_PATHS.kbArticles, 'admin', {
      ...article,
      body: `${article.body}二〇二六年起可在粤省事小程序线上办理年审。`,
    });
    expect(KbVersionSchema.parse(v2.body).version).toBe(2);
    await move('submit', 2, 'admin');
    await move('publish', 2, 'admin');
    const hit = (await searchTop('狗证年审')).hits[0];
    expect(hit?.id).toBe(id);
    expect(hit?.answer).toContain('年审');

    const versions = KbVersionListSchema.parse(
      (await call('GET', HUB_PATHS.kbVersions(id), 'lead')).body,
    ).versions;
    expect(versions.map((v) => [v.version, v.state])).toEqual([
      [2, 'published'],
      [1, 'retired'],
    ]);
    const changes = KbChangeListSchema.parse(
      (await call('GET', HUB_PATHS.kbChanges(id), 'lead')).body,
    ).changes;
    expect(changes.map((c) => `${c.version}:${c.from ?? '-'}>${c.to}`)).toEqual([
      '1:->draft',
      '1:draft>in-review',
      '1:in-review>published',
      '1:published>retired',
      '2:->draft',
      '2:draft>in-review',
      '2:in-review>published',
    ]);
    expect(changes[0]?.by).toBe('ag-901');
  });

  it('sends a version back with a note, and lists versions by state', async () => {
    const draft = KbVersionSchema.parse(
      (await call('POST', HUB_PATHS.kbArticles, 'lead', { ...article, title: '养犬登记（修订）' }))
        .body,
    );
    await move('submit', draft.version, 'lead');
    const review = KbVersionListSchema.parse(
      (await call('GET', `${HUB_PATHS.kbArticles}?state=in-review`, 'admin')).body,
    ).versions;
    expect(review.map((v) => v.article.id)).toContain(article.id);

    expect((await move('send-back', draft.version, 'admin')).status).toBe(400);
    const back = await move('send-back', draft.version, 'admin', '请补充办理地点');
    expect(KbVersionSchema.parse(back.body).state).toBe('draft');
    const drafts = KbVersionListSchema.parse(
      (await call('GET', `${HUB_PATHS.kbArticles}?state=draft`, 'lead')).body,
    ).versions;
    expect(drafts.find((v) => v.article.id === article.id)?.version).toBe(draft.version);
  });

  it('refuses moves the life cycle does not allow (409) and unknown articles (404)', async () => {
    expect((await move('publish', 2, 'admin')).status).toBe(409);
    expect((await move('retire', 99, 'admin')).status).toBe(404);
    expect((await call('GET', HUB_PATHS.kbVersions('no-such-article'), 'lead')).status).toBe(404);
  });

  it('lets leads write and submit but only admins publish; agents edit nothing', async () => {
    expect((await call('POST', HUB_PATHS.kbArticles, 'agent', article)).status).toBe(403);
    expect((await call('GET', `${HUB_PATHS.kbArticles}?state=draft`, 'agent')).status).toBe(403);
    const draft = KbVersionSchema.parse(
      (await call('POST', HUB_PATHS.kbArticles, 'lead', article)).body,
    );
    await move('submit', draft.version, 'lead');
    expect((await move('publish', draft.version, 'lead')).status).toBe(403);
    expect((await move('send-back', draft.version, 'lead', 'x')).status).toBe(403);
  });

  it.each([
    [{ ...article, id: 'Bad Id!' }, 'id'],
    [{ ...article, category: 'pets' }, 'category'],
    [{ ...article, keywords: [] }, 'keywords'],
    [{ ...article, body: '太短' }, 'body'],
    [{ ...article, extra: 1 }, 'extra'],
  ])('refuses a bad draft naming the field (%#)', async (payload, field) => {
    const res = await call('POST', HUB_PATHS.kbArticles, 'lead', payload);
    expect(res.status).toBe(400);
    expect((res.body as { error: { field?: string } }).error.field).toBe(field);
  });

  it('refuses a bad state filter naming it', async () => {
    const res = await call('GET', `${HUB_PATHS.kbArticles}?state=gone`, 'lead');
    expect(res.status).toBe(400);
    expect((res.body as { error: { field?: string } }).error.field).toBe('state');
  });
});
