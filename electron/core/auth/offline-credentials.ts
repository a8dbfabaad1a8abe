import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';
import { AgentSchema, SipConfigSchema, type LoginResponse } from '../../../shared/hub-api.js';
import type { Session } from '../../../shared/desk-api.js';
import type { SeatStore } from '../store/seat-store.js';

/**
 * Signing in on a desktop seat while the hub is down (issue 4): after each sign-in at the
 * hub the seat keeps, sealed in its store, an argon2id hash of the password (RFC 9106,
 * @node-rs/argon2, the library the hub uses), the agent, the SIP settings and the shift's
 * end on the hub's clock. The record is good until that shift ends.
 *
 * The SIP password is not kept: issue 8 brings short-lived SIP credentials, and a long-
 * lived one in a file is what that issue removes. An offline session has no SIP password;
 * the softphone registers once the hub answers and the real sign-in brings one.
 */
const RecordSchema = z.object({
  v: z.literal(1),
  hash: z.string(),
  agent: AgentSchema,
  sip: SipConfigSchema,
  shiftEndsAt: z.string(),
  /** How far the hub's clock was ahead of the seat's at sign-in (hubTime - seat time). */
  hubOffsetMs: z.number(),
});

/** Light argon2id cost: a check at sign-in must not take seconds on an old seat PC. */
const ARGON2_COST = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export type OfflineCheck =
  { ok: true; session: Session } | { ok: false; reason: 'unknown' | 'expired' | 'wrong-password' };

export class OfflineCredentials {
  constructor(
    private readonly store: () => SeatStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps the record of a sign-in the hub accepted. */
  async remember(account: string, password: string, login: LoginResponse): Promise<void> {
    const { password: _sipPassword, ...sip } = login.sip;
    const hubTime = login.hubTime ? Date.parse(login.hubTime) : NaN;
    const record: z.infer<typeof RecordSchema> = {
      v: 1,
      hash: await hash(password.normalize('NFKC'), ARGON2_COST),
      agent: login.agent,
      sip,
      shiftEndsAt: login.shiftEndsAt,
      hubOffsetMs: Number.isFinite(hubTime) ? hubTime - this.now() : 0,
    };
    await this.store().putCredential(key(account), JSON.stringify(record));
  }

  /** Checks a password against the kept record, on the hub's clock as last seen. */
  async check(account: string, password: string): Promise<OfflineCheck> {
    const stored = this.store().credential(key(account));
    const parsed = stored === null ? null : RecordSchema.safeParse(JSON.parse(stored));
    if (!parsed?.success) return { ok: false, reason: 'unknown' };
    const record = parsed.data;
    if (Date.parse(record.shiftEndsAt) <= this.now() + record.hubOffsetMs) {
      return { ok: false, reason: 'expired' };
    }
    if (!(await verify(record.hash, password.normalize('NFKC')))) {
      return { ok: false, reason: 'wrong-password' };
    }
    return { ok: true, session: { agent: record.agent, sip: record.sip, offline: true } };
  }
}

function key(account: string): string {
  return account.trim().toLowerCase();
}
