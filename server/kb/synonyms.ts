import type { KbArticle } from '../store/repository.js';
import { normalizeText } from './segmenter.js';

/**
 * Words that mean the same thing to a caller (社保卡 = 社会保障卡, 公积金 = 住房公积金,
 * ETC = 电子不停车收费), gathered from every article's synonym groups. A word's synonyms
 * are the words of every group it is in, whichever article said so; groups are not
 * chained further (坏了 in 路灯 不亮/坏了 and in 电梯 故障/坏了 does not make 不亮 mean
 * 故障).
 */
export class SynonymIndex {
  private readonly groupOf = new Map<string, Set<string>>();

  constructor(articles: readonly KbArticle[]) {
    for (const article of articles) this.addArticle(article);
  }

  /** Adds the groups of a newly published article. Retiring one keeps its groups. */
  addArticle(article: KbArticle): void {
    for (const group of article.synonyms) this.addGroup(group);
  }

  private addGroup(raw: readonly string[]): void {
    const words = raw.map(key);
    for (const word of words) {
      const set = this.groupOf.get(word) ?? new Set<string>();
      for (const other of words) set.add(other);
      this.groupOf.set(word, set);
    }
  }

  /** The other words of `word`'s group (not `word` itself); empty when it has none. */
  of(word: string): string[] {
    const k = key(word);
    return [...(this.groupOf.get(k) ?? [])].filter((w) => w !== k);
  }

  /** Every word in any group: these go into the segmenter's dictionary. */
  allWords(): string[] {
    return [...this.groupOf.keys()];
  }
}

function key(word: string): string {
  return normalizeText(word).trim().toLowerCase();
}
