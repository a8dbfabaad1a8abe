import type { KbHit, KbSearchResponse } from '../../shared/hub-api.js';
import type { Logger } from '../logger.js';
import type { KbArticle, KbRepository } from '../store/repository.js';
import { InvertedIndex, type FieldTerms } from './inverted-index.js';
import { soundKey } from './pinyin.js';
import { analyzeQuery, MATCH_WEIGHT, type QueryGroup, type Vocabulary } from './query.js';
import { addWords, normalizeText, subwords, words, wordsAndParts } from './segmenter.js';
import { snippet } from './snippet.js';
import { SynonymIndex } from './synonyms.js';

/**
 * Share of the query's information (idf-weighted topic words) the best hit must match to
 * be a confident answer, and that any hit must match to be shown at all.
 */
export const CONFIDENT_COVERAGE = 0.55;
export const SHOWN_COVERAGE = 0.2;

/**
 * A confident answer must match at least one word this specific (its idf as a share of
 * the rarest term's): sharing 申请 or 材料 with a query, which most articles hold, is not
 * an answer.
 */
export const SPECIFIC_WORD = 0.2;

/**
 * A long spoken question holds many words no article has (老婆, 电动车), which keep its
 * coverage low; a hit that still matches this many specific query words answers it.
 */
const MANY_WORDS = 3;

/** A term whose idf is below this share of the rarest term's is in most articles. */
const COMMON_WORD = 0.07;

/**
 * How informative a query word the KB does not hold counts, as a share of the rarest
 * term's idf. A noun like 火星 or 专利 that no article knows is a sign the KB has no
 * answer; a verb or adverb of a long spoken question (上班, 天天) says much less.
 */
const UNKNOWN_NOUN_INFO = 0.6;
const UNKNOWN_WORD_INFO = 0.15;
const UNKNOWN_WORDS_CAP = 2;

/**
 * KB search for the pop and the KB panel: an in-memory BM25F index over the published
 * articles (same results on every storage backend), jieba-segmented, queries expanded by
 * the KB's own synonyms, sub-words and sound-alikes (pinyin).
 *
 * Ranking: per query word (a group) the best of its alternatives counts, weighted by
 * how it matched (exact 1, synonym 0.9, sound 0.6, sub-word 0.5; see MATCH_WEIGHT).
 *
 * `confident` is true only when the best hit matches a whole, specific word and either
 * CONFIDENT_COVERAGE of the query's information (idf-weighted words; words the KB does
 * not know count as UNKNOWN_*) or MANY_WORDS specific words of a long question: the pop
 * then offers the answer. Otherwise the agent sees the hits as "maybe" (hits below
 * SHOWN_COVERAGE are dropped), or none, and dispatches an order.
 *
 * The thresholds were tuned on the seed KB's tests and the benchmark's labelled queries
 * (bench/kb), so the benchmark's figures are not those of unseen queries.
 */
export class KbSearch {
  private index = new InvertedIndex<Indexed>();
  private readonly docOf = new Map<string, number>();
  private synonyms = new SynonymIndex([]);
  private readonly sounds = new Map<string, Set<string>>();
  private readonly dictionary = new Set<string>();
  private buffers: Scratch | null = null;

  constructor(
    private readonly repo: KbRepository,
    private readonly log: Logger,
  ) {}

  /** Builds the index from the store's published articles. */
  async load(): Promise<void> {
    const started = performance.now();
    const articles = await this.repo.listPublished();
    this.build(articles);
    const ms = Math.round(performance.now() - started);
    this.log.info({ articles: articles.length, ms }, 'KB index built from published articles');
  }

  /** Seeding: stores `articles` as published and indexes them. */
  async replace(articles: readonly KbArticle[], by = 'seed', at = Date.now()): Promise<void> {
    await this.repo.importPublished(articles, by, at);
    await this.load();
  }

  /** Replaces the index with one over `articles` (the store is not touched). */
  build(articles: readonly KbArticle[]): void {
    this.index = new InvertedIndex<Indexed>();
    this.docOf.clear();
    this.synonyms = new SynonymIndex(articles);
    this.sounds.clear();
    this.dictionary.clear();
    for (const a of articles) this.learnWords(a);
    for (const a of articles) this.add(a);
  }

  /** A newly published version: it replaces the article's previous one in the index at once. */
  published(article: KbArticle): void {
    this.synonyms.addArticle(article);
    const fresh = this.learnWords(article);
    this.unindex(article.id);
    this.add(article);
    if (fresh.length > 0) this.reindexContaining(fresh, article.id);
  }

  /** A retired article: no longer served. */
  retired(articleId: string): void {
    this.unindex(articleId);
  }

  /** Number of articles served. */
  get size(): number {
    return this.index.size;
  }

  async search(query: string, limit: number): Promise<KbSearchResponse> {
    return Promise.resolve(this.searchNow(query, limit));
  }

