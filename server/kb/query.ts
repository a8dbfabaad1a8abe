import { actionCompounds, isActionWord } from './action-words.js';
import { isHan, syllables } from './pinyin.js';
import { isStopWord } from './stop-words.js';
import { isNounLike, isWordLike, segment, subwords, words } from './segmenter.js';

/** One index term a query word may match, and how much a match on it is worth. */
export interface Alternative {
  term: string;
  weight: number;
  /**
   * How much of the group's information a match covers, when not `weight`: a guess for a
   * one-character noun (坑洼 for 坑) scores weakly but, if right, is what was asked.
   */
  covers?: number;
}

/**
 * One topic word of a query with the index terms that stand for it: itself, its KB
 * synonyms, its sub-words, words that sound the same. A document matches the group when
 * it holds any of them, and scores by the best one.
 */
export interface QueryGroup {
  text: string;
  alternatives: Alternative[];
  /** 0.5 for a single Chinese character (吵, 卡: they say little alone), else 1. */
  strength: number;
  /** For a word the index does not hold as written: whether it names a thing (火星). */
  unknownNoun?: boolean;
  /**
   * A generic action of hotline questions (补办, 丢了, 申请; see ACTION_WORDS): it ranks,
   * but a hit that matches only such words does not answer the question confidently.
   */
  action?: boolean;
  /**
   * A noun or place word the index does not hold in any form, written right before a
   * noun it holds: it narrows the topic to one the KB does not know (楼上 in 楼上漏水, 公
   * in 公租房), so matching the noun it qualifies (漏水) does not answer the question.
   */
  narrowsTopic?: boolean;
}

/** What query analysis needs to know of the KB. */
export interface Vocabulary {
  /** True when the term occurs in the index. */
  has(term: string): boolean;
  /** The KB synonyms of a word, not the word itself. */
  synonymsOf(word: string): string[];
  /** Dictionary words whose sound key (gong-ji-jin) is `key`. */
  soundsLike(key: string): readonly string[];
  /** Dictionary words (the KB's keywords and synonyms) that begin with `prefix`. */
  startingWith(prefix: string): readonly string[];
}

/** Weights of the ways a query word can match, strongest first. */
export const MATCH_WEIGHT = { exact: 1, synonym: 0.9, sound: 0.6, part: 0.5 } as const;

/**
 * A one-character noun the index does not hold (坑) may stand for a KB word it begins
 * (坑洼): a weak guess, below a sub-word.
 */
const PREFIX_WEIGHT = 0.4;

const MAX_SOUND_SPAN = 6;

interface Token {
  word: string;
  start: number;
  end: number;
}

/**
 * Word tokens of the normalised text with their code-point offsets. Where jieba cut a word
 * the index does not know so that its last character belongs to the next word (卡扣/费 in
 * ETC卡扣费, the KB has 扣费), the boundary moves one character on: 卡/扣费.
 */
function tokens(text: string, vocab: Vocabulary): Token[] {
  const out: Token[] = [];
  let at = 0;
  for (const piece of segment(text)) {
    const length = [...piece].length;
    if (isWordLike(piece)) out.push({ word: piece.toLowerCase(), start: at, end: at + length });
    at += length;
  }
  for (let i = 0; i + 1 < out.length; i++) {
    const first = out[i]!;
    const second = out[i + 1]!;
    const chars = [...first.word];
    if (second.start !== first.end || chars.length < 2 || vocab.has(first.word)) continue;
    if (!isHan(first.word) || !isHan(second.word)) continue;
    const moved = chars.pop()! + second.word;
    if (!vocab.has(moved)) continue;
    out[i] = { word: chars.join(''), start: first.start, end: first.end - 1 };
    out[i + 1] = { word: moved, start: second.start - 1, end: second.end };
  }
  return out;
}

/**
 * Joins Chinese characters typed one by one with spaces between them (社 保 卡 ->
 * 社保卡), which jieba would take as three words. Only spaces next to a single character
 * between two Chinese characters go: 社保卡 火星 stays two words.
 */
