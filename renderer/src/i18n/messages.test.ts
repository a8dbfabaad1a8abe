import { describe, expect, it } from 'vitest';
import { QUEUES } from '../../../shared/acd-protocol';
import { queueName } from './labels';
import { LANGS, MESSAGES } from './messages';
import { format, messageKey, translator } from './translate';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('messages', () => {
  const zh = MESSAGES['zh-CN'];

  it('has every key in every language, none empty', () => {
    for (const lang of LANGS) {
      expect(Object.keys(MESSAGES[lang]).sort()).toEqual(Object.keys(zh).sort());
      for (const [key, text] of Object.entries(MESSAGES[lang])) {
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
      }
    }
  });

  it('names every queue of the hotline, never its raw id (the centre orders filter lists them)', () => {
    for (const lang of LANGS) {
      const t = translator(lang);
      for (const queue of QUEUES) expect(queueName(t, queue), `${lang} ${queue}`).not.toBe(queue);
    }
    expect(queueName(translator('en'), 'policy-expert')).toBe('Policy experts');
  });

  it('uses the same placeholders in every language', () => {
    for (const lang of LANGS) {
      for (const [key, text] of Object.entries(MESSAGES[lang])) {
        expect(placeholders(text), `${lang} ${key}`).toEqual(
          placeholders(zh[key as keyof typeof zh]),
        );
      }
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translator('zh-CN')('sync.pending', { n: 3 })).toBe('待同步 3');
    expect(translator('en')('sync.pending', { n: 3 })).toBe('3 to sync');
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('finds keys built at run time only when they exist', () => {
    expect(messageKey('queue.general')).toBe('queue.general');
    expect(messageKey('queue.nowhere')).toBeNull();
  });

  it('is the only place components take their words from', () => {
    // A component line with CJK characters is a hard-coded UI string.
    // Component tests hold the expected Chinese text; they are not UI.
    const sources = import.meta.glob<string>(['../components/*.tsx', '!../components/*.test.tsx'], {
      query: '?raw',
      import: 'default',
      eager: true,
    });
    expect(Object.keys(sources).length).toBeGreaterThan(5);
    for (const [name, source] of Object.entries(sources)) {
      expect(source, name).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
