import { sql, type Insertable, type Selectable, type Transaction } from 'kysely';
import {
  KbTransitionError,
  type KbArticle,
  type KbChange,
  type KbRepository,
  type KbState,
  type KbVersion,
  type Page,
} from '../repository.js';
import type { KbChangeFeedItem } from '../../../shared/sync-protocol.js';
import { checkMove, retiresPublished, SUPERSEDED_NOTE } from '../kb-life-cycle.js';
import type { SqlContext } from './context.js';
import type { HubTables, KbChangesTable, KbVersionsTable } from './schema.js';

function toArticle(row: Selectable<KbVersionsTable>): KbArticle {
  return {
    id: row.article_id,
    title: row.title,
    category: row.category,
    keywords: JSON.parse(row.keywords) as string[],
    synonyms: JSON.parse(row.synonyms) as string[][],
    body: row.body,
  };
}

function toVersion(row: Selectable<KbVersionsTable>): KbVersion {
  return {
    article: toArticle(row),
    version: row.version,
    state: row.state as KbState,
    author: row.author,
    createdAt: row.created_at,
    changedBy: row.changed_by,
    changedAt: row.changed_at,
  };
}

function versionRow(
  article: KbArticle,
  version: number,
  state: KbState,
  by: string,
  at: number,
): Insertable<KbVersionsTable> {
  return {
    article_id: article.id,
    version,
    state,
    title: article.title,
    category: article.category,
    keywords: JSON.stringify(article.keywords),
    synonyms: JSON.stringify(article.synonyms),
    body: article.body,
    author: by,
    created_at: at,
    changed_by: by,
    changed_at: at,
  };
}

/** Articles per import transaction; kb_versions has 12 columns, well under both limits. */
const IMPORT_BATCH = 500;

/**
 * The KB's articles, their versions and change log. Searching is not done here: the
 * KB search (server/kb) indexes listPublished() in memory.
 *
 * Each write first upserts the article's row in kb_articles (which hands out version
 * numbers), so on PostgreSQL two writers of one article queue on that row lock.
 */
export class SqlKbRepository implements KbRepository {
  constructor(private readonly ctx: SqlContext) {}

  async listPublished(): Promise<KbArticle[]> {
    const rows = await this.ctx.db
      .selectFrom('kb_versions')
      .selectAll()
      .where('state', '=', 'published')
      .orderBy('article_id')
      .execute();
    return rows.map(toArticle);
  }

