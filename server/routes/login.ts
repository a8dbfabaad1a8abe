import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  HUB_PATHS,
  LoginRequestSchema,
  LoginResponseSchema,
  type LoginRequest,
  type LoginResponse,
} from '../../shared/hub-api.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { hashPassword, needsRehash, verifyPassword } from '../auth/password.js';
import { issueSession } from '../auth/sessions.js';
import type { HubContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import { CALL_ROLES } from '../http/access.js';
import type { AgentRecord } from '../store/repository.js';

/** Verified against for unknown accounts; made once, lazily, with the real cost. */
let decoy: Promise<string> | null = null;
const decoyHashOnce = (): Promise<string> =>
  (decoy ??= hashPassword(randomBytes(16).toString('base64url')));

/** A sign-in body is a few hundred bytes; anything much larger is not one. */
export const LOGIN_BODY_LIMIT = 4 * 1024;

/**
 * Sign-in: account and password, at a seat (extension). Answers the session's tokens
 * (auth/sessions.ts), the agent, and the SIP settings the seat's softphone registers
 * with: its user is the extension the seat signed in at, so any agent can sit at any desk.
 * Failed attempts are throttled per account and address (auth/login-throttle.ts); an old
 * scrypt hash is replaced with argon2id once the password has proved right.
 */
export function registerLogin(
  app: FastifyInstance,
  ctx: HubContext,
  throttle = new LoginThrottle(),
): void {
  const log = ctx.log.child({ name: 'hub.auth' });

  app.post<{ Body: LoginRequest }>(
    HUB_PATHS.login,
    {
      bodyLimit: LOGIN_BODY_LIMIT,
      config: {
        access: 'public',
        api: {
          summary: 'Sign in at a seat',
          description:
            'Failed attempts are throttled per account and address (429); past 30 failures ' +
            'from one address, an account that failed there gets no further try for a while.',
          body: LoginRequestSchema,
          response: LoginResponseSchema,
          errors: [403, 413, 429],
        },
      },
    },
    async (request, reply): Promise<LoginResponse> => {
      const input = request.body;
      const address = request.ip;
      const wait = await throttle.waitMs(input.account, address);
      if (wait > 0) throw tooMany(reply, wait);

      const agent = await ctx.store.agents.findByAccount(input.account);
      // An unknown account costs the same hash as a known one: timing tells no names.
      const stored = agent?.passwordHash ?? (await decoyHashOnce());
      const ok = (await verifyPassword(input.password, stored)) && agent !== null;
      if (!agent || !ok) {
        const blocked = await throttle.failed(input.account, address);
        const suspect = await throttle.isSuspect(address);
        log[suspect ? 'warn' : 'info'](
          { account: input.account, address, blocked: blocked > 0, suspectAddress: suspect },
          suspect ? 'sign-in refused from an address past its failure limit' : 'sign-in refused',
        );
        if (blocked > 0) throw tooMany(reply, blocked);
        throw new HttpError(401, 'invalid_credentials', 'account or password is wrong');
      }
      await throttle.succeeded(input.account, address);
      // A web seat's store key goes to the roles that work at a desk; an admin or a unit
      // handler never needs one, and handing it to every account would let any login
      // open a copied seat file. Refused before anything is recorded.
      if (input.dataKeyFor !== undefined && !CALL_ROLES.includes(agent.role)) {
        throw new HttpError(
          403,
          'seat_key_forbidden',
          `a ${agent.role} account does not work at a desk and gets no seat store key`,
          'dataKeyFor',
        );
      }
      if (needsRehash(agent.passwordHash)) {
        await ctx.store.agents.setPasswordHash(agent.id, await hashPassword(input.password));
        log.info({ agent: agent.id }, 'password hash upgraded to argon2id');
      }

      const { accessExpiresAt: _at, ...tokens } = await issueSession(
        ctx.store.sessions,
        ctx.clock,
        {
          agentId: agent.id,
          extension: input.extension,
        },
      );
      await ctx.acd.login(agent.id, input.extension);
      const now = ctx.clock.now();
      const dataKey =
        input.dataKeyFor === undefined
          ? undefined
          : await seatDataKey(ctx, input.dataKeyFor, agent, now);
      return {
        ...tokens,
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
        ...(dataKey !== undefined ? { dataKey } : {}),
        hubTime: new Date(now).toISOString(),
      };
    },
  );
}

/** Bytes of a web seat's store key (AES-256). */
const DATA_KEY_BYTES = 32;

/**
 * The store key of a web seat, made on its first ask and the same on every later
 * sign-in for that seat id. Handing it out is audited (`seat-key:<seat id>`): the key
 * opens citizens' data on that seat.
 */
async function seatDataKey(
  ctx: HubContext,
  seatId: string,
  agent: AgentRecord,
  now: number,
): Promise<string> {
  const { dataKey, created } = await ctx.store.seatKeys.keyFor(
    seatId,
    () => randomBytes(DATA_KEY_BYTES).toString('base64url'),
    agent.id,
    now,
  );
  await ctx.store.audit.append([
    {
      at: now,
      actorId: agent.id,
      actorRole: agent.role,
      action: created ? 'create' : 'read',
      subject: `seat-key:${seatId}`,
      via: `POST ${HUB_PATHS.login}`,
      detail: created ? 'web seat store key made' : 'web seat store key handed out',
    },
  ]);
  return dataKey;
}

function tooMany(reply: { header(name: string, value: string): unknown }, waitMs: number) {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  reply.header('retry-after', String(seconds));
  return new HttpError(
    429,
    'too_many_attempts',
    `too many failed sign-ins; try again in ${seconds} seconds`,
  );
}
