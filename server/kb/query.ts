import type { KbTermGroup } from '../store/repository.js';
import { isStopWord } from './stop-words.js';
import { subwords, words } from './segmenter.js';
import type { SynonymIndex } from './synonyms.js';

/**
 * Turns what an agent types into term groups for the index: segment (NFKC, jieba), drop
 * stop words, and let each remaining word match itself, its synonyms or its sub-words.
 * Each alternative is a phrase of index tokens, segmented the way the index was.
 */
export function analyzeQuery(text: string, synonyms: SynonymIndex): KbTermGroup[] {
  const groups: KbTermGroup[] = [];
  const seen = new Set<string>();
  for (const term of words(text)) {
    if (isStopWord(term) || seen.has(term)) continue;
    seen.add(term);
    const phrases = new Map<string, string[]>();
    const add = (tokens: string[]): void => {
      if (tokens.length > 0) phrases.set(tokens.join(' '), tokens);
    };
    add([term]);
    for (const synonym of synonyms.of(term)) add(words(synonym));
    for (const part of subwords(term)) add([part]);
    groups.push({ term, alternatives: [...phrases.values()] });
  }
  return groups;
}