export function joinSpelledOut(text: string): string {
  return text.replace(
    /(?<=(?:^|[^\p{sc=Han}])\p{sc=Han})\s+(?=\p{sc=Han})|(?<=\p{sc=Han})\s+(?=\p{sc=Han}(?:[^\p{sc=Han}]|$))/gu,
    '',
  );
}

/**
 * Turns what an agent types into query groups: segment (NFKC, jieba), drop stop words,
 * expand each word by synonyms and sub-words, then look for runs of characters that sound
 * like a KB word without being written like one (公基金 -> 公积金) and merge the words of
 * such a run into one group that also accepts the word it sounds like.
 */
export function analyzeQuery(typed: string, vocab: Vocabulary): QueryGroup[] {
  const text = joinSpelledOut(typed);
  const all = tokens(text, vocab);
  const kept = all.filter((t) => !isStopWord(t.word));
  const joined = compounds(all, vocab);
  const groups: (QueryGroup & { start: number; end: number })[] = [];
  const seen = new Set<string>();
  for (const token of kept) {
    if (seen.has(token.word)) continue;
    const next = all[all.indexOf(token) + 1];
    seen.add(token.word);
    const alternatives = new Map<string, number>();
    const add = (term: string, weight: number): void => {
      if (vocab.has(term) && weight > (alternatives.get(term) ?? 0)) alternatives.set(term, weight);
    };
    let guessed = false;
    add(token.word, MATCH_WEIGHT.exact);
    for (const synonym of vocab.synonymsOf(token.word)) {
      for (const w of words(synonym)) add(w, MATCH_WEIGHT.synonym);
    }
    for (const part of subwords(token.word)) add(part, MATCH_WEIGHT.part);
    for (const compound of joined.get(token.word) ?? []) add(compound, MATCH_WEIGHT.exact);
    const action = isActionWord(token.word);
    // 怎么补 asks for 补办 or 补领: the action words a one-character one begins.
    for (const compound of actionCompounds(token.word)) add(compound, MATCH_WEIGHT.part);
    const single = isHan(token.word) && [...token.word].length === 1;
    // An action word names no topic, even when the index does not hold it (换).
    const unknownNoun = vocab.has(token.word) || action ? undefined : isNounLike(token.word);
    // ...only when it stands alone: written against another word (公 in 公租房, 公基金) it
    // is part of what that word means, not a noun of its own.
    const previous = all[all.indexOf(token) - 1];
    const alone =
      (next === undefined || next.start !== token.end || isStopWord(next.word)) &&
      (previous === undefined || previous.end !== token.start || isStopWord(previous.word));
    if (single && alone && unknownNoun === true && alternatives.size === 0) {
      for (const word of vocab.startingWith(token.word)) add(word, PREFIX_WEIGHT);
      guessed = alternatives.size > 0;
    }
    const narrowsTopic =
      alternatives.size === 0 &&
      next !== undefined &&
      next.start === token.end &&
      !isStopWord(next.word) &&
      vocab.has(next.word) &&
      isNounLike(token.word, true) &&
      isNounLike(next.word);
    groups.push({
      text: token.word,
      alternatives: [...alternatives].map(([term, weight]) =>
        guessed ? { term, weight, covers: MATCH_WEIGHT.exact } : { term, weight },
      ),
      strength: single ? 0.5 : 1,
      ...(unknownNoun === undefined ? {} : { unknownNoun }),
      ...(action ? { action: true } : {}),
      ...(narrowsTopic ? { narrowsTopic } : {}),
      start: token.start,
      end: token.end,
    });
  }

  for (const span of soundSpans(text, kept, vocab)) {
    const merged = groups.filter((g) => g.start < span.end && g.end > span.start);
    const alternatives = new Map<string, number>();
    // The words of the run match only part of what was meant: they count for less than
    // the word it sounds like.
    for (const g of merged) {
      for (const a of g.alternatives) alternatives.set(a.term, a.weight * MATCH_WEIGHT.part);
    }
    for (const word of span.words) {
      alternatives.set(word, MATCH_WEIGHT.sound);
      // The parts of the word meant (公积金 in 公积金贷款), which articles often write apart.
      for (const part of subwords(word)) {
        const weight = MATCH_WEIGHT.sound * 0.9;
        if (vocab.has(part) && (alternatives.get(part) ?? 0) < weight)
          alternatives.set(part, weight);
      }
      for (const synonym of vocab.synonymsOf(word)) {
        for (const w of words(synonym)) {
          if (vocab.has(w) && !alternatives.has(w)) alternatives.set(w, MATCH_WEIGHT.sound * 0.9);
        }
      }
    }
    const first = Math.min(...merged.map((g) => groups.indexOf(g)));
    const group = {
      text: span.text,
      alternatives: [...alternatives].map(([term, weight]) => ({ term, weight })),
      strength: 1,
      unknownNoun: false,
      start: span.start,
      end: span.end,
    };
    for (const g of merged) groups.splice(groups.indexOf(g), 1);
    groups.splice(Math.max(0, first), 0, group);
  }
  return groups.map(({ start: _start, end: _end, ...group }) => group);
}

