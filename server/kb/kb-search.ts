import type { KbHit, KbSearchResponse } from '../../shared/hub-api.js';
import type { Logger } from '../logger.js';
import type { KbArticle, KbDocument, KbRepository, KbTermGroup } from '../store/repository.js';
import { analyzeQuery } from './query.js';
import { addWords, fingerprint, segment, subwords, words } from './segmenter.js';
import { SynonymIndex } from './synonyms.js';

/** A term of one CJK character says little on its own (吵, 卡); it counts half. */
function weight(group: KbTermGroup): number {
  return [...group.term].length >= 2 || /[a-z0-9]/.test(group.term) ? 1 : 0.5;
}

/**
 * KB search for the pop and the KB panel: jieba-segmented articles in the store's
 * full-text index, queries expanded by the KB's own synonyms, bm25 ranking.
 *
 * `confident` is true only when the best hit matches at least half of the query's topic
 * words (stop words never count) and at least one real word: the pop then offers the
 * answer; otherwise the agent sees the hits as "maybe".
 */
export class KbSearch {
  private synonyms = new SynonymIndex([]);

  constructor(
    private readonly repo: KbRepository,
    private readonly log: Logger,
  ) {}

  private dictionary(articles: readonly KbArticle[], synonyms: SynonymIndex): string[] {
    return [...articles.flatMap((a) => a.keywords), ...synonyms.allWords()];
  }

  /** Loads the stored KB; rebuilds its index when the segmenter or dictionary changed. */
  async load(): Promise<void> {
    const articles = await this.repo.listArticles();
    this.synonyms = new SynonymIndex(articles);
    const dictionary = this.dictionary(articles, this.synonyms);
    addWords(dictionary);
    const expected = fingerprint(dictionary);
    if ((await this.repo.indexFingerprint()) !== expected && articles.length > 0) {
      await this.repo.replaceAll(articles.map(toDocument), expected);
      this.log.info({ articles: articles.length }, 'KB index rebuilt for a new dictionary');
    }
  }

  /** Replaces the KB with `articles` and indexes them. */
  async replace(articles: readonly KbArticle[]): Promise<void> {
    this.synonyms = new SynonymIndex(articles);
    const dictionary = this.dictionary(articles, this.synonyms);
    addWords(dictionary);
    await this.repo.replaceAll(articles.map(toDocument), fingerprint(dictionary));
    this.log.info({ articles: articles.length }, 'KB replaced and indexed');
  }

  async search(query: string, limit: number): Promise<KbSearchResponse> {
    const groups = analyzeQuery(query, this.synonyms);
    const raw = await this.repo.search(groups, limit);
    const top = raw[0];
    let confident = false;
    if (top) {
      const matched = await this.repo.matchedGroups(top.id, groups);
      const total = groups.reduce((sum, g) => sum + weight(g), 0);
      const got = groups.reduce((sum, g, i) => sum + (matched[i] ? weight(g) : 0), 0);
      confident = got >= 1 && got * 2 >= total;
    }
    const hits: KbHit[] = raw.map((h) => ({
      id: h.id,
      title: h.title,
      category: h.category,
      snippet: h.snippet,
      answer: h.body,
      score: h.score,
    }));
    return { query, hits, confident };
  }
}

/** Splits an article into the index's columns (see KbDocument). */
export function toDocument(article: KbArticle): KbDocument {
  const keywordWords = new Set<string>();
  for (const k of [...article.keywords, ...article.synonyms.flat()]) {
    for (const w of words(k)) keywordWords.add(w);
    for (const w of subwords(k)) keywordWords.add(w);
  }
  return {
    article,
    title: segment(article.title),
    keywords: [...keywordWords],
    body: segment(article.body),
    extra: [...new Set([...subwords(article.title), ...subwords(article.body)])],
  };
}
