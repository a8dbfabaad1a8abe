import type { ErrorInfo } from '../bridge/errors';
import { MESSAGES, type Lang, type MessageKey } from './messages';

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

/** Fills `{name}` placeholders; a placeholder without a value stays visible, so it is noticed. */
export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function translator(lang: Lang): Translate {
  const table = MESSAGES[lang];
  return (key, params) => format(table[key], params);
}

/** For keys built at run time (a queue name, an error code): the key if it exists. */
export function messageKey(key: string): MessageKey | null {
  return Object.hasOwn(MESSAGES['zh-CN'], key) ? (key as MessageKey) : null;
}

/** The sentence for a failure, by its code (the English detail goes to tooltips). */
export function errorText(t: Translate, error: Pick<ErrorInfo, 'code'>): string {
  return t(`error.${error.code}`);
}
