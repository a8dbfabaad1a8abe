import { KB_SNIPPET_MARK } from '../../../shared/hub-api';

export interface MarkedPart {
  text: string;
  marked: boolean;
}

/**
 * Splits a KB snippet on the hub's match marks. The snippet is plain text, never HTML: the
 * parts are rendered as text, the marked ones highlighted. An unclosed mark runs to the end.
 */
export function splitMarks(snippet: string): MarkedPart[] {
  const { open, close } = KB_SNIPPET_MARK;
  const parts: MarkedPart[] = [];
  const push = (text: string, marked: boolean) => {
    if (text) parts.push({ text, marked });
  };
  const [first = '', ...rest] = snippet.split(open);
  push(first.replaceAll(close, ''), false);
  for (const chunk of rest) {
    const end = chunk.indexOf(close);
    if (end < 0) {
      push(chunk, true);
      continue;
    }
    push(chunk.slice(0, end), true);
    push(chunk.slice(end + close.length).replaceAll(close, ''), false);
  }
  return parts;
}
