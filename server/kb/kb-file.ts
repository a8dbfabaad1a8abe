import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CATEGORY_CODES } from '../../shared/domain/categories.js';
import type { KbArticle } from '../store/repository.js';

/**
 * The KB as the centre edits it: a JSON file of articles (resources/seed/kb.json for the
 * demo). Validated on load so a typo in a category code fails loudly, by article id.
 */
export const KbArticleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{3,64}$/),
  title: z.string().min(2).max(100),
  category: z.enum(CATEGORY_CODES),
  keywords: z.array(z.string().min(1).max(30)).min(1),
  synonyms: z.array(z.array(z.string().min(1).max(30)).min(2)).default([]),
  body: z.string().min(20).max(4000),
});

export const KbFileSchema = z.strictObject({
  note: z.string().optional(),
  articles: z.array(KbArticleSchema).min(1),
});

export const DEFAULT_KB_FILE = new URL('../../resources/seed/kb.json', import.meta.url);

export async function loadKbFile(file: URL | string = DEFAULT_KB_FILE): Promise<KbArticle[]> {
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  const parsed = KbFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`KB file ${String(file)}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const ids = new Set<string>();
  for (const article of parsed.data.articles) {
    if (ids.has(article.id)) throw new Error(`KB file ${String(file)}: duplicate id ${article.id}`);
    ids.add(article.id);
  }
  return parsed.data.articles;
}
