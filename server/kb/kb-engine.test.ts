import { describe, expect, it } from 'vitest';
import { cut, cut_for_search } from 'jieba-wasm';
import { silentLogger } from '../logger.js';
import type { KbArticle } from '../store/repository.js';
import { KbNotReadyError, KbSearch } from './kb-search.js';
import { MemoryKbRepository } from './memory-kb-repository.js';
import { isWordLike, normalizeText, wordsAndParts } from './segmenter.js';

function article(id: string, title: string, keywords: string[], body: string): KbArticle {
  return { id, title, category: 'other', keywords, synonyms: [], body };
}

describe('segmenting clause by clause', () => {
  const texts = [
    '东城街道社保分局负责本辖区的受理，地址：东城兴业路12号，咨询电话：0769-22345678。',
    '所需材料：户口簿或原身份证、近期照片（现场采集）；工作日9:00-12:00、14:00-17:30',
    '罐身上的 SAP No. 1293164，生产于２０１２年！“ETC卡”《东莞市管理办法》〔2024〕3号',
    '今天很好，🙋 我们去郊游𠮷野家，a+b#c&d_e%f.g-h 社保\u200b卡',
  ];

  it.each(texts)('gives the tokens jieba gives for the whole text: %s', (text) => {
    const normal = normalizeText(text);
    const whole = cut(normal, false)
      .filter(isWordLike)
      .map((t) => t.toLowerCase());
    const wholeSet = new Set(whole);
    const parts = cut_for_search(normal, false)
      .map((t) => t.toLowerCase())
      .filter((t) => isWordLike(t) && [...t].length >= 2 && !wholeSet.has(t));
    expect(wordsAndParts(text)).toEqual({ words: whole, parts });
  });

  it('normalises only what may change and leaves punctuation as written', () => {
    expect(normalizeText('２０２５年，ＥＴＣ：办理')).toBe('2025年，ETC：办理');
    const plain = '公积金，贷款：2025年。';
    expect(normalizeText(plain)).toBe(plain);
  });
});

describe('KB search engine', () => {
  it('reads a compound split by 的 as the keyword it is (临时的身份证)', () => {
    const kb = new KbSearch(new MemoryKbRepository(), silentLogger());
    kb.build([
      article('temp-id', '身份证办理', ['临时身份证'], '急需使用的可申领临时身份证，当场可取。'),
      article('stolen', '被偷物品报案', ['报案'], '物品被偷的可到派出所报案，临时登记后处理。'),
      ...Array.from({ length: 20 }, (_, i) =>
        article(`other-${i}`, `身份证相关事项${i}`, ['身份证'], `办理业务需带身份证原件第${i}份。`),
      ),
    ]);
    const r = kb.searchNow('钱包被偷了能不能先办一个临时的身份证', 5);
    expect(r.hits[0]?.id).toBe('temp-id');
  });

  it('lets a word in many articles only add to the candidates rarer words found', () => {
    // 申请 is in a sixth of the articles, 补贴 in two: 申请 must not bring in new
    // candidates, but still lifts the one 补贴 article that also says 申请.
    const articles = [
      article('subsidy-apply', '补贴申请', ['补贴'], '补贴申请的条件和材料，申请后十日内办结。'),
      article('subsidy-news', '补贴发放通知', ['补贴'], '本月补贴已经发放，请留意到账。'),
      ...Array.from({ length: 10 }, (_, i) =>
        article(`apply-${i}`, `事项${i}申请`, ['申请'], `事项${i}的申请方法：网上申请或窗口申请。`),
      ),
      ...Array.from({ length: 50 }, (_, i) =>
        article(`filler-${i}`, `其他事项${i}`, ['其他'], `其他事项第${i}条，按规定执行。`),
      ),
    ];
    const kb = new KbSearch(new MemoryKbRepository(), silentLogger());
    kb.build(articles);
    const r = kb.searchNow('补贴申请', 5);
    expect(r.hits.map((h) => h.id).slice(0, 2)).toEqual(['subsidy-apply', 'subsidy-news']);
    expect(r.hits.some((h) => h.id.startsWith('apply-'))).toBe(false);
    expect(r.hits[0]!.score).toBeGreaterThan(r.hits[1]!.score);
  });

  it('shows, as not confident, the article of the one topic word of a long story', () => {
    const kb = new KbSearch(new MemoryKbRepository(), silentLogger());
    kb.build([
      article('manhole', '井盖缺失处置', ['井盖'], '发现井盖缺失或破损的，请拨打热线报修。'),
      ...Array.from({ length: 30 }, (_, i) =>
        article(`road-${i}`, `道路事项${i}`, ['道路'], `道路养护事项第${i}条，按规定办理。`),
      ),
      // The KB knows the story's other words, one article each: they add to what the
      // query says, so the article of its one topic word covers little of it.
      ...['村口', '路口', '偷走', '晚上', '黑乎乎', '容易', '有人', '掉下去'].map((w, i) =>
        article(`mention-${i}`, `其他事项${i}`, ['其他'], `本条只在这里，${w}，提到一次。`),
      ),
    ]);
    const r = kb.searchNow('我们村口那个路口的井盖不知道被谁偷走了晚上黑乎乎的很容易有人掉下去', 5);
    expect(r.hits[0]?.id).toBe('manhole');
    expect(r.confident).toBe(false);
  });
});

describe('KB index built in the background', () => {
  const many = Array.from({ length: 2500 }, (_, i) =>
    article(`a-${i}`, `事项${i}办理指南`, [`事项${i}`], `事项${i}的办理方法和所需材料。`),
  );

  it('answers KbNotReadyError, saying how far it is, until load() has built the index', async () => {
    const repo = new MemoryKbRepository();
    await repo.importPublished(many, 'test', 1);
    const kb = new KbSearch(repo, silentLogger());
    const loading = kb.load();
    await expect(kb.search('事项7', 5)).rejects.toThrow(KbNotReadyError);
    await expect(kb.search('事项7', 5)).rejects.toThrow(/being built \(\d+ of \d+ articles\)/);
    expect(kb.building).not.toBeNull();
    await loading;
    expect(kb.building).toBeNull();
    expect(kb.size).toBe(2500);
    expect((await kb.search('事项7办理', 5)).hits[0]?.id).toBe('a-7');
  });

  it('keeps what was published or retired while it was building', async () => {
    const repo = new MemoryKbRepository();
    await repo.importPublished(many, 'test', 1);
    const kb = new KbSearch(repo, silentLogger());
    const loading = kb.load();
    // Let the build index its first step, then change two articles it has not reached.
    while ((kb.building?.done ?? 0) === 0) await new Promise((resolve) => setImmediate(resolve));
    kb.published({ ...many[2400]!, title: '新版事项标题', body: '新版正文，讲的是临时停车。' });
    kb.retired('a-2401');
    await loading;
    expect(kb.size).toBe(2499);
    expect((await kb.search('临时停车', 5)).hits[0]?.id).toBe('a-2400');
    expect((await kb.search('事项2401', 5)).hits.map((h) => h.id)).not.toContain('a-2401');
  });

  it('is not left "being built" when the store cannot list the articles', async () => {
    const repo = new MemoryKbRepository();
    repo.listPublished = () => Promise.reject(new Error('database is locked'));
    const kb = new KbSearch(repo, silentLogger());
    await expect(kb.load()).rejects.toThrow('database is locked');
    expect(kb.building).toBeNull();
    await expect(kb.search('事项', 5)).resolves.toMatchObject({ hits: [], confident: false });
  });
});
