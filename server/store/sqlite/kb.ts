import type { Database, Statement } from 'better-sqlite3';
import { KB_SNIPPET_MARK } from '../../../shared/hub-api.js';
import type { KbArticle, KbDocument, KbRawHit, KbRepository, KbTermGroup } from '../repository.js';

/** Joins tokens in the index: unicode61 splits on it, and readers never see it. */
const TOKEN_JOIN = '\u200b';
const SNIPPET_TOKENS = 24;

interface ArticleRow {
  rowid: number;
  id: string;
  title: string;
  category: string;
  keywords: string;
  synonyms: string;
  body: string;
}

function toArticle(row: ArticleRow): KbArticle {
  return {
    id: row.id,
    title: row.title,
    category: row.category,
    keywords: JSON.parse(row.keywords) as string[],
    synonyms: JSON.parse(row.synonyms) as string[][],
    body: row.body,
  };
}

/** A phrase of tokens as an FTS5 string; the tokenizer splits it on the spaces. */
function phrase(tokens: string[]): string {
  return `"${tokens.map((t) => t.replaceAll('"', '""')).join(' ')}"`;
}

function groupExpression(group: KbTermGroup): string {
  return `(${group.alternatives.map(phrase).join(' OR ')})`;
}

/**
 * The KB in SQLite: articles in kb_articles, their tokens in the FTS5 table kb_fts, ranked
 * by bm25 with title and keywords weighted above the body. The SQLite side only stores and
 * matches tokens; segmenting Chinese (jieba) happens before, in server/kb, so FTS5's own
 * tokenizer never has to know Chinese.
 */
export class SqliteKbRepository implements KbRepository {
  private readonly all: Statement<[], ArticleRow>;
  private readonly byRowid: Statement<[number], ArticleRow>;
  private readonly rowidOf: Statement<[string], { rowid: number }>;
  private readonly match: Statement<
    [string, number],
    { rowid: number; snippet: string; rank: number }
  >;
  private readonly matchOne: Statement<[string, number], { one: number }>;
  private readonly getMeta: Statement<[string], { value: string }>;
  private readonly replaceTx: (docs: KbDocument[], fingerprint: string) => void;

  constructor(db: Database) {
    this.all = db.prepare('SELECT * FROM kb_articles ORDER BY rowid');
    this.byRowid = db.prepare('SELECT * FROM kb_articles WHERE rowid = ?');
    this.rowidOf = db.prepare('SELECT rowid FROM kb_articles WHERE id = ?');
    this.match = db.prepare(`SELECT rowid,
        snippet(kb_fts, 2, '${KB_SNIPPET_MARK.open}', '${KB_SNIPPET_MARK.close}', '…',
          ${SNIPPET_TOKENS}) AS snippet,
        rank
      FROM kb_fts WHERE kb_fts MATCH ? ORDER BY rank LIMIT ?`);
    this.matchOne = db.prepare('SELECT 1 AS one FROM kb_fts WHERE kb_fts MATCH ? AND rowid = ?');
    this.getMeta = db.prepare('SELECT value FROM meta WHERE key = ?');

    const clearArticles = db.prepare('DELETE FROM kb_articles');
    const clearIndex = db.prepare('DELETE FROM kb_fts');
    const addArticle = db.prepare(`INSERT INTO kb_articles
      (rowid, id, title, category, keywords, synonyms, body)
      VALUES (@rowid, @id, @title, @category, @keywords, @synonyms, @body)`);
    const addIndex = db.prepare(`INSERT INTO kb_fts (rowid, title, keywords, body, extra)
      VALUES (?, ?, ?, ?, ?)`);
    const setMeta = db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
    const replace = db.transaction((docs: KbDocument[], fingerprint: string) => {
      clearIndex.run();
      clearArticles.run();
      docs.forEach((doc, i) => {
        const rowid = i + 1;
        const a = doc.article;
        addArticle.run({
          rowid,
          id: a.id,
          title: a.title,
          category: a.category,
          keywords: JSON.stringify(a.keywords),
          synonyms: JSON.stringify(a.synonyms),
          body: a.body,
        });
        addIndex.run(
          rowid,
          doc.title.join(TOKEN_JOIN),
          // Keywords are separate words: a space keeps two of them from forming a phrase.
          doc.keywords.join(' '),
          doc.body.join(TOKEN_JOIN),
          doc.extra.join(' '),
        );
      });
      setMeta.run('kb.fingerprint', fingerprint);
    });
    this.replaceTx = (docs, fingerprint) => replace.immediate(docs, fingerprint);
  }

  async listArticles(): Promise<KbArticle[]> {
    return this.all.all().map(toArticle);
  }

  async replaceAll(documents: KbDocument[], fingerprint: string): Promise<void> {
    this.replaceTx(documents, fingerprint);
  }

  async indexFingerprint(): Promise<string | null> {
    return this.getMeta.get('kb.fingerprint')?.value ?? null;
  }

  async search(groups: KbTermGroup[], limit: number): Promise<KbRawHit[]> {
    if (groups.length === 0) return [];
    const expression = groups.map(groupExpression).join(' OR ');
    const hits: KbRawHit[] = [];
    for (const row of this.match.all(expression, limit)) {
      const article = this.byRowid.get(row.rowid);
      if (!article) continue;
      hits.push({
        id: article.id,
        title: article.title,
        category: article.category,
        body: article.body,
        snippet: row.snippet
          .replaceAll(TOKEN_JOIN, '')
          .replaceAll(KB_SNIPPET_MARK.close + KB_SNIPPET_MARK.open, ''),
        score: Math.round(-row.rank * 1000) / 1000,
      });
    }
    return hits;
  }

  async matchedGroups(articleId: string, groups: KbTermGroup[]): Promise<boolean[]> {
    const found = this.rowidOf.get(articleId);
    if (!found) return groups.map(() => false);
    return groups.map((g) => this.matchOne.get(groupExpression(g), found.rowid) !== undefined);
  }
}
