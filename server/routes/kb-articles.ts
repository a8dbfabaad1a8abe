import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  HUB_PATHS,
  KB_ACTION_TARGET,
  KB_ACTIONS,
  KbArticleInputSchema,
  KbChangeListSchema,
  KbListQuerySchema,
  KbTransitionRequestSchema,
  KbVersionListSchema,
  KbVersionSchema,
  type KbAction,
  type KbVersionView,
  type Role,
} from '../../shared/hub-api.js';
import type { HubContext } from '../context.js';
import { requireAuth } from '../http/auth.js';
import { HttpError, parseOrThrow } from '../http/errors.js';
import { KbTransitionError, type KbChange, type KbVersion } from '../store/repository.js';

/** Who writes drafts, submits them and reads the editors' lists. */
const KB_EDITORS: readonly Role[] = ['lead', 'admin'];
/** Who reviews: sends back, publishes, retires. */
const KB_REVIEWERS: readonly Role[] = ['admin'];

const ACTION_ACCESS: Record<KbAction, readonly Role[]> = {
  submit: KB_EDITORS,
  'send-back': KB_REVIEWERS,
  publish: KB_REVIEWERS,
  retire: KB_REVIEWERS,
};

const ACTION_SUMMARY: Record<KbAction, string> = {
  submit: 'Submit a draft version for review',
  'send-back': 'Send a version in review back to draft (note required)',
  publish: 'Publish a version in review; seats see it in KB search at once',
  retire: 'Retire the published version; seats no longer see it',
};

const PLACEHOLDER_ID = 'ARTICLE';
const route = (path: string): string => path.replace(PLACEHOLDER_ID, ':id');
const VERSIONS_ROUTE = route(HUB_PATHS.kbVersions(PLACEHOLDER_ID));
const CHANGES_ROUTE = route(HUB_PATHS.kbChanges(PLACEHOLDER_ID));
const transitionRoute = (action: KbAction): string =>
  route(HUB_PATHS.kbTransition(PLACEHOLDER_ID, 0, action)).replace('/0/', '/:version/');

const IdParams = z.strictObject({ id: KbArticleInputSchema.shape.id });
const VersionParams = IdParams.extend({ version: z.coerce.number().int().min(1).max(1_000_000) });

function view(v: KbVersion): KbVersionView {
  return {
    article: v.article,
    version: v.version,
    state: v.state,
    author: v.author,
    createdAt: new Date(v.createdAt).toISOString(),
    changedBy: v.changedBy,
    changedAt: new Date(v.changedAt).toISOString(),
  };
}

function changeView(c: KbChange): z.infer<typeof KbChangeListSchema>['changes'][number] {
  return {
    version: c.version,
    from: c.from,
    to: c.to,
    by: c.by,
    at: new Date(c.at).toISOString(),
    note: c.note,
  };
}

/** A refused move as an HTTP answer: unknown article or version 404, a wrong move 409. */
function httpError(error: KbTransitionError): HttpError {
  if (error.code === 'not-allowed') return new HttpError(409, 'kb_transition', error.message);
  return new HttpError(404, 'not_found', error.message);
}

/**
 * The KB's editing life cycle (see KB_STATES in shared/hub-api): leads and admins write
 * drafts and submit them; admins review, publish and retire. Publishing or retiring
 * changes the live search index in the same request, so the next search sees it.
 */
export function registerKbArticles(app: FastifyInstance, ctx: HubContext): void {
  const log = ctx.log.child({ name: 'hub.kb' });

  app.post(
    HUB_PATHS.kbArticles,
    {
      config: {
        access: KB_EDITORS,
        api: {
          summary: 'Write a draft: a new article, or a new version of one',
          body: KbArticleInputSchema,
          response: KbVersionSchema,
        },
      },
    },
    async (request, reply): Promise<KbVersionView> => {
      const article = parseOrThrow(KbArticleInputSchema, request.body);
      const auth = requireAuth(request);
      const saved = await ctx.store.kb.saveDraft(article, auth.agentId, ctx.clock.now());
      log.info({ article: article.id, version: saved.version, by: auth.agentId }, 'KB draft saved');
      void reply.code(201);
      return view(saved);
    },
  );

  app.get(
    HUB_PATHS.kbArticles,
    {
      config: {
        access: KB_EDITORS,
        api: {
          summary: 'Article versions in one state (drafts, in review...), latest change first',
          query: KbListQuerySchema,
          response: KbVersionListSchema,
        },
      },
    },
    async (request) => {
      const query = parseOrThrow(KbListQuerySchema, request.query, 'query');
      const page = { limit: query.limit, offset: query.offset };
      const versions = await ctx.store.kb.listByState(query.state, page);
      return { versions: versions.map(view) };
    },
  );

  app.get<{ Params: { id: string } }>(
    VERSIONS_ROUTE,
    {
      config: {
        access: KB_EDITORS,
        api: {
          summary: 'Every version of an article, newest first',
          params: IdParams,
          response: KbVersionListSchema,
          errors: [404],
        },
      },
    },
    async (request) => {
      const { id } = parseOrThrow(IdParams, request.params, 'params');
      const versions = await ctx.store.kb.versions(id);
      if (versions.length === 0) throw new HttpError(404, 'not_found', `no article ${id}`);
      return { versions: versions.map(view) };
    },
  );

  app.get<{ Params: { id: string } }>(
    CHANGES_ROUTE,
    {
      config: {
        access: KB_EDITORS,
        api: {
          summary: 'The change log of an article: who moved which version, when, why',
          params: IdParams,
          response: KbChangeListSchema,
          errors: [404],
        },
      },
    },
    async (request) => {
      const { id } = parseOrThrow(IdParams, request.params, 'params');
      const changes = await ctx.store.kb.changes(id);
      if (changes.length === 0) throw new HttpError(404, 'not_found', `no article ${id}`);
      return { changes: changes.map(changeView) };
    },
  );

  for (const action of KB_ACTIONS) {
    app.post<{ Params: { id: string; version: string } }>(
      transitionRoute(action),
      {
        config: {
          access: ACTION_ACCESS[action],
          api: {
            summary: ACTION_SUMMARY[action],
            params: VersionParams,
            body: KbTransitionRequestSchema.optional(),
            response: KbVersionSchema,
            errors: [404, 409],
          },
        },
      },
      async (request): Promise<KbVersionView> => {
        const { id, version } = parseOrThrow(VersionParams, request.params, 'params');
        const { note } = parseOrThrow(KbTransitionRequestSchema, request.body ?? {});
        if (action === 'send-back' && !note) {
          throw new HttpError(400, 'invalid_request', 'note: say what the author must fix', 'note');
        }
        const auth = requireAuth(request);
        let moved: KbVersion;
        try {
          moved = await ctx.store.kb.transition(
            id,
            version,
            KB_ACTION_TARGET[action],
            auth.agentId,
            ctx.clock.now(),
            note,
          );
        } catch (error) {
          if (error instanceof KbTransitionError) throw httpError(error);
          throw error;
        }
        if (action === 'publish') ctx.kb.published(moved.article);
        if (action === 'retire') ctx.kb.retired(id);
        log.info(
          { article: id, version, to: moved.state, by: auth.agentId },
          `KB version ${action}`,
        );
        return view(moved);
      },
    );
  }
}
