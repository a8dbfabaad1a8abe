import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KB_SNIPPET_MARK } from '../../shared/hub-api.js';
import { silentLogger } from '../logger.js';
import type { KbArticle } from '../store/repository.js';
import { SqliteHubStore } from '../store/sqlite/sqlite-store.js';
import { loadKbFile } from './kb-file.js';
import { KbSearch } from './kb-search.js';
import { segment, words } from './segmenter.js';

function article(id: string, title: string, body: string): KbArticle {
  return { id, title, category: 'other', keywords: ['测试'], synonyms: [], body };
}

describe('segmenting (CASES F09, F10)', () => {
  it('keeps Latin words and digits whole, and full-width digits after NFKC', () => {
    const tokens = words('罐身上的 SAP No. 1293164，生产于２０１２年');
    expect(tokens).toEqual(expect.arrayContaining(['sap', 'no', '1293164', '2012']));
    expect(tokens).not.toContain('1');
  });

  it('loses nothing after an emoji and keeps characters outside the BMP', () => {
    const text = '今天很好，🙋 我们去郊游𠮷';
    expect(segment(text).join('')).toBe(text);
    expect(words(text)).toEqual(expect.arrayContaining(['我们', '郊游']));
    expect(segment(text)).toContain('𠮷');
  });
});

describe('KB search on a small index (CASES F09, F10)', () => {
  const store = SqliteHubStore.open(':memory:');
  const kb = new KbSearch(store.kb, silentLogger());

  beforeAll(async () => {
    await kb.replace([
      article('can-label', '罐体标签', '罐身上的 SAP No. 1293164，生产于２０１２年。'),
      article('outing', '周末活动', '今天很好，🙋 我们去郊游，顺路买𠮷野家的便当。'),
      article('other', '无关文章', '这是一篇讲别的事情的文章，没有那些词。'),
    ]);
  });
  afterAll(() => store.close());

  it.each(['SAP', 'sap', 'No', '1293164', '2012', '２０１２'])('finds %s', async (q) => {
    const r = await kb.search(q, 5);
    expect(r.hits.map((h) => h.id)).toEqual(['can-label']);
    expect(r.confident).toBe(true);
  });

  it('indexes the text after an emoji', async () => {
    const r = await kb.search('郊游', 5);
    expect(r.hits[0]?.id).toBe('outing');
    expect(r.hits[0]?.snippet).toContain(`${KB_SNIPPET_MARK.open}郊游${KB_SNIPPET_MARK.close}`);
    expect(r.hits[0]?.snippet).toContain('🙋');
  });

  it('finds and returns a character outside the BMP intact', async () => {
    const r = await kb.search('𠮷野家', 5);
    expect(r.hits[0]?.id).toBe('outing');
    expect(r.hits[0]?.snippet).toContain('𠮷');
    expect(r.hits[0]?.answer).toContain('𠮷野家');
  });

  it('gives snippets as the article reads: no joiners, punctuation as written', async () => {
    const r = await kb.search('1293164', 5);
    const snippet = r.hits[0]?.snippet ?? '';
    expect(snippet).not.toMatch(/[\u200b-\u200d]/);
    expect(snippet).toContain('，');
    expect(snippet.replaceAll(KB_SNIPPET_MARK.open, '').replaceAll(KB_SNIPPET_MARK.close, '')).toBe(
      '罐身上的 SAP No. 1293164，生产于2012年。',
    );
  });
});

describe('KB search on the seed KB', () => {
  const store = SqliteHubStore.open(':memory:');
  const kb = new KbSearch(store.kb, silentLogger());

  beforeAll(async () => {
    const articles = await loadKbFile();
    expect(articles.length).toBeGreaterThanOrEqual(36);
    await kb.replace(articles);
  });
  afterAll(() => store.close());

  it.each([
    ['社保卡丢了怎么补办', 'si-card-reissue'],
    ['社会保障卡补办', 'si-card-reissue'],
    ['医保卡丢了', 'si-card-reissue'],
    ['社保转移', 'si-transfer'],
    ['公积金贷款', 'hf-loan'],
    ['租房提取公积金', 'hf-withdraw-rent'],
    ['居住证到期了怎么续', 'hr-permit-renew'],
    ['晚上工地施工很吵睡不着', 'noise-night-construction'],
    ['广场舞太吵了', 'noise-square-dance'],
    ['路上有个大坑', 'road-pothole'],
    ['井盖不见了', 'road-manhole'],
    ['老板拖欠工资三个月', 'wage-arrears-complaint'],
    ['营业执照变更经营范围', 'bl-change'],
    ['医保异地就医怎么备案', 'mi-remote-care'],
    ['孩子上小学要什么条件', 'edu-primary-place'],
    ['煤气味很重', 'util-gas'],
    ['ETC怎么注销', 'traffic-etc'],
    ['ＥＴＣ注销', 'traffic-etc'],
  ])('answers "%s" with %s, confidently', async (q, id) => {
    const r = await kb.search(q, 5);
    expect(r.hits[0]?.id).toBe(id);
    expect(r.confident).toBe(true);
    expect(r.hits[0]?.snippet).toContain(KB_SNIPPET_MARK.open);
    expect(r.hits[0]?.score).toBeGreaterThan(0);
  });

  it.each(['怎么办理', '请问一下怎么办', '你好', 'asdfgh', '火星移民签证', '吵'])(
    'is not confident about "%s"',
    async (q) => {
      const r = await kb.search(q, 5);
      expect(r.confident).toBe(false);
    },
  );

  it('finds nothing at all for stop words alone', async () => {
    expect((await kb.search('怎么 办理', 5)).hits).toEqual([]);
  });

  it('is not confident when only a minor part of the query matches', async () => {
    const r = await kb.search('社保卡 火星 宇宙 飞船', 5);
    expect(r.hits.length).toBeGreaterThan(0);
    expect(r.confident).toBe(false);
  });

  it('respects the limit and ranks by score', async () => {
    const r = await kb.search('公积金', 2);
    expect(r.hits).toHaveLength(2);
    expect(r.hits[0]!.score).toBeGreaterThanOrEqual(r.hits[1]!.score);
  });

  it('keeps the index after a restart when the dictionary is the same', async () => {
    const before = await store.kb.indexFingerprint();
    await new KbSearch(store.kb, silentLogger()).load();
    expect(await store.kb.indexFingerprint()).toBe(before);
  });
});
