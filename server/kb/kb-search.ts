import type { KbHit, KbSearchResponse } from '../../shared/hub-api.js';
import type { Logger } from '../logger.js';
import type { KbArticle, KbRepository } from '../store/repository.js';
import { InvertedIndex, type FieldTerms, type ScoredPostings } from './inverted-index.js';
import { soundKey } from './pinyin.js';
import {
  analyzeQuery,
  MATCH_WEIGHT,
  type Alternative,
  type QueryGroup,
  type Vocabulary,
} from './query.js';
import {
  addWords,
  forgetCuts,
  normalizeText,
  subwords,
  words,
  wordsAndParts,
} from './segmenter.js';
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

/**
 * A hit that matches one specific query word whole (井盖 in a long story about a missing
 * manhole cover) is still shown, as a "maybe", when it covers this share of
 * SHOWN_COVERAGE: the many words of a long question that no article holds (村口, 黑乎乎)
 * otherwise push the one word that names the topic under the bar.
 */
const ONE_WORD_SHOWN = 0.5;

/** A term whose idf is below this share of the rarest term's is in most articles. */
const COMMON_WORD = 0.07;
/** ...and below this share, in (nearly) all of them. */
const NEGLIGIBLE_WORD = 0.01;

/**
 * A term in more than this share of the articles (东莞, 申请, 身份证 in a city's KB) does
 * not bring new candidates once rarer query words have found some: it only adds to their
 * scores (accumulator limiting, Moffat and Zobel, "Self-indexing inverted files for fast
 * text retrieval", 1996). Its postings are then looked up per candidate, by binary search,
 * when that is cheaper than reading them all (LOOKUP_COST: steps of one look-up).
 */
const DENSE_SHARE = 0.05;
const LOOKUP_COST = 16;

/**
 * How informative a query word the KB does not hold counts, as a share of the rarest
 * term's idf. A noun like 火星 or 专利 that no article knows is a sign the KB has no
 * answer; a verb or adverb of a long spoken question (上班, 天天) says much less.
 */
const UNKNOWN_NOUN_INFO = 0.6;
const UNKNOWN_WORD_INFO = 0.15;
const UNKNOWN_WORDS_CAP = 2;

/**
 * How much a match on a word that no article has in its title or keywords counts
 * towards the score (城市, 上班 in a spoken question), against a word the KB names its
 * topics with (社保, 公积金): the topic words decide the ranking. Coverage and
 * confidence are not affected.
 */
const BODY_WORD = 0.5;

/**
 * A term with Latin letters or digits (SAP, 1293164): a code or number found as written
 * is specific evidence even in an article's body. A Chinese word only there (银行卡 in the
 * article on social security cards) is mentioned in passing, not the article's topic.
 */
const IDENTIFIER = /[a-z0-9]/;

/** Articles indexed between two turns of the event loop while load() builds. */
const BUILD_STEP = 1000;

/** A KB search made while the index is still being built (the hub answers 503). */
export class KbNotReadyError extends Error {
  constructor(
    readonly done: number,
    readonly total: number,
  ) {
    super(
      `the KB index is being built (${done} of ${total} articles); KB search answers again in a few seconds`,
    );
    this.name = 'KbNotReadyError';
  }
}

