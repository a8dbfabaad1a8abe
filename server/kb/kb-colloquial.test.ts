import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import type { KbArticle } from '../store/repository.js';
import { KbSearch } from './kb-search.js';
import { MemoryKbRepository } from './memory-kb-repository.js';
import { analyzeQuery, type Vocabulary } from './query.js';

function vocabulary(terms: string[]): Vocabulary {
  const known = new Set(terms);
  return {
    has: (term) => known.has(term),
    synonymsOf: () => [],
    soundsLike: () => [],
    startingWith: (prefix) => terms.filter((t) => t.startsWith(prefix) && t !== prefix),
  };
}

function group(query: string, terms: string[], text: string) {
  return analyzeQuery(query, vocabulary(terms)).find((g) => g.text === text);
}

describe('query words a caller says short (colloquial)', () => {
  it('lets a one-character action word match the action words it begins (补 -> 补办, 补领)', () => {
    const bu = group('身份证丢了怎么补', ['身份证', '补办', '补领', '补交'], '补');
    expect(bu?.action).toBe(true);
    expect(bu?.alternatives.map((a) => a.term).sort()).toEqual(['补办', '补领']);
  });

  it('does not take an action word the index lacks (换) for an unknown noun', () => {
    const huan = group('换了城市上班社保怎么转过来', ['城市', '社保'], '换');
    expect(huan?.action).toBe(true);
    expect(huan?.unknownNoun).toBeUndefined();
  });
});

describe('a one-character noun the index does not hold (long)', () => {
  it('guesses the KB words it begins, weakly, when it stands alone', () => {
    const keng = group('路口有个很大的坑我差点摔倒', ['坑洼', '路口'], '坑');
    expect(keng?.alternatives).toEqual([{ term: '坑洼', weight: 0.4, covers: 1 }]);
  });

  it('guesses nothing for a character written against a known word (公 in 公租房)', () => {
    const gong = group('怎么申请公租房', ['租房', '公积金', '申请'], '公');
    expect(gong?.alternatives).toEqual([]);
  });
});

function article(id: string, title: string, keywords: string[], body: string): KbArticle {
  return { id, title, category: 'other', keywords, synonyms: [], body };
}

const OTHER_TOPICS = [
  '户口迁移',
  '门牌申请',
  '燃气报修',
  '噪音投诉',
  '校车接送',
  '医保报销',
  '电费缴纳',
  '水表更换',
  '垃圾清运',
  '路灯维修',
  '违章停车',
  '油烟扰民',
  '养犬登记',
  '车位纠纷',
  '物业收费',
  '暖气报修',
  '树木修剪',
  '广告牌',
];

describe('KB search: short and spoken questions', () => {
  const kb = new KbSearch(new MemoryKbRepository(), silentLogger());

  beforeAll(async () => {
    await kb.replace([
      article(
        'id-card',
        '居民身份证换领补领',
        ['身份证', '补领'],
        '身份证丢失的，可到户籍所在地派出所补领，也可异地补办。',
      ),
      article(
        'si-card',
        '社会保障卡挂失',
        ['社保卡', '挂失'],
        '社保卡丢失的，带上身份证到网点办理，卡可以当场补，无需等待。',
      ),
      article('pothole', '道路坑洼报修', ['坑洼', '路面'], '路面出现坑洼的，可拨打热线报修。'),
      article('manhole', '井盖缺失处置', ['井盖'], '道路井盖缺失的，请拨打热线，晚上也有人处理。'),
      // Enough other articles that no word of these is in a large share of the KB.
      ...OTHER_TOPICS.map((t, i) => article(`other-${i}`, t, [t], `${t}的办理方式请咨询热线。`)),
    ]);
  });

  it('answers 身份证丢了怎么补 with the ID-card article', async () => {
    const r = await kb.search('身份证丢了怎么补', 5);
    expect(r.hits[0]?.id).toBe('id-card');
  });

  it('finds the pothole article for a long story that says 坑', async () => {
    const r = await kb.search('昨天晚上我经过一个路口那里有个很大的坑我差点就摔倒了', 5);
    expect(r.hits.map((h) => h.id)).toContain('pothole');
    expect(r.confident).toBe(false);
  });
});
