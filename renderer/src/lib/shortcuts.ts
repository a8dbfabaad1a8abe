/**
 * The desk's keyboard shortcuts. Actions an agent needs mid-sentence (answer, hang up,
 * hold, mute, ready) are Ctrl+Shift combinations: none of them edits text, so they work
 * while the agent types in the order form, whose Ctrl+Enter saves the order. Single keys
 * (the dial pad's digits, ? for this list) work only when no field has the cursor, so
 * typing a phone number into the form never sends tones into the call.
 */
export type ShortcutAction =
  'answer' | 'hangup' | 'hold' | 'mute' | 'transfer' | 'ready' | 'not-ready' | 'help';

export interface Shortcut {
  action: ShortcutAction;
  /** KeyboardEvent.code: the key's place, the same under every layout and input method. */
  code: string;
  /** Label shown in the list and on buttons (aria-keyshortcuts uses the same). */
  keys: string;
  /** Ctrl+Shift, or a single key that only counts outside text fields. */
  combo: boolean;
  /** Listed but not working yet (none is, now that transfers work). */
  disabled?: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'answer', code: 'Enter', keys: 'Ctrl+Shift+Enter', combo: true },
  { action: 'hangup', code: 'KeyE', keys: 'Ctrl+Shift+E', combo: true },
  { action: 'hold', code: 'KeyH', keys: 'Ctrl+Shift+H', combo: true },
  { action: 'mute', code: 'KeyM', keys: 'Ctrl+Shift+M', combo: true },
  { action: 'transfer', code: 'KeyX', keys: 'Ctrl+Shift+X', combo: true },
  { action: 'ready', code: 'KeyY', keys: 'Ctrl+Shift+Y', combo: true },
  { action: 'not-ready', code: 'KeyB', keys: 'Ctrl+Shift+B', combo: true },
  { action: 'help', code: 'Slash', keys: '?', combo: false },
];

export function shortcutKeys(action: ShortcutAction): string {
  return SHORTCUTS.find((s) => s.action === action)?.keys ?? '';
}

/** What a key handler needs of a KeyboardEvent (a plain object in tests). */
export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  repeat?: boolean;
  isComposing?: boolean;
  target: unknown;
}

/** True when the key goes into a text field (input, textarea, select, contenteditable). */
export function isTypingTarget(target: unknown): boolean {
  if (!target || typeof target !== 'object') return false;
  const el = target as { tagName?: unknown; isContentEditable?: unknown; type?: unknown };
  if (el.isContentEditable === true) return true;
  const tag = typeof el.tagName === 'string' ? el.tagName.toUpperCase() : '';
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  // Buttons, boxes and sliders take no text.
  const type = typeof el.type === 'string' ? el.type : 'text';
  return !['button', 'submit', 'reset', 'checkbox', 'radio', 'range'].includes(type);
}

const DIAL_KEYS = /^[0-9*#]$/;

/** What a key press means: a shortcut, a dial pad key, or nothing (null). */
export type KeyMeaning = { shortcut: Shortcut } | { digit: string } | null;

export function readKey(press: KeyPress): KeyMeaning {
  if (press.isComposing || press.repeat || press.altKey || press.metaKey) return null;
  if (press.ctrlKey && press.shiftKey) {
    const shortcut = SHORTCUTS.find((s) => s.combo && s.code === press.code);
    return shortcut ? { shortcut } : null;
  }
  if (press.ctrlKey || isTypingTarget(press.target)) return null;
  if (press.key === '?') {
    const help = SHORTCUTS.find((s) => s.action === 'help');
    return help ? { shortcut: help } : null;
  }
  return DIAL_KEYS.test(press.key) ? { digit: press.key } : null;
}