  /** search() without the promise, for benchmarks. */
  searchNow(query: string, limit: number): KbSearchResponse {
    const groups = this.withoutCommonWords(analyzeQuery(query, this.vocabulary));
    const ranked = this.rank(groups, limit);
    const top = ranked[0];
    const confident =
      top !== undefined &&
      top.score > 0 &&
      top.strongWords >= 1 &&
      (top.coverage >= CONFIDENT_COVERAGE ||
        (top.strongWords >= MANY_WORDS && top.coverage >= SHOWN_COVERAGE));
    const highlight = new Map<string, number>();
    for (const a of groups.flatMap((g) => g.alternatives)) {
      highlight.set(a.term, Math.max(a.weight, highlight.get(a.term) ?? 0));
    }
    const hits: KbHit[] = ranked.map((r) => ({
      id: r.article.id,
      title: r.article.title,
      category: r.article.category,
      snippet: snippet(r.text, highlight),
      answer: r.article.body,
      score: Math.round(r.score * 1000) / 1000,
    }));
    return { query, hits, confident };
  }

  private readonly vocabulary: Vocabulary = {
    has: (term) => this.index.has(term),
    synonymsOf: (word) => this.synonyms.of(word),
    soundsLike: (key) => [...(this.sounds.get(key) ?? [])],
  };

  /**
   * Drops groups whose every term is in a large share of the articles (申请, 东莞 in a
   * city's KB): they neither rank nor tell whether the KB answers, and adding up their
   * long postings is most of a query's cost. A query of only such words keeps them.
   */
  private withoutCommonWords(groups: QueryGroup[]): QueryGroup[] {
    const floor = COMMON_WORD * this.index.maxIdf();
    const informative = groups.filter(
      (g) =>
        g.alternatives.length === 0 || g.alternatives.some((a) => this.index.idf(a.term) >= floor),
    );
    return informative.some((g) => g.alternatives.length > 0) ? informative : groups;
  }

  /**
   * Scores every document holding a query term: per group the best alternative counts,
   * and the group's information counts towards the document's coverage once.
   */
  private rank(groups: QueryGroup[], limit: number): Ranked[] {
    if (groups.length === 0 || this.index.size === 0) return [];
    const maxIdf = this.index.maxIdf();
    const {
      total,
      best,
      bestWeight,
      covered,
      stamp,
      strongMark,
      strong: strongWords,
    } = this.scratch();
    const touched: number[] = [];
    // What a group says about the topic: the idf of the word as typed; for a word the
    // index does not hold, its best alternative's or an unknown word's (see UNKNOWN_*).
    const info = groups.map((g) => {
      const exact = g.alternatives.find((a) => a.weight === MATCH_WEIGHT.exact);
      if (exact) return g.strength * this.index.idf(exact.term);
      const known = g.alternatives.map((a) => a.weight * this.index.idf(a.term));
      // An unknown noun names the topic even as one character (猫): full strength.
      if (g.unknownNoun) return Math.max(UNKNOWN_NOUN_INFO * maxIdf, ...known);
      return g.strength * Math.max(UNKNOWN_WORD_INFO * maxIdf, ...known);
    });
    // However many words of a long story the KB does not know (老婆, 电动车, 钱包), they
    // count together as at most UNKNOWN_WORDS_CAP unknown nouns.
    const unknownGroups = groups.flatMap((g, i) => (g.alternatives.length === 0 ? [i] : []));
    const unknownInfo = unknownGroups.reduce((sum, i) => sum + info[i]!, 0);
    const cap = UNKNOWN_WORDS_CAP * UNKNOWN_NOUN_INFO * maxIdf;
    if (unknownInfo > cap) for (const i of unknownGroups) info[i] = (info[i]! * cap) / unknownInfo;
    const allInfo = info.reduce((a, b) => a + b, 0);

    const specific = SPECIFIC_WORD * maxIdf;
    groups.forEach((group, g) => {
      const mark = g + 1;
      for (const alt of group.alternatives) {
        const strong =
          group.strength === 1 &&
          alt.weight >= MATCH_WEIGHT.sound &&
          this.index.idf(alt.term) >= specific;
        const postings = this.index.scored(alt.term);
        if (!postings) continue;
        const { docs, scores, length } = postings;
        for (let i = 0; i < length; i++) {
          const score = scores[i]!;
          if (score < 0) continue;
          const doc = docs[i]!;
          const value = score * alt.weight;
          if (stamp[doc] !== mark) {
            if (stamp[doc] === 0) touched.push(doc);
            stamp[doc] = mark;
            best[doc] = value;
            total[doc] = total[doc]! + value;
            bestWeight[doc] = alt.weight;
            covered[doc] = covered[doc]! + info[g]! * alt.weight;
          } else {
            if (value > best[doc]!) {
              total[doc] = total[doc]! + value - best[doc]!;
              best[doc] = value;
            }
            if (alt.weight > bestWeight[doc]!) {
              covered[doc] = covered[doc]! + info[g]! * (alt.weight - bestWeight[doc]!);
              bestWeight[doc] = alt.weight;
            }
          }
          if (strong && strongMark[doc] !== mark) {
            strongMark[doc] = mark;
            strongWords[doc] = strongWords[doc]! + 1;
          }
        }
      }
    });

    const top: number[] = [];
    const minCovered = SHOWN_COVERAGE * allInfo;
    for (const doc of touched) {
      if (covered[doc]! < minCovered && strongWords[doc]! < MANY_WORDS - 1) continue;
      if (top.length === limit && total[doc]! <= total[top[top.length - 1]!]!) continue;
      let i = top.length;
      while (i > 0 && total[top[i - 1]!]! < total[doc]!) i--;
      top.splice(i, 0, doc);
      if (top.length > limit) top.pop();
    }
    const ranked = top.map((doc) => ({
      ...this.index.doc(doc)!,
      score: total[doc]!,
      coverage: allInfo > 0 ? covered[doc]! / allInfo : 0,
      strongWords: strongWords[doc]!,
    }));
    for (const doc of touched) {
      total[doc] = best[doc] = bestWeight[doc] = covered[doc] = 0;
      stamp[doc] = strongMark[doc] = strongWords[doc] = 0;
    }
    return ranked;
  }

