import { describe, expect, it } from 'vitest';
import { SHORTCUTS, isTypingTarget, readKey, type KeyPress } from './shortcuts';

const press = (extra: Partial<KeyPress>): KeyPress => ({
  key: '',
  code: '',
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  target: { tagName: 'BODY' },
  ...extra,
});
const combo = (code: string, target: unknown = { tagName: 'BODY' }) =>
  press({ key: code, code, ctrlKey: true, shiftKey: true, target });

describe('shortcuts', () => {
  it('gives each action its own key, none a text-editing one', () => {
    const codes = SHORTCUTS.map((s) => `${s.combo}:${s.code}`);
    expect(new Set(codes).size).toBe(codes.length);
    // Ctrl+Shift+Z is redo; Ctrl+Shift with arrows selects: none of ours.
    for (const s of SHORTCUTS.filter((s) => s.combo)) {
      expect(['KeyZ', 'ArrowLeft', 'ArrowRight', 'Home', 'End']).not.toContain(s.code);
    }
  });

  it('reads combinations wherever the cursor is, by key place', () => {
    expect(readKey(combo('Enter'))).toEqual({
      shortcut: expect.objectContaining({ action: 'answer' }),
    });
    expect(readKey(combo('KeyH', { tagName: 'TEXTAREA' }))).toEqual({
      shortcut: expect.objectContaining({ action: 'hold' }),
    });
    expect(readKey(press({ key: 'Enter', code: 'Enter', ctrlKey: true }))).toBeNull();
    expect(readKey({ ...combo('KeyE'), isComposing: true })).toBeNull();
    expect(readKey({ ...combo('KeyE'), repeat: true })).toBeNull();
    expect(readKey({ ...combo('KeyE'), altKey: true })).toBeNull();
  });

  it('reads single keys only outside text fields', () => {
    expect(readKey(press({ key: '5', code: 'Digit5' }))).toEqual({ digit: '5' });
    expect(readKey(press({ key: '#', code: 'Digit3', shiftKey: true }))).toEqual({ digit: '#' });
    expect(readKey(press({ key: '?', code: 'Slash', shiftKey: true }))).toEqual({
      shortcut: expect.objectContaining({ action: 'help' }),
    });
    for (const target of [
      { tagName: 'INPUT', type: 'text' },
      { tagName: 'INPUT', type: 'tel' },
      { tagName: 'TEXTAREA' },
      { tagName: 'SELECT' },
      { tagName: 'DIV', isContentEditable: true },
    ]) {
      expect(
        readKey(press({ key: '5', code: 'Digit5', target })),
        JSON.stringify(target),
      ).toBeNull();
    }
    expect(isTypingTarget({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
    expect(isTypingTarget({ tagName: 'BUTTON' })).toBe(false);
  });
});
