import type { Database, Statement } from 'better-sqlite3';
import type { KbHit, KbSearchResponse } from '../../../shared/hub-api.js';
import type { KbChangeFeedItem } from '../../../shared/sync-protocol.js';
import type { StoreWriter } from './writer.js';

interface KbRow {
  id: string;
  title: string;
  category: string;
  answer: string;
}

const KV_KB_CURSOR = 'sync.pull.kbCursor';

/**
 * The KB articles this seat has shown, for search while the hub cannot be reached. The
 * pull's KB feed keeps them current: a newer version replaces the text, a retired
 * article leaves (shared/sync-protocol.ts). KB text is public, so it is stored plain.
 *
 * Offline search is deliberately simple: the share of the query's characters pairs
 * (bigrams, for Chinese text without spaces) found in the title or answer.
 */
export class KbCache {
  private readonly stmt: {
    remember: Statement<[string, string, string, string]>;
    update: Statement<[number, string, string, string, string, number]>;
    remove: Statement<[string]>;
    all: Statement<[], KbRow>;
    getKv: Statement<[string], { value: string }>;
    setKv: Statement<[string, string]>;
  };

  constructor(
    db: Database,
    private readonly writer: StoreWriter,
  ) {
    this.stmt = {
      remember: db.prepare(
        `INSERT INTO kb_cache (id, version, title, category, answer) VALUES (?, 0, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, category = excluded.category,
           answer = excluded.answer`,
      ),
      update: db.prepare(
        `UPDATE kb_cache SET version = ?, title = ?, category = ?, answer = ?
         WHERE id = ? AND version < ?`,
      ),
      remove: db.prepare(`DELETE FROM kb_cache WHERE id = ?`),
      all: db.prepare(`SELECT id, title, category, answer FROM kb_cache`),
      getKv: db.prepare(`SELECT value FROM kv WHERE key = ?`),
      setKv: db.prepare(
        `INSERT INTO kv (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      ),
    };
  }

  /** Keeps the articles a hub search showed. */
  async remember(hits: readonly KbHit[]): Promise<void> {
    if (hits.length === 0) return;
    await this.writer.run(() => {
      for (const hit of hits) this.stmt.remember.run(hit.id, hit.title, hit.category, hit.answer);
    }, `keep ${hits.length} KB articles`);
  }

  /** Takes in one page of the KB feed and its cursor, in one transaction. */
  async applyFeed(items: readonly KbChangeFeedItem[], kbCursor: string): Promise<number> {
    return this.writer.run(() => {
      let changed = 0;
      for (const item of items) {
        const info =
          item.state === 'retired'
            ? this.stmt.remove.run(item.id)
            : this.stmt.update.run(
                item.version,
                item.title,
                item.category,
                item.answer,
                item.id,
                item.version,
              );
        changed += info.changes;
      }
      this.stmt.setKv.run(KV_KB_CURSOR, kbCursor);
      return changed;
    }, `apply ${items.length} KB changes`);
  }

  cursor(): string | null {
    return this.stmt.getKv.get(KV_KB_CURSOR)?.value ?? null;
  }

  search(query: string, limit = 5): KbSearchResponse {
    const wanted = bigrams(query);
    const hits: KbHit[] = [];
    for (const row of this.stmt.all.all()) {
      const text = `${row.title} ${row.answer}`;
      const found = [...wanted].filter((pair) => text.includes(pair)).length;
      const score = wanted.size === 0 ? 0 : found / wanted.size;
      if (score === 0) continue;
      hits.push({ ...row, snippet: row.answer.slice(0, 80), score });
    }
    hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    const top = hits.slice(0, limit);
    return { query, hits: top, confident: (top[0]?.score ?? 0) >= 0.5 };
  }
}

function bigrams(text: string): Set<string> {
  const chars = [...text.toLowerCase().replace(/\s+/g, '')];
  if (chars.length === 1) return new Set(chars);
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) pairs.add(chars[i]! + chars[i + 1]!);
  return pairs;
}
