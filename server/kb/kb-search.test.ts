import { beforeAll, describe, expect, it } from 'vitest';
import { KB_SNIPPET_MARK } from '../../shared/hub-api.js';
import { silentLogger } from '../logger.js';
import type { KbArticle } from '../store/repository.js';
import { loadKbFile } from './kb-file.js';
import { KbSearch } from './kb-search.js';
import { MemoryKbRepository } from './memory-kb-repository.js';
import { joinSpelledOut } from './query.js';
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
  const kb = new KbSearch(new MemoryKbRepository(), silentLogger());

  beforeAll(async () => {
    await kb.replace([
      article('can-label', '罐体标签', '罐身上的 SAP No. 1293164，生产于２０１２年。'),
      article('outing', '周末活动', '今天很好，🙋 我们去郊游，顺路买𠮷野家的便当。'),
      article('other', '无关文章', '这是一篇讲别的事情的文章，没有那些词。'),
    ]);
  });

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
  const kb = new KbSearch(new MemoryKbRepository(), silentLogger());

  beforeAll(async () => {
    const articles = await loadKbFile();
    expect(articles.length).toBeGreaterThanOrEqual(36);
    await kb.replace(articles);
  });

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
    const r = await kb.search('社保卡 火星', 5);
    expect(r.hits[0]?.id).toBe('si-card-reissue');
    expect(r.confident).toBe(false);
  });

  it('is not confident when the KB knows a small part of the query only', async () => {
    expect((await kb.search('社保卡 火星 宇宙 飞船 月球', 5)).confident).toBe(false);
  });

  it('respects the limit and ranks by score', async () => {
    const r = await kb.search('公积金', 2);
    expect(r.hits).toHaveLength(2);
    expect(r.hits[0]!.score).toBeGreaterThanOrEqual(r.hits[1]!.score);
  });
});

describe('KB search: typos, long questions, the unknown', () => {
  const kb = new KbSearch(new MemoryKbRepository(), silentLogger());

  beforeAll(async () => {
    kb.build(await loadKbFile());
  });

  it.each([
    ['公基金贷款', 'hf-loan'],
    ['社宝卡补办', 'si-card-reissue'],
    ['居住正到期了怎么续', 'hr-permit-renew'],
  ])('finds "%s" by its sound (%s)', async (q, id) => {
    const r = await kb.search(q, 5);
    expect(r.hits[0]?.id).toBe(id);
    expect(r.confident).toBe(true);
  });

  it('marks the word that was meant, not only the one typed', async () => {
    const r = await kb.search('公基金贷款', 5);
    expect(r.hits[0]?.snippet).toMatch(/<mark>(住房)?公积金/);
  });

  it('answers a long spoken question', async () => {
    const r = await kb.search(
      '你好我想问一下我上个月在公交车上把社保卡弄丢了现在想补办一张新的',
      5,
    );
    expect(r.hits[0]?.id).toBe('si-card-reissue');
  });

  it.each(['怎么申请专利', '彩票中奖了去哪里领奖', '演唱会门票怎么退', '火锅店推荐'])(
    'is not confident about "%s", which the KB does not cover',
    async (q) => {
      expect((await kb.search(q, 5)).confident).toBe(false);
    },
  );
});