  /**
   * Per-document accumulators of one query, kept between queries (a search on 50,000
   * articles would otherwise allocate a megabyte); rank() zeroes what it touched.
   */
  private scratch(): Scratch {
    const slots = this.index.slots;
    if (!this.buffers || this.buffers.total.length < slots) {
      const size = Math.max(slots, 1024) * 2;
      this.buffers = {
        total: new Float64Array(size),
        best: new Float64Array(size),
        bestWeight: new Float64Array(size),
        covered: new Float64Array(size),
        stamp: new Int32Array(size),
        strongMark: new Int32Array(size),
        strong: new Uint8Array(size),
      };
    }
    return this.buffers;
  }

  /** Adds an article's keywords and synonyms to jieba and the sound index; answers new ones. */
  private learnWords(article: KbArticle): string[] {
    const list = [...article.keywords, ...article.synonyms.flat()]
      .map((w) => normalizeText(w).trim().toLowerCase())
      .filter((w) => w.length >= 2 && !this.dictionary.has(w));
    const fresh = [...new Set(list)];
    if (fresh.length > 0) keywordTerms.clear();
    addWords(fresh);
    for (const word of fresh) {
      this.dictionary.add(word);
      const key = soundKey(word);
      if (key === null) continue;
      const set = this.sounds.get(key) ?? new Set<string>();
      set.add(word);
      this.sounds.set(key, set);
    }
    return fresh;
  }

  private add(article: KbArticle): void {
    const indexed = { article, text: normalizeText(article.body) };
    this.docOf.set(article.id, this.index.add(indexed, fieldTerms(article)));
  }

  private unindex(articleId: string): void {
    const doc = this.docOf.get(articleId);
    if (doc === undefined) return;
    this.index.remove(doc);
    this.docOf.delete(articleId);
  }

  /**
   * New dictionary words change how jieba cuts text; articles that contain them are
   * indexed again so that index and query cut them the same way.
   */
  private reindexContaining(fresh: string[], except: string): void {
    const affected: KbArticle[] = [];
    for (const doc of this.docOf.values()) {
      const a = this.index.doc(doc)?.article;
      if (!a || a.id === except) continue;
      const text = normalizeText(`${a.title}\n${a.body}`).toLowerCase();
      if (fresh.some((w) => text.includes(w))) affected.push(a);
    }
    for (const a of affected) {
      this.unindex(a.id);
      this.add(a);
    }
    if (affected.length > 0) {
      this.log.info(
        { articles: affected.length },
        'KB articles re-indexed for new dictionary words',
      );
    }
  }
}

interface Scratch {
  total: Float64Array;
  best: Float64Array;
  bestWeight: Float64Array;
  covered: Float64Array;
  stamp: Int32Array;
  strongMark: Int32Array;
  /** Groups matched by a whole, specific word (see SPECIFIC_WORD). */
  strong: Uint8Array;
}

/** An indexed article with its body as snippets are cut from (normalised once). */
interface Indexed {
  article: KbArticle;
  text: string;
}

interface Ranked extends Indexed {
  score: number;
  coverage: number;
  /** Query words matched whole and specific (see SPECIFIC_WORD). */
  strongWords: number;
}

/**
 * Index terms of a keyword or synonym. They repeat across many articles (社保卡, a town's
 * name), so each is cut once; the cache is dropped when the dictionary grows (see
 * learnWords), because a new word can change how a keyword is cut.
 */
const keywordTerms = new Map<string, string[]>();

function termsOfKeyword(keyword: string): string[] {
  let terms = keywordTerms.get(keyword);
  if (!terms) {
    terms = [...words(keyword), ...subwords(keyword)];
    keywordTerms.set(keyword, terms);
  }
  return terms;
}

/** Splits an article into the index's fields. */
export function fieldTerms(article: KbArticle): FieldTerms {
  const keywords: string[] = [];
  for (const k of [...article.keywords, ...article.synonyms.flat()]) {
    keywords.push(...termsOfKeyword(k));
  }
  const title = wordsAndParts(article.title);
  const body = wordsAndParts(article.body);
  return {
    title: title.words,
    keywords,
    body: body.words,
    parts: [...title.parts, ...body.parts],
  };
}
