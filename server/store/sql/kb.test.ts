import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/store-backends.js';
import { sampleArticle } from '../../testing/store-samples.js';
import { openHubStore, storeTarget } from '../open-store.js';
import { KbTransitionError, type HubStore } from '../repository.js';

describe.each(testBackends())('KB articles on $name', (backend) => {
  let store: HubStore;

  beforeEach(async () => {
    store = await openHubStore(storeTarget(await backend.scratch()));
    return () => store.close();
  });
  afterAll(() => backend.cleanup());

  /** Drafts, reviews and publishes one version; answers its number. */
  async function publish(id: string, title: string, at: number): Promise<number> {
    const draft = await store.kb.saveDraft(sampleArticle(id, title), 'editor', at);
    await store.kb.transition(id, draft.version, 'in-review', 'editor', at + 1);
    await store.kb.transition(id, draft.version, 'published', 'lead', at + 2, 'checked');
    return draft.version;
  }

  it('serves only published versions, one per article', async () => {
    await store.kb.saveDraft(sampleArticle('kb-1', '草稿'), 'editor', 100);
    expect(await store.kb.listPublished()).toEqual([]);
    await publish('kb-1', '社保卡补办', 200);
    expect(await store.kb.listPublished()).toEqual([sampleArticle('kb-1', '社保卡补办')]);
    expect(await store.kb.countPublished()).toBe(1);
  });

  it('publishing a newer version retires the old one, and the log says who and why', async () => {
    const v1 = await publish('kb-1', '第一版', 100);
    const v2 = await publish('kb-1', '第二版', 200);
    expect([v1, v2]).toEqual([1, 2]);
    const versions = await store.kb.versions('kb-1');
    expect(versions.map((v) => [v.version, v.state, v.article.title])).toEqual([
      [2, 'published', '第二版'],
      [1, 'retired', '第一版'],
    ]);
    expect(versions[1]).toMatchObject({ author: 'editor', changedBy: 'lead', changedAt: 202 });
    expect(await store.kb.listPublished()).toEqual([sampleArticle('kb-1', '第二版')]);
    const log = await store.kb.changes('kb-1');
    expect(log.map((c) => `${c.version}:${c.from ?? '-'}>${c.to}@${c.by}`)).toEqual([
      '1:->draft@editor',
      '1:draft>in-review@editor',
      '1:in-review>published@lead',
      '2:->draft@editor',
      '2:draft>in-review@editor',
      '1:published>retired@lead',
      '2:in-review>published@lead',
    ]);
    expect(log[2]).toMatchObject({ note: 'checked', at: 102 });
  });

  it('refuses moves the life cycle does not allow, naming the article and states', async () => {
    const draft = await store.kb.saveDraft(sampleArticle('kb-1'), 'editor', 100);
    const attempt = store.kb.transition('kb-1', draft.version, 'published', 'lead', 101);
    await expect(attempt).rejects.toThrow(KbTransitionError);
    await expect(attempt).rejects.toMatchObject({
      code: 'not-allowed',
      message: expect.stringContaining(
        'kb-1 version 1 cannot go from draft to published',
      ) as string,
    });
    await expect(store.kb.transition('nope', 1, 'in-review', 'x', 1)).rejects.toMatchObject({
      code: 'unknown-article',
    });
    await expect(store.kb.transition('kb-1', 7, 'in-review', 'x', 1)).rejects.toMatchObject({
      code: 'unknown-version',
    });
    // Sent back from review, then retired only once published.
    await store.kb.transition('kb-1', 1, 'in-review', 'editor', 102);
    await store.kb.transition('kb-1', 1, 'draft', 'lead', 103, 'needs the fee');
    await expect(store.kb.transition('kb-1', 1, 'retired', 'lead', 104)).rejects.toMatchObject({
      code: 'not-allowed',
    });
    expect((await store.kb.versions('kb-1'))[0]).toMatchObject({
      state: 'draft',
      changedBy: 'lead',
    });
  });

  it('imports published articles in batches; a re-import retires what it replaces', async () => {
    const articles = Array.from({ length: 1200 }, (_, i) => sampleArticle(`kb-${i}`));
    await store.kb.importPublished(articles, 'seed', 10);
    expect(await store.kb.countPublished()).toBe(1200);
    await store.kb.importPublished(
      [sampleArticle('kb-5', '新版'), sampleArticle('kb-5', '更新版'), sampleArticle('kb-new')],
      'seed',
      20,
    );
    expect(await store.kb.countPublished()).toBe(1201);
    const versions = await store.kb.versions('kb-5');
    expect(versions.map((v) => [v.version, v.state, v.article.title])).toEqual([
      [3, 'published', '更新版'],
      [2, 'retired', '新版'],
      [1, 'retired', '文章kb-5'],
    ]);
    expect(await store.kb.versions('unknown')).toEqual([]);
  });
});
