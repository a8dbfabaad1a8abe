import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Slows password guessing down, with rate-limiter-flexible's in-memory limiters (one hub
 * process; its counters and blocks expire on their own, no timers of ours). Only failed
 * sign-ins count. Two keys, as OWASP's authentication cheat sheet suggests:
 *
 * - account at address: 5 failures in 15 minutes block that account from that address
 *   for 15 minutes. Someone mistyping at their own seat is stopped, and a stranger
 *   elsewhere cannot lock an agent out of their seat.
 * - address: past 30 failures in an hour, over any accounts, the address is suspect:
 *   while it is, an account that has failed from there (in its 15-minute window) gets
 *   no further try until that failure ages out; an account that has not failed is still
 *   checked, so the right password signs in.
 *
 * Why not block the whole address, as before: a call centre's 300 seats sit behind one
 * or two NAT addresses, so one attacker or a few agents' typos locked the whole floor
 * out for an hour, right password or not. With this rule a sprayer at that address gets
 * at most one guess per account name per 15 minutes once past the 30, and the agents who
 * did not mistype are never refused. (A trusted-network exemption was the other choice;
 * it needs the floor's addresses configured right and leaves them no address limit.)
 *
 *   address:  counting --31st failure--> suspect --failures age out of the hour--> counting
 *   account@address:  free --failure--> failed --4 more--> blocked 15 min
 *                       ^--- success, or the failures age out ---/
 *
 * A refused sign-in gets 429 with Retry-After, before the password is even checked. A
 * success clears the account-at-address count.
 */
export interface LoginThrottleLimits {
  perAccount: { failures: number; windowSec: number; blockSec: number };
  /** Failures from one address, over any accounts, after which it is suspect. */
  perAddress: { failures: number; windowSec: number };
}

export const LOGIN_LIMITS: LoginThrottleLimits = {
  perAccount: { failures: 5, windowSec: 15 * 60, blockSec: 15 * 60 },
  perAddress: { failures: 30, windowSec: 60 * 60 },
};

export class LoginThrottle {
  private readonly perAccount: RateLimiterMemory;
  private readonly perAddress: RateLimiterMemory;

  constructor(limits: LoginThrottleLimits = LOGIN_LIMITS) {
    this.perAccount = new RateLimiterMemory({
      keyPrefix: 'login-account',
      // The limiter blocks once more than `points` are consumed: the last allowed failure
      // is the one that starts the block.
      points: limits.perAccount.failures - 1,
      duration: limits.perAccount.windowSec,
      blockDuration: limits.perAccount.blockSec,
    });
    // Counts only: being over it makes the address suspect, it blocks nobody by itself.
    this.perAddress = new RateLimiterMemory({
      keyPrefix: 'login-address',
      points: limits.perAddress.failures,
      duration: limits.perAddress.windowSec,
    });
  }

  /** Milliseconds until the pair may try again; 0 when it may try now. */
  async waitMs(account: string, address: string): Promise<number> {
    const [byAccount, byAddress] = await Promise.all([
      this.perAccount.get(accountKey(account, address)),
      this.perAddress.get(address),
    ]);
    if (byAccount === null) return 0;
    if (byAccount.consumedPoints > this.perAccount.points) return byAccount.msBeforeNext;
    const suspect = byAddress !== null && byAddress.consumedPoints > this.perAddress.points;
    return suspect && byAccount.consumedPoints > 0 ? byAccount.msBeforeNext : 0;
  }

  /** Counts a failure; answers the wait the pair now faces (0 when it may try again). */
  async failed(account: string, address: string): Promise<number> {
    await Promise.all([
      consume(this.perAccount, accountKey(account, address)),
      consume(this.perAddress, address),
    ]);
    return this.waitMs(account, address);
  }

  /** Whether the address is past its failure limit: worth a warning in the log. */
  async isSuspect(address: string): Promise<boolean> {
    const byAddress = await this.perAddress.get(address);
    return byAddress !== null && byAddress.consumedPoints > this.perAddress.points;
  }

  async succeeded(account: string, address: string): Promise<void> {
    await this.perAccount.delete(accountKey(account, address));
  }
}

function accountKey(account: string, address: string): string {
  return `${account.toLowerCase()}@${address}`;
}

/** Consumes one point; going over the limit is what the counts are for, not an error. */
async function consume(rl: RateLimiterMemory, key: string): Promise<void> {
  try {
    await rl.consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
  }
}
