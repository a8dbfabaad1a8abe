import { TERRITORIES, type Territory } from '../../shared/domain/territories.js';
import type { KbArticle } from '../../server/store/repository.js';
import { TOPICS, type Topic } from './topics.js';

/**
 * The benchmark KB: 50,000 articles written from templates over the topics of
 * topics.ts, one series per topic and territory (办事指南, 常见问题, 政策解读, 通知, 网点,
 * 答复 over the years 2019-2026), with the territory's own offices, addresses, phone
 * numbers, opening hours and document numbers. Deterministic: the same count gives the
 * same articles, so runs compare.
 *
 * An article's id is `<topic>.<territory code>.<n>`, so a query's relevant articles can be
 * named by topic (and territory) without looking at any search result.
 */
export const CORPUS_SIZE = 50_000;

/** A small seeded generator (mulberry32): the corpus must not change between runs. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 东城街道 -> 东城, 石碣镇 -> 石碣; 松山湖 stays. */
export function shortName(t: Territory): string {
  return t.name.replace(/(街道|镇)$/, '');
}

const ROADS = ['兴业', '环城', '振兴', '育才', '人民', '新风', '迎宾', '富民', '文化', '建设'];
const HOURS = [
  '工作日9:00-12:00、14:00-17:30',
  '周一至周五8:30-12:00、14:00-17:00，周六上午9:00-12:00',
  '工作日9:00-18:00（中午不休）',
];
const KINDS = ['办事指南', '常见问题', '政策解读', '通知', '网点', '答复'] as const;
const ORG_ABBR: Record<string, string> = {
  'social-insurance': '人社',
  'housing-fund': '公积金',
  'household-registration': '公',
  traffic: '交',
  education: '教',
  'medical-insurance': '医保',
  noise: '环',
  environment: '环',
  'road-repair': '城管',
  'wage-arrears': '人社',
  'business-licence': '市监',
  utilities: '城管',
  other: '府办',
};

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function some<T>(rand: () => number, list: readonly T[], min: number): T[] {
  const shuffled = [...list].sort(() => rand() - 0.5);
  return shuffled.slice(0, min + Math.floor(rand() * (list.length - min + 1)));
}

function title(kind: (typeof KINDS)[number], town: string, topic: Topic, year: number): string {
  switch (kind) {
    case '办事指南':
      return `${town}${topic.title}办事指南（${year}年版）`;
    case '常见问题':
      return `${town}${topic.title}常见问题解答`;
    case '政策解读':
      return `${year}年${topic.title}政策解读（${town}）`;
    case '通知':
      return `关于${town}${year}年${topic.title}工作安排的通知`;
    case '网点':
      return `${town}${topic.title}服务网点及办理时间`;
    case '答复':
      return `${town}${topic.title}市民来电答复口径（${year}）`;
  }
}

function article(topic: Topic, t: Territory, n: number, rand: () => number): KbArticle {
  const town = t.name;
  const short = shortName(t);
  const kind = KINDS[n % KINDS.length]!;
  const year = 2019 + ((n + Math.floor(rand() * 3)) % 8);
  const office = `${town}${topic.office}`;
  const address = `${short}${pick(rand, ROADS)}路${1 + Math.floor(rand() * 300)}号`;
  const phone = `0769-${String(20000000 + Math.floor(rand() * 7999999))}`;
  const docNo = `东${ORG_ABBR[topic.category] ?? '府办'}〔${year}〕${1 + Math.floor(rand() * 120)}号`;
  const steps = some(rand, topic.steps, 2);
  const materials = some(rand, topic.materials, 1);

  const body = [
    `${office}负责本辖区${topic.title}的受理和咨询，地址：${address}，办公时间：${pick(rand, HOURS)}，咨询电话：${phone}。`,
    kind === '常见问题' || kind === '答复'
      ? `市民来电咨询${topic.title}的，可按以下口径答复：${steps.join('；')}。`
      : `办理流程：${steps.map((s, i) => `${i + 1}.${s}`).join('；')}。`,
    `所需材料：${materials.join('、')}。`,
    `办理时限：材料齐全的，一般在${topic.days}个工作日内办结。`,
    kind === '政策解读' || kind === '通知'
      ? `依据：《东莞市${topic.title}管理办法》（${docNo}），自${year}年${1 + Math.floor(rand() * 12)}月起施行。`
      : `本指南根据${docNo}文件整理，如政策调整以最新规定为准。`,
    `其他问题请拨打12345政务服务热线咨询。`,
  ].join('');

  return {
    id: `${topic.id}.${t.code.toLowerCase()}.${n}`,
    title: title(kind, town, topic, year),
    category: topic.category,
    keywords: [...topic.keywords, town, kind],
    synonyms: [...topic.synonyms, ...(short !== town ? [[town, short]] : [])],
    body,
  };
}

/** `size` articles, topic by topic and territory by territory, the same on every run. */
export function generateCorpus(size = CORPUS_SIZE): KbArticle[] {
  const perSeries = Math.ceil(size / (TOPICS.length * TERRITORIES.length));
  const rand = random(12345);
  const out: KbArticle[] = [];
  for (let n = 0; n < perSeries && out.length < size; n++) {
    for (const topic of TOPICS) {
      for (const t of TERRITORIES) {
        if (out.length === size) break;
        out.push(article(topic, t, n, rand));
      }
    }
  }
  return out;
}

/** The topic of a corpus article id, and its territory code. */
export function labelOf(id: string): { topic: string; territory: string } {
  const [topic = '', territory = ''] = id.split('.');
  return { topic, territory: territory.toUpperCase() };
}