/**
 * KB search for the pop and the KB panel: an in-memory BM25F index over the published
 * articles (same results on every storage backend), jieba-segmented, queries expanded by
 * the KB's own synonyms, sub-words and sound-alikes (pinyin).
 *
 * Ranking: per query word (a group) the best of its alternatives counts, weighted by
 * how it matched (exact 1, synonym 0.9, sound 0.6, sub-word 0.5; see MATCH_WEIGHT).
 *
 * `confident` is true only when the best hit matches a topic word of the query whole (no
 * generic action like 补办 or 丢了, see ACTION_WORDS; in the hit's title or keywords, or
 * specific and naming some article's topic, or a code), its topic is not narrowed by a
 * noun the KB does not know (楼上 漏水; see QueryGroup.narrowsTopic), and either
 * CONFIDENT_COVERAGE of the query's information (idf-weighted words; words the KB does
 * not know count as UNKNOWN_*) or MANY_WORDS specific words of a long question: the pop
 * then offers the answer. Otherwise the agent sees the hits as "maybe" (hits below
 * SHOWN_COVERAGE are dropped), or none, and dispatches an order.
 *
 * The thresholds were tuned on the seed KB's tests and the benchmark's labelled queries
 * (bench/kb/queries.ts), so those figures are not those of unseen queries; the held-out
 * set (bench/kb/heldout.ts, kb_heldout_* in the results) is what unseen ones give.
 */
export class KbSearch {
  private index = new InvertedIndex<Indexed>();
  private readonly docOf = new Map<string, number>();
  private synonyms = new SynonymIndex([]);
  private readonly sounds = new Map<string, Set<string>>();
  private readonly dictionary = new Set<string>();
  /** Dictionary words by their first character (坑 -> 坑洼). */
  private readonly byFirstChar = new Map<string, string[]>();
  /** Keywords and synonyms as written that learnWords has seen. */
  private readonly seenWords = new Set<string>();
  private buffers: Scratch | null = null;
  private progress: { done: number; total: number } | null = null;
  private readonly retiredWhileBuilding = new Set<string>();

  constructor(
    private readonly repo: KbRepository,
    private readonly log: Logger,
  ) {}

  /** Builds the index from the store's published articles; resolves once it serves. */
  async load(): Promise<void> {
    const started = performance.now();
    this.progress = { done: 0, total: 0 };
    let articles: KbArticle[];
    try {
      articles = await this.repo.listPublished();
    } catch (error) {
      // A store that cannot answer leaves the index as it was, not "being built" forever.
      this.progress = null;
      throw error;
    }
    this.progress = { done: 0, total: articles.length };
    this.resetWith(articles);
    // Articles in steps, so that the hub answers other requests while a large KB is
    // indexed; KB searches meanwhile fail with KbNotReadyError (see search()).
    for (let from = 0; from < articles.length; from += BUILD_STEP) {
      if (from > 0) await new Promise((resolve) => setImmediate(resolve));
      for (const a of articles.slice(from, from + BUILD_STEP)) {
        // Published or retired while the build ran: the live change wins.
        if (!this.docOf.has(a.id) && !this.retiredWhileBuilding.has(a.id)) this.add(a);
      }
      this.progress.done = Math.min(articles.length, from + BUILD_STEP);
    }
    this.progress = null;
    this.retiredWhileBuilding.clear();
    forgetCuts();
    const ms = Math.round(performance.now() - started);
    this.log.info({ articles: articles.length, ms }, 'KB index built from published articles');
  }

  /**
   * load() for the hub's start: the hub listens at once and KB searches answer 503 until
   * the index is built (a 50,000-article KB takes some seconds). A failure is logged
   * and leaves KB search unavailable.
   */
  loadInBackground(): Promise<void> {
    return this.load().catch((error: unknown) => {
      this.log.error({ err: error }, 'KB index could not be built: KB search is unavailable');
    });
  }

  /** Seeding: stores `articles` as published and indexes them. */
  async replace(articles: readonly KbArticle[], by = 'seed', at = Date.now()): Promise<void> {
    await this.repo.importPublished(articles, by, at);
    await this.load();
  }

  /** Replaces the index with one over `articles` (the store is not touched). */
  build(articles: readonly KbArticle[]): void {
    this.resetWith(articles);
    for (const a of articles) this.add(a);
    forgetCuts();
  }