/** Words that may stand between the two halves of a compound as spoken (临时的身份证). */
const JOINERS = new Set(['的', '之']);

/**
 * Pairs of neighbouring query words that the index holds as one term (临时 + 身份证 as
 * 临时身份证, a keyword), directly next to each other or joined by 的: the compound is
 * what the caller means, so it becomes an alternative of the second word, the head of a
 * Chinese compound. Answers the compounds per head word.
 */
function compounds(all: Token[], vocab: Vocabulary): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < all.length; i++) {
    const first = all[i]!;
    if (isStopWord(first.word)) continue;
    let j = i + 1;
    if (all[j] && JOINERS.has(all[j]!.word) && all[j]!.start === all[j - 1]!.end) j++;
    const second = all[j];
    if (!second || isStopWord(second.word) || second.start !== all[j - 1]!.end) continue;
    const term = first.word + second.word;
    if (vocab.has(term)) out.set(second.word, [...(out.get(second.word) ?? []), term]);
  }
  return out;
}

interface SoundSpan {
  text: string;
  start: number;
  end: number;
  words: string[];
}

/**
 * Runs of Chinese characters, longest first and not overlapping, that are not a known
 * term but sound like dictionary words. A run must lie in kept (non-stop) words and must
 * not sit inside one word that the index knows as written (积金 inside 公积金).
 */
function soundSpans(text: string, kept: Token[], vocab: Vocabulary): SoundSpan[] {
  const chars = [...segment(text).join('')];
  const owner = new Array<Token | null>(chars.length).fill(null);
  for (const t of kept) for (let i = t.start; i < t.end; i++) owner[i] = t;
  const usable = chars.map((c, i) => owner[i] !== null && isHan(c));
  if (!usable.some(Boolean)) return [];

  const sounds = syllables(chars.join(''));
  if (sounds.length !== chars.length) return [];
  const taken = new Array<boolean>(chars.length).fill(false);
  const spans: SoundSpan[] = [];
  for (let length = Math.min(MAX_SOUND_SPAN, chars.length); length >= 2; length--) {
    for (let start = 0; start + length <= chars.length; start++) {
      const end = start + length;
      let ok = true;
      for (let i = start; i < end && ok; i++) ok = usable[i]! && !taken[i];
      if (!ok) continue;
      const spanText = chars.slice(start, end).join('');
      if (vocab.has(spanText)) continue;
      const inside = owner[start]!;
      if (inside.start <= start && inside.end >= end && vocab.has(inside.word)) continue;
      const similar = vocab.soundsLike(sounds.slice(start, end).join('-'));
      const meant = similar.filter((w) => w !== spanText);
      if (meant.length === 0) continue;
      spans.push({ text: spanText, start, end, words: meant });
      for (let i = start; i < end; i++) taken[i] = true;
    }
  }
  return spans;
}
