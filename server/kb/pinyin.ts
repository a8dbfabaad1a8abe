import { pinyin } from 'pinyin-pro';

const HAN = /^\p{Script=Han}+$/u;

/** True for a word made only of Chinese characters (the only words that have a sound). */
export function isHan(word: string): boolean {
  return HAN.test(word);
}

/**
 * The toneless syllables of each character of `text` (公积金 -> gong ji jin), one entry per
 * code point; characters that are not Chinese stay as they are. Callers mistype words by
 * sound (公基金 for 公积金), so matching on these finds the word they meant.
 */
export function syllables(text: string): string[] {
  return pinyin(text, { toneType: 'none', type: 'array', v: true });
}

/** The sound of a Chinese word as one key (gong-ji-jin); null for anything else. */
export function soundKey(word: string): string | null {
  return isHan(word) ? syllables(word).join('-') : null;
}