  /**
   * An empty index that knows the words of `articles`: all of them are added to jieba
   * before any text is cut, so nothing is cut twice for a word learnt later.
   */
  private resetWith(articles: readonly KbArticle[]): void {
    this.index = new InvertedIndex<Indexed>();
    this.docOf.clear();
    this.synonyms = new SynonymIndex(articles);
    this.sounds.clear();
    this.dictionary.clear();
    this.byFirstChar.clear();
    this.seenWords.clear();
    for (const a of articles) this.learnWords(a);
  }

  /** A newly published version: it replaces the article's previous one in the index at once. */
  published(article: KbArticle): void {
    this.synonyms.addArticle(article);
    const fresh = this.learnWords(article);
    this.unindex(article.id);
    this.retiredWhileBuilding.delete(article.id);
    this.add(article);
    if (fresh.length > 0) this.reindexContaining(fresh, article.id);
  }

  /** A retired article: no longer served. */
  retired(articleId: string): void {
    this.unindex(articleId);
    if (this.progress) this.retiredWhileBuilding.add(articleId);
  }

  /** While load() builds the index: how far it is; null when the index serves. */
  get building(): { done: number; total: number } | null {
    return this.progress ? { ...this.progress } : null;
  }

  /** Number of articles served. */
  get size(): number {
    return this.index.size;
  }

  /** Throws KbNotReadyError while load() is still building the index. */
  async search(query: string, limit: number): Promise<KbSearchResponse> {
    if (this.progress) throw new KbNotReadyError(this.progress.done, this.progress.total);
    return Promise.resolve(this.searchNow(query, limit));
  }

