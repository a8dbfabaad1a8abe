import { createHash } from 'node:crypto';
import { add_word, cut, cut_for_search } from 'jieba-wasm';

/**
 * Chinese word segmentation for the KB, on jieba (jieba-wasm). Index and query go through
 * the same functions with the same dictionary, so a word cut one way when an article is
 * indexed is cut the same way when an agent searches for it.
 *
 * Text is normalised with NFKC first: jieba keeps Latin words and ASCII digits whole but
 * splits full-width digits one by one (CASES F09: ２０１２ must be found as 2012).
 * Zero-width characters are dropped because the index uses U+200B as its token joiner.
 */
const SEGMENTER_ID = 'jieba-wasm@2.4/hmm/nfkc-word-runs';
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
const WORD_LIKE = /[\p{L}\p{N}]/u;

/** jieba's dictionary is one per process; remember what this process has added. */
const addedWords = new Set<string>();

/**
 * NFKC on runs of letters, digits and marks (２０１２ -> 2012, ＳＡＰ -> SAP), which is what
 * matching needs; punctuation and spaces are left as written (，stays ，) so snippets read
 * like the article. The index's tokenizer treats all punctuation as separators anyway.
 */
export function normalizeText(text: string): string {
  return text
    .replace(ZERO_WIDTH, '')
    .replace(/[\p{L}\p{N}\p{M}]+/gu, (run) => run.normalize('NFKC'));
}

/** True for a token that carries a word: letters or digits, not spaces or punctuation. */
export function isWordLike(token: string): boolean {
  return WORD_LIKE.test(token);
}

/**
 * Accurate-mode tokens of `text`, spaces and punctuation included, so that joining them
 * gives the normalised text back. Emoji and characters outside the BMP stay as their own
 * tokens (CASES F10: nothing after an emoji may be lost).
 */
export function segment(text: string): string[] {
  return cut(normalizeText(text), true);
}

/** Word-like accurate-mode tokens, lower-cased: what a query or a keyword consists of. */
export function words(text: string): string[] {
  return segment(text)
    .filter(isWordLike)
    .map((t) => t.toLowerCase());
}

/**
 * Sub-words of the compounds in `text` (社保 and 保卡 inside 社保卡), which accurate mode
 * leaves whole: indexing them lets a query for the shorter word find the longer one.
 */
export function subwords(text: string): string[] {
  const whole = new Set(words(text));
  const out = new Set<string>();
  for (const token of cut_for_search(normalizeText(text), true)) {
    const t = token.toLowerCase();
    if (isWordLike(t) && [...t].length >= 2 && !whole.has(t)) out.add(t);
  }
  return [...out];
}

/** Adds domain words (社保卡, 公积金, ETC) so jieba keeps them whole. */
export function addWords(list: Iterable<string>): void {
  for (const raw of list) {
    const word = normalizeText(raw).trim();
    if (word.length < 2 || /\s/.test(word) || addedWords.has(word)) continue;
    add_word(word);
    addedWords.add(word);
  }
}

/**
 * Names the segmenter and the dictionary words a KB index was built with; when it
 * changes, the index must be rebuilt or index and query would cut words differently.
 */
export function fingerprint(dictionary: Iterable<string>): string {
  const sorted = [...new Set([...dictionary].map((w) => normalizeText(w).trim()))].sort();
  return createHash('sha256')
    .update(SEGMENTER_ID)
    .update('\n')
    .update(sorted.join('\n'))
    .digest('hex');
}
