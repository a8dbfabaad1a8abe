/**
 * Renders components to HTML over a real store, for component tests without a browser:
 * react-dom/server gives the markup, and a small reader finds elements in it by test id.
 * For unit tests only.
 */
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { DeskStore } from '../store/create-store';
import { DeskStoreContext } from '../store/use-desk';

export function render(store: DeskStore, node: ReactNode): string {
  // Server rendering reads a store's initial state (zustand's server snapshot); this view
  // of the store answers the current state instead, so the markup shows what the test set.
  const current: DeskStore = { ...store, getInitialState: store.getState };
  return renderToStaticMarkup(
    <DeskStoreContext.Provider value={current}>{node}</DeskStoreContext.Provider>,
  );
}

const VOID = new Set(['area', 'br', 'col', 'hr', 'img', 'input', 'meta', 'source', 'wbr']);

/** Every element with the test id: its opening tag and its inner HTML. */
export function byTestId(html: string, testId: string): Array<{ tag: string; inner: string }> {
  const found: Array<{ tag: string; inner: string }> = [];
  const open = new RegExp(`<([a-z0-9]+)\\b[^>]*data-testid="${testId}"[^>]*>`, 'g');
  for (let m = open.exec(html); m; m = open.exec(html)) {
    const [tag, name = ''] = m;
    const start = m.index + tag.length;
    found.push({ tag, inner: VOID.has(name) ? '' : innerOf(html, start, name) });
  }
  return found;
}

/** The inner HTML from `start` up to the tag that closes the element named `name`. */
function innerOf(html: string, start: number, name: string): string {
  const tags = new RegExp(`<(/?)${name}\\b[^>]*>`, 'g');
  tags.lastIndex = start;
  let depth = 1;
  for (let m = tags.exec(html); m; m = tags.exec(html)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) return html.slice(start, m.index);
  }
  throw new Error(`<${name}> at ${start} is not closed`);
}

/** The text a reader sees in a piece of markup. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The value of an attribute in an opening tag, or null. */
export function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? textOf(m[1] ?? '') : null;
}