  /** search() without the promise, for benchmarks. */
  searchNow(query: string, limit: number): KbSearchResponse {
    const groups = this.withoutCommonWords(analyzeQuery(query, this.vocabulary));
    const ranked = this.rank(groups, limit);
    const top = ranked[0];
    // 楼上漏水 is not the KB's 漏水 (a water main): the one topic word matched is
    // narrowed by a noun no article holds. A second topic word matched (楼下 餐馆 油烟)
    // says the hit is on the topic all the same.
    const narrowed = groups.some((g) => g.narrowsTopic === true);
    const confident =
      top !== undefined &&
      top.score > 0 &&
      top.topicWords >= 1 &&
      !(narrowed && top.topicWords < 2) &&
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
      snippet: snippet(normalizeText(r.article.body), highlight),
      answer: r.article.body,
      score: Math.round(r.score * 1000) / 1000,
    }));
    return { query, hits, confident };
  }

  private readonly vocabulary: Vocabulary = {
    has: (term) => this.index.has(term),
    synonymsOf: (word) => this.synonyms.of(word),
    soundsLike: (key) => [...(this.sounds.get(key) ?? [])],
    startingWith: (prefix) => this.byFirstChar.get(prefix) ?? [],
  };

  /**
   * Drops groups whose every term is in a large share of the articles (申请, 东莞 in a
   * city's KB): they neither rank nor tell whether the KB answers, and adding up their
   * long postings is most of a query's cost. A query of only such words keeps them.
   * Of the groups kept, alternatives that common (服务 as a part of 服务平台) are dropped
   * too, unless it is the word as typed.
   */
  private withoutCommonWords(groups: QueryGroup[]): QueryGroup[] {
    const floor = COMMON_WORD * this.index.maxIdf();
    const informative = groups.filter(
      (g) =>
        g.alternatives.length === 0 || g.alternatives.some((a) => this.index.idf(a.term) >= floor),
    );
    if (!informative.some((g) => g.alternatives.length > 0)) {
      // Only common words: they rank, except those in (nearly) every article (材料 in a
      // KB whose every article lists its materials), whose scores are next to nothing and
      // whose postings are the whole KB.
      const negligible = NEGLIGIBLE_WORD * this.index.maxIdf();
      return groups.map((g) => ({
        ...g,
        alternatives: g.alternatives.filter((a) => this.index.idf(a.term) >= negligible),
      }));
    }
    return informative.map((g) => ({
      ...g,
      alternatives: g.alternatives.filter(
        (a) => a.weight === MATCH_WEIGHT.exact || this.index.idf(a.term) >= floor,
      ),
    }));
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
      topicMark,
      topic: topicWords,
      touched,
    } = this.scratch();
    let touchedCount = 0;
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
    const dense = DENSE_SHARE * this.index.size;
    for (const g of rarestFirst(groups, (term) => this.index.df(term))) {
      const group = groups[g]!;
      const mark = g + 1;
      const terms = group.alternatives
        .map((alt) => ({ alt, postings: this.index.scored(alt.term) }))
        .filter((t): t is { alt: Alternative; postings: ScoredPostings } => t.postings !== null)
        .sort((x, y) => x.postings.length - y.postings.length);
      for (const { alt, postings } of terms) {
        const strong =
          group.strength === 1 &&
          alt.weight >= MATCH_WEIGHT.sound &&
          this.index.idf(alt.term) >= specific;
        // A topic word (no generic action) whole: in the hit's title or keywords, or,
        // specific, in its body when it is what some article is about or a code (SAP).
        const topicWord =
          group.strength === 1 && group.action !== true && alt.weight >= MATCH_WEIGHT.sound;
        const topicInBody =
          topicWord && strong && (this.namesTopics(alt.term) || IDENTIFIER.test(alt.term));
        const weight = alt.weight;
        const covers = alt.covers ?? weight;
        const scoreWeight = weight * (this.namesTopics(alt.term) ? 1 : BODY_WORD);
        const groupInfo = info[g]!;
        const visit = (doc: number, score: number, namedHere: number): void => {
          const value = score * scoreWeight;
          if (stamp[doc] !== mark) {
            if (stamp[doc] === 0) touched[touchedCount++] = doc;
            stamp[doc] = mark;
            best[doc] = value;
            total[doc] = total[doc]! + value;
            bestWeight[doc] = covers;
            covered[doc] = covered[doc]! + groupInfo * covers;
          } else {
            if (value > best[doc]!) {
              total[doc] = total[doc]! + value - best[doc]!;
              best[doc] = value;
            }
            if (covers > bestWeight[doc]!) {
              covered[doc] = covered[doc]! + groupInfo * (covers - bestWeight[doc]!);
              bestWeight[doc] = covers;
            }
          }
          if (strong && strongMark[doc] !== mark) {
            strongMark[doc] = mark;
            strongWords[doc] = strongWords[doc]! + 1;
          }
          if ((topicInBody || (topicWord && namedHere === 1)) && topicMark[doc] !== mark) {
            topicMark[doc] = mark;
            topicWords[doc] = topicWords[doc]! + 1;
          }
        };
        // A topic word as typed that the KB names its topics with (社保) brings its own
        // candidates however common it is: otherwise a rarer word of the question that
        // only article bodies hold (城市 in 换了城市上班社保怎么转过来) decides alone
        // which articles it may add to.
        const namesTopic = topicWord && weight === MATCH_WEIGHT.exact && this.namesTopics(alt.term);
        const { docs, scores, named, length } = postings;
        if (length <= dense || touchedCount === 0 || namesTopic) {
          for (let i = 0; i < length; i++) {
            if (scores[i]! >= 0) visit(docs[i]!, scores[i]!, named[i]!);
          }
        } else if (touchedCount * LOOKUP_COST < length) {
          // A word in a large share of the KB only adds to the documents rarer words found.
          const candidates = touchedCount;
          for (let c = 0; c < candidates; c++) {
            const doc = touched[c]!;
            const i = positionOf(docs, length, doc);
            if (i >= 0 && scores[i]! >= 0) visit(doc, scores[i]!, named[i]!);
          }
        } else {
          for (let i = 0; i < length; i++) {
            if (stamp[docs[i]!] !== 0 && scores[i]! >= 0) visit(docs[i]!, scores[i]!, named[i]!);
          }
        }
      }
    }

    const top: number[] = [];
    const minCovered = SHOWN_COVERAGE * allInfo;
    for (let t = 0; t < touchedCount; t++) {
      const doc = touched[t]!;
      const shown =
        covered[doc]! >= minCovered ||
        strongWords[doc]! >= MANY_WORDS - 1 ||
        (strongWords[doc]! >= 1 && covered[doc]! >= ONE_WORD_SHOWN * minCovered);
      if (!shown) continue;
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
      topicWords: topicWords[doc]!,
    }));
    for (let t = 0; t < touchedCount; t++) {
      const doc = touched[t]!;
      total[doc] = best[doc] = bestWeight[doc] = covered[doc] = 0;
      stamp[doc] = strongMark[doc] = strongWords[doc] = topicMark[doc] = topicWords[doc] = 0;
    }
    return ranked;
  }

  /** A term of some article's title or keywords: the KB's own words for its topics. */
  private namesTopics(term: string): boolean {
    return this.index.inField(term, 'keywords') || this.index.inField(term, 'title');
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
        topicMark: new Int32Array(size),
        topic: new Uint8Array(size),
        touched: new Int32Array(size),
      };
    }
    return this.buffers;
  }

  /** Adds an article's keywords and synonyms to jieba and the sound index; answers new ones. */
  private learnWords(article: KbArticle): string[] {
    const fresh = new Set<string>();
    const learn = (raw: string): void => {
      // Articles repeat their keywords (a topic's, a town's): each is normalised once.
      if (this.seenWords.has(raw)) return;
      this.seenWords.add(raw);
      const word = normalizeText(raw).trim().toLowerCase();
      if (word.length >= 2 && !this.dictionary.has(word)) fresh.add(word);
    };
    for (const keyword of article.keywords) learn(keyword);
    for (const group of article.synonyms) for (const synonym of group) learn(synonym);
    if (fresh.size === 0) return [];
    keywordTerms.clear();
    addWords(fresh);
    for (const word of fresh) {
      this.dictionary.add(word);
      const first = [...word][0]!;
      this.byFirstChar.set(first, [...(this.byFirstChar.get(first) ?? []), word]);
      const key = soundKey(word);
      if (key === null) continue;
      const set = this.sounds.get(key) ?? new Set<string>();
      set.add(word);
      this.sounds.set(key, set);
    }
    return [...fresh];
  }

  private add(article: KbArticle): void {
    this.docOf.set(article.id, this.index.add({ article }, fieldTerms(article)));
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

/**
 * Group numbers, the group whose rarest alternative is in the fewest documents first:
 * rare words find the candidates, common ones then only add to them (DENSE_SHARE).
 */
function rarestFirst(groups: readonly QueryGroup[], df: (term: string) => number): number[] {
  const rarest = groups.map((g) => Math.min(...g.alternatives.map((a) => df(a.term))));
  return groups.map((_, i) => i).sort((a, b) => rarest[a]! - rarest[b]!);
}

/** Index of `doc` in the ascending `docs[0..length)`, or -1. */
function positionOf(docs: Int32Array, length: number, doc: number): number {
  let low = 0;
  let high = length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = docs[mid]!;
    if (at === doc) return mid;
    if (at < doc) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
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
  topicMark: Int32Array;
  /** Groups that are no generic action and matched whole as a topic (see Ranked.topicWords). */
  topic: Uint8Array;
  /** The documents this query has scored so far, in the order found. */
  touched: Int32Array;
}

/** An indexed article. */
interface Indexed {
  article: KbArticle;
}

interface Ranked extends Indexed {
  score: number;
  coverage: number;
  /** Query words matched whole and specific (see SPECIFIC_WORD). */
  strongWords: number;
  /**
   * The query's topic words (no generic action like 补办 or 丢了; see ACTION_WORDS)
   * matched whole: in the hit's title or keywords, or specific and in its body when the
   * term names some article's topic or is a code.
   */
  topicWords: number;
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
