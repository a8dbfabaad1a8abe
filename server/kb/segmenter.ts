import { add_word, cut, cut_for_search, tag } from 'jieba-wasm';

/**
 * Chinese word segmentation for the KB, on jieba (jieba-wasm). Index and query go through
 * the same functions with the same dictionary, so a word cut one way when an article is
 * indexed is cut the same way when an agent searches for it.
 *
 * Text is normalised with NFKC first: jieba keeps Latin words and ASCII digits whole but
 * splits full-width digits one by one (CASES F09: ２０１２ must be found as 2012).
 * Zero-width characters are dropped (they would split or glue words invisibly).
 *
 * jieba runs without its HMM for unknown words: with it, cutting an article body costs
 * about four times as much, and the words that matter are in the dictionary anyway (the
 * KB's keywords and synonyms are added to it); unknown words fall apart into characters
 * the same way in index and query.
 */
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
  return cut(normalizeText(text), false);
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
  for (const token of cut_for_search(normalizeText(text), false)) {
    const t = token.toLowerCase();
    if (isWordLike(t) && [...t].length >= 2 && !whole.has(t)) out.add(t);
  }
  return [...out];
}

/**
 * Cut sentences, for wordsAndParts: KB articles repeat a lot of sentences (office hours,
 * the hotline's boilerplate), and jieba cuts at punctuation anyway, so cutting sentence
 * by sentence gives the same tokens. Emptied when the dictionary changes.
 */
const sentenceCache = new Map<string, { words: string[]; parts: string[] }>();
const SENTENCE_CACHE_MAX = 200_000;
const SENTENCE_END = /(?<=[。；！？\n])/u;

function cutSentence(sentence: string): { words: string[]; parts: string[] } {
  const cached = sentenceCache.get(sentence);
  if (cached) return cached;
  const whole = cut(sentence, false)
    .filter(isWordLike)
    .map((t) => t.toLowerCase());
  const wholeSet = new Set(whole);
  const parts: string[] = [];
  for (const token of cut_for_search(sentence, false)) {
    const t = token.toLowerCase();
    if (isWordLike(t) && [...t].length >= 2 && !wholeSet.has(t)) parts.push(t);
  }
  const result = { words: whole, parts };
  if (sentenceCache.size >= SENTENCE_CACHE_MAX) sentenceCache.clear();
  sentenceCache.set(sentence, result);
  return result;
}

/**
 * words() and subwords() of one text, as index terms: every word-like token (repeats
 * kept, for term frequencies) and the sub-words of its compounds.
 */
export function wordsAndParts(text: string): { words: string[]; parts: string[] } {
  const words: string[] = [];
  const parts: string[] = [];
  for (const sentence of normalizeText(text).split(SENTENCE_END)) {
    const cutOne = cutSentence(sentence);
    words.push(...cutOne.words);
    parts.push(...cutOne.parts);
  }
  return { words, parts };
}

/**
 * True when jieba's dictionary tags the word as a noun (n, ns, nz, vn...) or it is a
 * Latin word: the kind of word that names a topic (火星, 专利, 彩票), unlike verbs and
 * adverbs a long spoken question is full of (上班, 天天).
 */
export function isNounLike(word: string): boolean {
  return tag(normalizeText(word), false).some((t) => /^(n|vn|eng)/.test(t.tag));
}

/** Adds domain words (社保卡, 公积金, ETC) so jieba keeps them whole. */
export function addWords(list: Iterable<string>): void {
  for (const raw of list) {
    const word = normalizeText(raw).trim();
    if (word.length < 2 || /\s/.test(word) || addedWords.has(word)) continue;
    add_word(word);
    addedWords.add(word);
    sentenceCache.clear();
  }
}
