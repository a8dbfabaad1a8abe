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

/**
 * A character normalizeText may change: a zero-width one, or a letter, digit or mark
 * that is neither ASCII nor a CJK unified ideograph (both are their own NFKC form).
 * Most KB text has none, and skips the per-run normalisation.
 */
const MAY_CHANGE = /[^\p{P}\p{Z}\p{S}\p{Cc}\u0020-\u007e\u4e00-\u9fff]/u;

/** jieba's dictionary is one per process; remember what this process has added. */
const addedWords = new Set<string>();

/**
 * NFKC on runs of letters, digits and marks (２０１２ -> 2012, ＳＡＰ -> SAP), which is what
 * matching needs; punctuation and spaces are left as written (，stays ，) so snippets read
 * like the article. The index's tokenizer treats all punctuation as separators anyway.
 */
export function normalizeText(text: string): string {
  if (!MAY_CHANGE.test(text)) return text;
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
 * Cut clauses, for wordsAndParts. jieba cuts only runs of characters, letters, digits
 * and `+#&._%-`; whitespace and the punctuation of CLAUSE_END end such a run, so cutting
 * a text clause by clause gives the same tokens as cutting it whole. KB articles repeat
 * most of their clauses (office hours, steps, materials, the hotline's boilerplate), so
 * each distinct clause is normalised and cut once. The cache is keyed by the clause as
 * written (normalizeText leaves punctuation alone, so clauses split the same before and
 * after it) and emptied when the dictionary changes.
 */
const clauseCache = new Map<string, Cut>();
const CLAUSE_CACHE_MAX = 500_000;
const CLAUSE_END = /[\s，。、；：！？（）《》〈〉“”‘’〔〕【】「」『』…—·,;:!?()[\]{}<>"'~|/\\]+/u;
const EMPTY_CUT: Cut = { words: [], parts: [] };

interface Cut {
  words: string[];
  parts: string[];
}

function cutClause(clause: string): Cut {
  if (clause === '') return EMPTY_CUT;
  const cached = clauseCache.get(clause);
  if (cached) return cached;
  const normal = normalizeText(clause);
  const whole = cut(normal, false)
    .filter(isWordLike)
    .map((t) => t.toLowerCase());
  const wholeSet = new Set(whole);
  const parts: string[] = [];
  for (const token of cut_for_search(normal, false)) {
    const t = token.toLowerCase();
    if (isWordLike(t) && [...t].length >= 2 && !wholeSet.has(t)) parts.push(t);
  }
  const result = { words: whole, parts };
  if (clauseCache.size >= CLAUSE_CACHE_MAX) clauseCache.clear();
  clauseCache.set(clause, result);
  return result;
}

/** Drops the cut clauses: after a build they would only hold memory. */
export function forgetCuts(): void {
  clauseCache.clear();
}

/**
 * words() and subwords() of one text, as index terms: every word-like token (repeats
 * kept, for term frequencies) and the sub-words of its compounds.
 */
export function wordsAndParts(text: string): Cut {
  const words: string[] = [];
  const parts: string[] = [];
  for (const clause of text.split(CLAUSE_END)) {
    const cutOne = cutClause(clause);
    for (const w of cutOne.words) words.push(w);
    for (const p of cutOne.parts) parts.push(p);
  }
  return { words, parts };
}

/**
 * True when jieba's dictionary tags the word as a noun (n, ns, nz, vn...) or it is a
 * Latin word: the kind of word that names a topic (火星, 专利, 彩票), unlike verbs and
 * adverbs a long spoken question is full of (上班, 天天). With `places`, place words
 * (s: 楼上, 家里) count too.
 */
export function isNounLike(word: string, places = false): boolean {
  const noun = places ? /^(n|vn|eng|s$)/ : /^(n|vn|eng)/;
  return tag(normalizeText(word), false).some((t) => noun.test(t.tag));
}

/** Adds domain words (社保卡, 公积金, ETC) so jieba keeps them whole. */
export function addWords(list: Iterable<string>): void {
  for (const raw of list) {
    const word = normalizeText(raw).trim();
    if (word.length < 2 || /\s/.test(word) || addedWords.has(word)) continue;
    add_word(word);
    addedWords.add(word);
    clauseCache.clear();
  }
}
