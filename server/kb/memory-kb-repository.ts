import {
  KbTransitionError,
  type KbArticle,
  type KbChange,
  type KbRepository,
  type KbState,
  type KbVersion,
  type Page,
} from '../store/repository.js';
import type { KbChangeFeedItem } from '../../shared/sync-protocol.js';
import { checkMove, retiresPublished, SUPERSEDED_NOTE } from '../store/kb-life-cycle.js';

/**
 * A KbRepository in memory, for tests of the KB search and routes that should not depend
 * on a database backend; it follows the same life cycle rules as the stores.
 */
export class MemoryKbRepository implements KbRepository {
  private readonly byArticle = new Map<string, KbVersion[]>();
  private readonly log: KbChange[] = [];

  listPublished(): Promise<KbArticle[]> {
    const out: KbArticle[] = [];
    for (const versions of this.byArticle.values()) {
      const live = versions.find((v) => v.state === 'published');
      if (live) out.push(structuredClone(live.article));
    }
    return Promise.resolve(out);
  }

  async countPublished(): Promise<number> {
    return (await this.listPublished()).length;
  }

  saveDraft(article: KbArticle, by: string, at: number): Promise<KbVersion> {
    const versions = this.byArticle.get(article.id) ?? [];
    const version: KbVersion = {
      article: structuredClone(article),
      version: versions.length + 1,
      state: 'draft',
      author: by,
      createdAt: at,
      changedBy: by,
      changedAt: at,
    };
    versions.push(version);
    this.byArticle.set(article.id, versions);
    this.log.push({
      articleId: article.id,
      version: version.version,
      from: null,
      to: 'draft',
      by,
      at,
      note: null,
    });
    return Promise.resolve(structuredClone(version));
  }

  async transition(
    articleId: string,
    version: number,
    to: KbState,
    by: string,
    at: number,
    note?: string,
  ): Promise<KbVersion> {
    const versions = this.byArticle.get(articleId);
    if (!versions) throw new KbTransitionError(`no KB article ${articleId}`, 'unknown-article');
    const target = versions.find((v) => v.version === version);
    if (!target) {
      throw new KbTransitionError(
        `KB article ${articleId} has no version ${version}`,
        'unknown-version',
      );
    }
    checkMove(articleId, version, target.state, to);
    if (retiresPublished(to)) this.retirePublished(versions, by, at);
    this.move(target, to, by, at, note ?? null);
    return Promise.resolve(structuredClone(target));
  }

  versions(articleId: string): Promise<KbVersion[]> {
    const versions = this.byArticle.get(articleId) ?? [];
    return Promise.resolve(structuredClone([...versions].reverse()));
  }

  listByState(state: KbState, page: Page): Promise<KbVersion[]> {
    const matching = [...this.byArticle.values()]
      .flat()
      .filter((v) => v.state === state)
      .sort((a, b) => b.changedAt - a.changedAt || a.article.id.localeCompare(b.article.id));
    return Promise.resolve(structuredClone(matching.slice(page.offset, page.offset + page.limit)));
  }

  changes(articleId: string): Promise<KbChange[]> {
    return Promise.resolve(structuredClone(this.log.filter((c) => c.articleId === articleId)));
  }

  feed(
    afterId: number,
    limit: number,
  ): Promise<{ items: KbChangeFeedItem[]; cursor: number; hasMore: boolean }> {
    // A change's id is its place in the log, counted from 1.
    if (afterId === 0)
      return Promise.resolve({ items: [], cursor: this.log.length, hasMore: false });
    const after = this.log
      .map((change, i) => ({ change, id: i + 1 }))
      .filter(
        ({ change, id }) => id > afterId && (change.to === 'published' || change.to === 'retired'),
      );
    const page = after.slice(0, limit);
    const items = page.map(({ change }): KbChangeFeedItem => {
      const v = this.byArticle.get(change.articleId)?.find((x) => x.version === change.version);
      return {
        id: change.articleId,
        version: change.version,
        state: change.to as KbChangeFeedItem['state'],
        title: v?.article.title ?? '',
        category: v?.article.category ?? '',
        answer: change.to === 'published' ? (v?.article.body ?? '') : '',
      };
    });
    return Promise.resolve({
      items,
      cursor: page.at(-1)?.id ?? afterId,
      hasMore: after.length > limit,
    });
  }

  async importPublished(articles: readonly KbArticle[], by: string, at: number): Promise<void> {
    for (const article of articles) {
      const draft = await this.saveDraft(article, by, at);
      const versions = this.byArticle.get(article.id)!;
      const target = versions.find((v) => v.version === draft.version)!;
      this.retirePublished(versions, by, at);
      this.move(target, 'published', by, at, 'imported');
    }
  }

  private retirePublished(versions: KbVersion[], by: string, at: number): void {
    for (const v of versions) {
      if (v.state === 'published') this.move(v, 'retired', by, at, SUPERSEDED_NOTE);
    }
  }

  private move(v: KbVersion, to: KbState, by: string, at: number, note: string | null): void {
    this.log.push({ articleId: v.article.id, version: v.version, from: v.state, to, by, at, note });
    v.state = to;
    v.changedBy = by;
    v.changedAt = at;
  }
}
