import type { FastifyInstance } from 'fastify';
import { HUB_PATHS, LoginRequestSchema, type LoginResponse } from '../../shared/hub-api.js';
import { verifyPassword } from '../auth/password.js';
import { newToken, SESSION_TTL_MS, tokenHash } from '../auth/tokens.js';
import type { HubContext } from '../context.js';
import { HttpError, parseOrThrow } from '../http/errors.js';

/**
 * Sign-in: account and password, at a seat (extension). Answers an opaque token for the
 * session, the agent, and the SIP settings the seat's softphone registers with: its user
 * is the extension the seat signed in at, so any agent can sit at any desk.
 */
export function registerLogin(app: FastifyInstance, ctx: HubContext): void {
  const log = ctx.log.child({ name: 'hub.auth' });

  app.post(HUB_PATHS.login, async (request): Promise<LoginResponse> => {
    const input = parseOrThrow(LoginRequestSchema, request.body);
    const agent = await ctx.store.agents.findByAccount(input.account);
    const ok = agent !== null && (await verifyPassword(input.password, agent.passwordHash));
    if (!agent || !ok) {
      log.info({ account: input.account }, 'sign-in refused');
      throw new HttpError(401, 'invalid_credentials', 'account or password is wrong');
    }
    const now = ctx.clock.now();
    const token = newToken();
    await ctx.store.sessions.create(tokenHash(token), {
      agentId: agent.id,
      extension: input.extension,
      createdAt: now,
      expiresAt: now + SESSION_TTL_MS,
    });
    await ctx.acd.login(agent.id, input.extension);
    return {
      token,
      agent: {
        id: agent.id,
        account: agent.account,
        name: agent.name,
        role: agent.role,
        extension: input.extension,
        queues: agent.queues,
      },
      sip: {
        wsUrl: ctx.sip.wsUrl,
        domain: ctx.sip.domain,
        user: input.extension,
        displayName: agent.name,
      },
    };
  });
}
