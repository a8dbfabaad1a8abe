// Vitest hands CSS imports (even ?raw) over empty, so this test (run in Node, never
// shipped) reads the sheets from disk.
// eslint-disable-next-line no-restricted-imports
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Checks of the desk's style sheets where a rule of one file loses to another (app.css
 * imports phone.css first, so app.css wins a tie). No layout engine here: the cascade is
 * worked out for the selectors a test names, by specificity, then by order.
 */
const read = (name: string): string => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');

/** app.css with phone.css where its @import stands, comments and at-rule blocks dropped. */
function sheet(): string {
  const css = read('app.css').replace(/@import '\.\/phone\.css';/, read('phone.css'));
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/@(keyframes|media)[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}/g, '');
}

interface Rule {
  selectors: string[];
  body: string;
}

function rules(css: string): Rule[] {
  return [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map((m) => ({
    selectors: (m[1] ?? '').split(',').map((s) => s.trim().replace(/\s+/g, ' ')),
    body: m[2] ?? '',
  }));
}

/** Classes, attributes and pseudo-classes count as one each, element names as a tenth. */
function specificity(selector: string): number {
  const classes = (selector.match(/[.:[]/g) ?? []).length;
  const elements = selector.split(/[\s>+~]+/).filter((part) => /^[a-z]/i.test(part)).length;
  return classes + elements / 10;
}

/** The value of `property` the cascade gives an element that these selectors match. */
function winning(matching: string[], property: string): string | null {
  let best: { spec: number; value: string } | null = null;
  for (const rule of rules(sheet())) {
    const declared = new RegExp(`(?:^|;)\\s*${property}\\s*:\\s*([^;]+)`).exec(rule.body);
    if (!declared) continue;
    for (const selector of rule.selectors) {
      if (!matching.includes(selector)) continue;
      const spec = specificity(selector);
      // Later wins a tie: rules come in sheet order.
      if (!best || spec >= best.spec) best = { spec, value: (declared[1] ?? '').trim() };
    }
  }
  return best?.value ?? null;
}

describe('desk style sheets', () => {
  it('keeps the "call back next" button inside its card', () => {
    const button = ['.btn', '.btn--primary', '.btn--block', '.panel--callbacks .btn--block'];
    const width = winning(button, 'width');
    const margin = winning(button, 'margin') ?? '0';
    const sideMargin = Number(/^\S+\s+(\d+)px/.exec(margin)?.[1] ?? 0);
    // A full width plus side margins overflows the card.
    expect(width === '100%' && sideMargin > 0, `width ${width}, margin ${margin}`).toBe(false);
    expect(['auto', 'calc(100% - 24px)']).toContain(width);
  });

  it('lays the transfer dialog’s errors out inside the dialog, not over its head', () => {
    const error = ['.field__error', '.transfer .field__error'];
    expect(winning(error, 'position')).toBe('static');

    // The overlay is 380px wide (border-box) with 14px padding each side and a 1px border.
    const overlayWidth = Number(/(\d+)px/.exec(winning(['.overlay'], 'width') ?? '')?.[1]);
    const room = overlayWidth - 2 * 14 - 2;
    const minWidth = Number(/(\d+)px/.exec(winning(['.transfer'], 'min-width') ?? '0')?.[1] ?? 0);
    expect(minWidth).toBeLessThanOrEqual(room);
    expect(winning(['.call__error', '.transfer .call__error'], 'overflow-wrap')).toBe('anywhere');
  });

  it('wraps the top bar instead of letting sign-out and the language switch run off-screen', () => {
    // In English at 1366x768 the bar is about 1590 px wide on one row.
    expect(winning(['.topbar'], 'flex-wrap')).toBe('wrap');
    expect(winning(['.topbar'], 'height')).toBeNull();
    expect(winning(['.topbar'], 'overflow')).not.toBe('hidden');
    expect(winning(['.topbar__end'], 'display')).toBe('flex');
    expect(winning(['.topbar__end'], 'margin-left')).toBe('auto');
  });
});
