import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Slows password guessing down, with rate-limiter-flexible's in-memory limiters (one hub
 * process; its counters and blocks expire on their own, no timers of ours). Only failed
 * sign-ins count. Two keys, as OWASP's authentication cheat sheet suggests:
 *
 * - account at address: 5 failures in 15 minutes block that account from that address
 *   for 15 minutes. Someone mistyping at their own seat is stopped, and a stranger
 *   elsewhere cannot lock an agent out of their seat.
 * - address: 30 failures in an hour, over any accounts, block the address for an hour:
 *   one machine trying many accounts.
 *
 * A success clears the account-at-address count. A blocked sign-in gets 429 with
 * Retry-After, before the password is even checked.
 */
export interface LoginThrottleLimits {
  perAccount: { failures: number; windowSec: number; blockSec: number };
  perAddress: { failures: number; windowSec: number; blockSec: number };
}

export const LOGIN_LIMITS: LoginThrottleLimits = {
  perAccount: { failures: 5, windowSec: 15 * 60, blockSec: 15 * 60 },
  perAddress: { failures: 30, windowSec: 60 * 60, blockSec: 60 * 60 },
};

function limiter(limit: LoginThrottleLimits['perAccount'], prefix: string): RateLimiterMemory {
  return new RateLimiterMemory({
    keyPrefix: prefix,
    // The limiter blocks once more than `points` are consumed: the last allowed failure
    // is the one that starts the block.
    points: limit.failures - 1,
    duration: limit.windowSec,
    blockDuration: limit.blockSec,
  });
}

export class LoginThrottle {
  private readonly perAccount: RateLimiterMemory;
  private readonly perAddress: RateLimiterMemory;

  constructor(limits: LoginThrottleLimits = LOGIN_LIMITS) {
    this.perAccount = limiter(limits.perAccount, 'login-account');
    this.perAddress = limiter(limits.perAddress, 'login-address');
  }

  /** Milliseconds until the pair may try again; 0 when it may try now. */
  async waitMs(account: string, address: string): Promise<number> {
    const [byAccount, byAddress] = await Promise.all([
      this.perAccount.get(accountKey(account, address)),
      this.perAddress.get(address),
    ]);
    return Math.max(blockedFor(byAccount, this.perAccount), blockedFor(byAddress, this.perAddress));
  }

  /** Counts a failure; answers the wait it now faces (0 while under both limits). */
  async failed(account: string, address: string): Promise<number> {
    const results = await Promise.all([
      consume(this.perAccount, accountKey(account, address)),
      consume(this.perAddress, address),
    ]);
    return Math.max(...results);
  }

  async succeeded(account: string, address: string): Promise<void> {
    await this.perAccount.delete(accountKey(account, address));
  }
}

function accountKey(account: string, address: string): string {
  return `${account.toLowerCase()}@${address}`;
}

function blockedFor(res: RateLimiterRes | null, rl: RateLimiterMemory): number {
  return res !== null && res.consumedPoints > rl.points ? res.msBeforeNext : 0;
}

/** Consumes one point; the wait when that went over the limit (the block starts). */
async function consume(rl: RateLimiterMemory, key: string): Promise<number> {
  try {
    await rl.consume(key);
    return 0;
  } catch (error) {
    if (error instanceof RateLimiterRes) return error.msBeforeNext;
    throw error;
  }
}