  async countPublished(): Promise<number> {
    const row = await this.ctx.db
      .selectFrom('kb_versions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '=', 'published')
      .executeTakeFirstOrThrow();
    return row.n;
  }

  async saveDraft(article: KbArticle, by: string, at: number): Promise<KbVersion> {
    return this.ctx.db.transaction().execute(async (tx) => {
      const [version] = await this.nextVersions(tx, [article.id]);
      const row = versionRow(article, version as number, 'draft', by, at);
      await tx.insertInto('kb_versions').values(row).execute();
      await this.log(tx, [
        {
          article_id: article.id,
          version: row.version,
          from_state: null,
          to_state: 'draft',
          changed_by: by,
          changed_at: at,
          note: null,
        },
      ]);
      return toVersion(row as Selectable<KbVersionsTable>);
    });
  }

  async transition(
    articleId: string,
    version: number,
    to: KbState,
    by: string,
    at: number,
    note?: string,
  ): Promise<KbVersion> {
    return this.ctx.db.transaction().execute(async (tx) => {
      // Locks the article (PostgreSQL) and tells an unknown one apart from an unknown version.
      const article = await tx
        .updateTable('kb_articles')
        .set({ latest_version: sql`latest_version` })
        .where('id', '=', articleId)
        .returning('id')
        .executeTakeFirst();
      if (!article) {
        throw new KbTransitionError(`no KB article ${articleId}`, 'unknown-article');
      }
      const current = await tx
        .selectFrom('kb_versions')
        .selectAll()
        .where('article_id', '=', articleId)
        .where('version', '=', version)
        .executeTakeFirst();
      if (!current) {
        throw new KbTransitionError(
          `KB article ${articleId} has no version ${version}`,
          'unknown-version',
        );
      }
      const from = current.state as KbState;
      checkMove(articleId, version, from, to);
      if (retiresPublished(to)) await this.retirePublished(tx, [articleId], by, at);
      await tx
        .updateTable('kb_versions')
        .set({ state: to, changed_by: by, changed_at: at })
        .where('article_id', '=', articleId)
        .where('version', '=', version)
        .execute();
      await this.log(tx, [
        {
          article_id: articleId,
          version,
          from_state: from,
          to_state: to,
          changed_by: by,
          changed_at: at,
          note: note ?? null,
        },
      ]);
      return toVersion({ ...current, state: to, changed_by: by, changed_at: at });
    });
  }

  async versions(articleId: string): Promise<KbVersion[]> {
    const rows = await this.ctx.db
      .selectFrom('kb_versions')
      .selectAll()
      .where('article_id', '=', articleId)
      .orderBy('version', 'desc')
      .execute();
    return rows.map(toVersion);
  }

  async listByState(state: KbState, page: Page): Promise<KbVersion[]> {
    const rows = await this.ctx.db
      .selectFrom('kb_versions')
      .selectAll()
      .where('state', '=', state)
      .orderBy('changed_at', 'desc')
      .orderBy('article_id')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return rows.map(toVersion);
  }

  async feed(
    afterId: number,
    limit: number,
  ): Promise<{ items: KbChangeFeedItem[]; cursor: number; hasMore: boolean }> {
    if (afterId === 0) {
      const end = await this.ctx.db
        .selectFrom('kb_changes')
        .select((eb) => eb.fn.max('id').as('last'))
        .executeTakeFirst();
      return { items: [], cursor: Number(end?.last ?? 0), hasMore: false };
    }
    const rows = await this.ctx.db
      .selectFrom('kb_changes as c')
      .innerJoin('kb_versions as v', (join) =>
        join.onRef('v.article_id', '=', 'c.article_id').onRef('v.version', '=', 'c.version'),
      )
      .select([
        'c.id',
        'c.article_id',
        'c.version',
        'c.to_state',
        'v.title',
        'v.category',
        'v.body',
      ])
      .where('c.id', '>', afterId)
      .where('c.to_state', 'in', ['published', 'retired'])
      .orderBy('c.id')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const items = page.map((r): KbChangeFeedItem => ({
      id: r.article_id,
      version: r.version,
      state: r.to_state as KbChangeFeedItem['state'],
      title: r.title,
      category: r.category,
      answer: r.to_state === 'published' ? r.body : '',
    }));
    return { items, cursor: Number(page.at(-1)?.id ?? afterId), hasMore: rows.length > limit };
  }

  async changes(articleId: string): Promise<KbChange[]> {
    const rows = await this.ctx.db
      .selectFrom('kb_changes')
      .selectAll()
      .where('article_id', '=', articleId)
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      articleId: row.article_id,
      version: row.version,
      from: row.from_state as KbState | null,
      to: row.to_state as KbState,
      by: row.changed_by,
      at: row.changed_at,
      note: row.note,
    }));
  }

  async importPublished(articles: readonly KbArticle[], by: string, at: number): Promise<void> {
    for (const batch of distinctBatches(articles, IMPORT_BATCH)) {
      await this.ctx.db.transaction().execute(async (tx) => {
        const ids = batch.map((a) => a.id);
        const numbers = await this.nextVersions(tx, ids);
        await this.retirePublished(tx, ids, by, at);
        const rows = batch.map((a, i) => versionRow(a, numbers[i] as number, 'published', by, at));
        await tx.insertInto('kb_versions').values(rows).execute();
        await this.log(
          tx,
          rows.map((r) => ({
            article_id: r.article_id,
            version: r.version,
            from_state: null,
            to_state: 'published',
            changed_by: by,
            changed_at: at,
            note: 'imported',
          })),
        );
      });
    }
  }

  /** The next version number of each article (new ones start at 1), in `ids` order. */
  private async nextVersions(
    tx: Transaction<HubTables>,
    ids: readonly string[],
  ): Promise<number[]> {
    const rows = await tx
      .insertInto('kb_articles')
      .values(ids.map((id) => ({ id, latest_version: 1 })))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ latest_version: sql`kb_articles.latest_version + 1` }),
      )
      .returning(['id', 'latest_version'])
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r.latest_version]));
    return ids.map((id) => byId.get(id) as number);
  }

  /** Retires the published version of each article, logging each retirement. */
  private async retirePublished(
    tx: Transaction<HubTables>,
    ids: readonly string[],
    by: string,
    at: number,
  ): Promise<void> {
    const retired = await tx
      .updateTable('kb_versions')
      .set({ state: 'retired', changed_by: by, changed_at: at })
      .where('article_id', 'in', ids)
      .where('state', '=', 'published')
      .returning(['article_id', 'version'])
      .execute();
    await this.log(
      tx,
      retired.map((r) => ({
        article_id: r.article_id,
        version: r.version,
        from_state: 'published',
        to_state: 'retired',
        changed_by: by,
        changed_at: at,
        note: SUPERSEDED_NOTE,
      })),
    );
  }

  private async log(
    tx: Transaction<HubTables>,
    entries: Insertable<KbChangesTable>[],
  ): Promise<void> {
    if (entries.length > 0) await tx.insertInto('kb_changes').values(entries).execute();
  }
}

/** Splits `articles` into batches of at most `size` in which no id appears twice. */
function distinctBatches(articles: readonly KbArticle[], size: number): KbArticle[][] {
  const batches: KbArticle[][] = [];
  let current: KbArticle[] = [];
  let ids = new Set<string>();
  for (const article of articles) {
    if (current.length >= size || ids.has(article.id)) {
      batches.push(current);
      current = [];
      ids = new Set();
    }
    current.push(article);
    ids.add(article.id);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
