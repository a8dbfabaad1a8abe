import { KB_SNIPPET_MARK } from '../../shared/hub-api.js';

/** UTF-16 units of a snippet (one per Chinese character): about two lines of the pop's card. */
export const SNIPPET_LENGTH = 90;

interface Span {
  start: number;
  end: number;
  term: string;
}

/**
 * Every occurrence of the terms in `lower` (the lower-cased text), longest term first,
 * never two on the same characters; sorted by position.
 */
function occurrences(lower: string, terms: Iterable<string>): Span[] {
  const spans: Span[] = [];
  const taken = new Uint8Array(lower.length);
  const sorted = [...terms].sort((a, b) => b.length - a.length);
  for (const term of sorted) {
    for (let at = lower.indexOf(term); at >= 0; at = lower.indexOf(term, at + 1)) {
      if (taken[at] || taken[at + term.length - 1]) continue;
      spans.push({ start: at, end: at + term.length, term });
      taken.fill(1, at, at + term.length);
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** Moves an offset off the second half of a surrogate pair, so no character is cut. */
function boundary(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff ? at - 1 : at;
}

/**
 * The part of `text` (already normalised) where the matched terms weigh most (each
 * distinct term counted once, by `weights`: the word that was meant above a sub-word),
 * with each occurrence between KB_SNIPPET_MARK's marks and … where the text was cut.
 * A character outside the BMP is never cut in half.
 */
export function snippet(text: string, weights: ReadonlyMap<string, number>): string {
  const lowered = text.toLowerCase();
  // Lower-casing keeps offsets for Chinese and ASCII; for the rare text where it does
  // not (İ), match on the text as written.
  const lower = lowered.length === text.length ? lowered : text;
  const spans = occurrences(lower, [...weights.keys()].filter(Boolean));

  let from = 0;
  if (text.length > SNIPPET_LENGTH && spans.length > 0) {
    let best = -1;
    for (const first of spans) {
      const inWindow = new Set<string>();
      for (const s of spans) {
        if (s.start >= first.start && s.end <= first.start + SNIPPET_LENGTH) inWindow.add(s.term);
      }
      let weight = 0;
      for (const term of inWindow) weight += weights.get(term) ?? 0;
      if (weight > best) {
        best = weight;
        from = first.start;
      }
    }
    // A little context before the first match, without running past the end.
    from = boundary(text, Math.max(0, Math.min(from - 10, text.length - SNIPPET_LENGTH)));
  }
  const to = boundary(text, Math.min(text.length, from + SNIPPET_LENGTH));

  let out = from > 0 ? '…' : '';
  let at = from;
  for (const s of spans) {
    if (s.start < from || s.end > to) continue;
    out += text.slice(at, s.start);
    out += KB_SNIPPET_MARK.open + text.slice(s.start, s.end) + KB_SNIPPET_MARK.close;
    at = s.end;
  }
  out += text.slice(at, to);
  return to < text.length ? out + '…' : out;
}