describe('KB search: confident only when the topic is matched', () => {
  const kb = new KbSearch(new MemoryKbRepository(), silentLogger());

  beforeAll(async () => {
    kb.build(await loadKbFile());
  });

  // Each shares only generic actions (丢了, 补办, 办理, 申请, 手续) or a word its topic
  // narrows (楼上 漏水, 公 租房) with some article.
  it.each([
    '护照丢了怎么补办',
    '结婚证丢了怎么补办',
    '银行卡丢了怎么补办',
    '手机丢了怎么办',
    '狗丢了怎么办',
    '身份正丢了',
    '离婚手续怎么办理',
    '怎么申请公租房',
    '楼上漏水',
    '火星移民政策',
  ])('is not confident about "%s"', async (q) => {
    expect((await kb.search(q, 5)).confident).toBe(false);
  });

  it.each([
    ['社保卡丢了怎么补办', 'si-card-reissue'],
    ['我的ETC卡扣费两次', 'traffic-etc'],
    ['社 保 卡', 'si-card-reissue'],
    ['社保 卡', 'si-card-reissue'],
  ])('answers "%s" with %s, confidently', async (q, id) => {
    const r = await kb.search(q, 5);
    expect(r.hits[0]?.id).toBe(id);
    expect(r.confident).toBe(true);
  });

  it('answers a mistyped 公积金 withdrawal confidently', async () => {
    const r = await kb.search('公基金怎么提取', 5);
    expect(r.hits[0]?.id).toMatch(/^hf-withdraw-/);
    expect(r.confident).toBe(true);
  });

  it('is not confident about a lost social security card once its article is retired', async () => {
    const articles = await loadKbFile();
    const retiring = new KbSearch(new MemoryKbRepository(), silentLogger());
    retiring.build(articles);
    retiring.retired('si-card-reissue');
    // The hub's next start indexes the published articles only.
    const rebuilt = new KbSearch(new MemoryKbRepository(), silentLogger());
    rebuilt.build(articles.filter((a) => a.id !== 'si-card-reissue'));
    for (const index of [retiring, rebuilt]) {
      const r = await index.search('社保卡丢了怎么补办', 5);
      expect(r.hits.map((h) => h.id)).not.toContain('si-card-reissue');
      expect(r.confident).toBe(false);
    }
  });
});

describe('joining characters typed one by one', () => {
  it.each([
    ['社 保 卡', '社保卡'],
    ['社保 卡', '社保卡'],
    ['公 积 金 提取', '公积金提取'],
    ['社保卡 火星', '社保卡 火星'],
    ['怎么 办理', '怎么 办理'],
    ['ETC 注 销', 'ETC 注销'],
  ])('turns "%s" into "%s"', (typed, joined) => {
    expect(joinSpelledOut(typed)).toBe(joined);
  });
});

describe('KB search: the live index follows the life cycle', () => {
  const dogs = article(
    'dog-licence',
    '养犬登记',
    '饲养犬只的，应当在取得免疫证明后三十日内办理养犬登记。',
  );

  it('builds from published articles only', async () => {
    const repo = new MemoryKbRepository();
    await repo.saveDraft(dogs, 'ag-901', 1);
    await repo.importPublished(
      [article('can-label', '罐体标签', '罐身上的 SAP No. 1293164。')],
      'seed',
      1,
    );
    const kb = new KbSearch(repo, silentLogger());
    await kb.load();
    expect(kb.size).toBe(1);
    expect((await kb.search('养犬登记', 5)).hits).toEqual([]);
    expect((await kb.search('SAP', 5)).hits.map((h) => h.id)).toEqual(['can-label']);
  });

  it('serves a published article at once, its new version instead, and nothing once retired', async () => {
    const kb = new KbSearch(new MemoryKbRepository(), silentLogger());
    kb.build([article('other', '无关文章', '这是一篇讲别的事情的文章，没有那些词。')]);
    kb.published(dogs);
    expect((await kb.search('养犬登记', 5)).hits.map((h) => h.id)).toEqual(['dog-licence']);

    kb.published({ ...dogs, body: '饲养犬只的，每年在粤省事小程序办理年审，逾期不办的注销登记。' });
    const r = await kb.search('年审', 5);
    expect(r.hits.map((h) => h.id)).toEqual(['dog-licence']);
    expect((await kb.search('免疫证明', 5)).hits).toEqual([]);

    kb.retired('dog-licence');
    expect((await kb.search('年审', 5)).hits).toEqual([]);
    expect(kb.size).toBe(1);
  });

  it('re-indexes older articles when a new article brings new dictionary words', async () => {
    const kb = new KbSearch(new MemoryKbRepository(), silentLogger());
    const older = article(
      'meals',
      '老年人助餐',
      '社区长者饭堂为六十岁以上老人提供午餐，凭卡用餐。',
    );
    kb.build([older]);
    kb.published({
      ...article('meal-subsidy', '助餐补贴', '八十岁以上老人在长者饭堂用餐可享受补贴。'),
      keywords: ['长者饭堂'],
    });
    const ids = (await kb.search('长者饭堂', 5)).hits.map((h) => h.id).sort();
    expect(ids).toEqual(['meal-subsidy', 'meals']);
  });
});
