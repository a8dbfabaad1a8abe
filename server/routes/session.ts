import type { FastifyInstance } from 'fastify';
import {
  HUB_PATHS,
  LogoutRequestSchema,
  RefreshRequestSchema,
  SessionTokensSchema,
  type SessionTokens,
} from '../../shared/hub-api.js';
import { endSession, renewSession } from '../auth/sessions.js';
import type { HubContext } from '../context.js';
import { ANY_ROLE } from '../http/access.js';
import { requireAuth } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { installJsonBody } from '../http/json-body.js';

const TOKEN_BODY_LIMIT = 1024;

/** A sign-out without a body is one without a refresh token. */
const LogoutBodySchema = LogoutRequestSchema.default({});

/**
 * Renewal and sign-out (auth/sessions.ts). Renewal is public, since the bearer token may
 * already have run out; the refresh token in the body is the credential, and it works
 * once. Sign-out needs the bearer token and revokes it with the refresh token; the
 * desk then leaves the ACD (Acd.signOut) and its events sockets close with 4001, so no
 * call is routed to a seat nobody is signed in at.
 */
export function registerSession(app: FastifyInstance, ctx: HubContext): void {
  const log = ctx.log.child({ name: 'hub.auth' });

  app.post<{ Body: { refreshToken: string } }>(
    HUB_PATHS.sessionRefresh,
    {
      bodyLimit: TOKEN_BODY_LIMIT,
      config: {
        access: 'public',
        api: {
          summary: 'Renew a session with its refresh token',
          description:
            'Answers a new bearer token and a new refresh token; the one sent stops working. ' +
            'No renewal reaches past the end of the shift (12 hours after sign-in).',
          body: RefreshRequestSchema,
          response: SessionTokensSchema,
          errors: [401],
        },
      },
    },
    async (request): Promise<SessionTokens> => {
      const renewed = await renewSession(ctx.store.sessions, ctx.clock, request.body.refreshToken);
      const agent = renewed ? await ctx.store.agents.get(renewed.agentId) : null;
      if (!renewed || !agent) {
        throw new HttpError(
          401,
          'unauthorized',
          'the refresh token is unknown, used or past the shift; sign in again',
        );
      }
      log.debug({ agent: renewed.agentId }, 'session renewed');
      return {
        token: renewed.token,
        expiresIn: renewed.expiresIn,
        refreshToken: renewed.refreshToken,
        shiftEndsAt: renewed.shiftEndsAt,
      };
    },
  );

  // Sign-out takes no body at all as readily as `{}`: an empty JSON body is no body here.
  // Its own scope, so the parser change reaches this route only.
  void app.register(async (scope) => {
    installJsonBody(scope, { emptyBody: {} });
    scope.post<{ Body: { refreshToken?: string } }>(
      HUB_PATHS.logout,
      {
        bodyLimit: TOKEN_BODY_LIMIT,
        config: {
          access: ANY_ROLE,
          api: {
            summary: 'Sign out',
            description:
              'Revokes the bearer token and the given refresh token; without one, every ' +
              'session of the account. The body may be left out. The agent leaves the ACD ' +
              '(a call in hand is not cut) and the events socket of the desk closes with 4001.',
            body: LogoutBodySchema,
          },
        },
      },
      async (request): Promise<{ ok: true }> => {
        const auth = requireAuth(request);
        const { refreshToken } = request.body;
        await endSession(ctx.store.sessions, auth.agentId, auth.token, refreshToken);
        // Without a refresh token every session ended: every desk of the account goes.
        const desk = refreshToken === undefined ? null : auth.extension;
        const leftAcd = await ctx.acd.signOut(auth.agentId, desk);
        const closed = ctx.events.signedOut(auth.agentId, desk);
        log.info({ agent: auth.agentId, leftAcd, socketsClosed: closed }, 'signed out');
        return { ok: true };
      },
    );
  });
}
