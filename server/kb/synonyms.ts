import type { KbArticle } from '../store/repository.js';
import { normalizeText } from './segmenter.js';

/**
 * Words that mean the same thing to a caller (社保卡 = 社会保障卡, 公积金 = 住房公积金,
 * ETC = 电子不停车收费), gathered from every article's synonym groups. Groups that share
 * a word are merged, so the expansion does not depend on which article said what.
 */
export class SynonymIndex {
  private readonly groupOf = new Map<string, Set<string>>();

  constructor(articles: readonly KbArticle[]) {
    for (const article of articles) {
      for (const group of article.synonyms) this.addGroup(group);
    }
  }

  private addGroup(raw: readonly string[]): void {
    const merged = new Set<string>();
    for (const word of raw.map(key)) {
      merged.add(word);
      for (const other of this.groupOf.get(word) ?? []) merged.add(other);
    }
    for (const word of merged) this.groupOf.set(word, merged);
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
