/** How many failed sign-ins a key (a username, an address) may have within `windowMs`. */
export interface ThrottleRule {
  readonly maxFailures: number;
  readonly windowMs: number;
}

export interface SignInThrottleRules {
  /** One username from one address: the guesser at the keyboard. */
  readonly perUsernameAndAddress: ThrottleRule;
  /** One address, whatever the username: a guesser cycling usernames. */
  readonly perAddress: ThrottleRule;
  /**
   * One username from every address: guessing spread over many addresses. Slower and larger, so a
   * streak from elsewhere does not lock the owner out of their own account at once.
   */
  readonly perUsername: ThrottleRule;
}

/**
 * 5 wrong passwords per username and address and 20 per address in 15 minutes (OWASP's usual order
 * of magnitude); 100 per username in an hour from all addresses together.
 */
export const DEFAULT_LOGIN_THROTTLE: SignInThrottleRules = {
  perUsernameAndAddress: { maxFailures: 5, windowMs: 15 * 60_000 },
  perAddress: { maxFailures: 20, windowMs: 15 * 60_000 },
  perUsername: { maxFailures: 100, windowMs: 60 * 60_000 },
};

/** Keys remembered at most; the oldest go first (an attacker cycling usernames cannot grow it). */
const MAX_KEYS = 10_000;

/**
 * Attempts per key in a sliding window, in memory (one instance's view: full mode shares them through
 * Redis instead, RedisSignInThrottle). An attempt takes its slot
 * before the password is checked (`take`), and counts as a failure unless it is given back
 * (`giveBack`, a right password): so however many attempts arrive at once, at most `maxFailures`
 * passwords are checked. A key over its rule is refused until its oldest attempt leaves the window;
 * that time is the Retry-After.
 */
export class LoginThrottle {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly rule: ThrottleRule,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may try again, or 0 when it may now. */
  retryAfterMs(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.rule.maxFailures) return 0;
    return Math.max(1, recent[recent.length - this.rule.maxFailures]! + this.rule.windowMs - this.now());
  }

  /** Counts an attempt now (a failure until given back); returns its time, to give it back by. */
  take(key: string): number {
    const at = this.now();
    const recent = this.recent(key);
    recent.push(at);
    this.attempts.delete(key);
    this.attempts.set(key, recent.slice(-this.rule.maxFailures));
    if (this.attempts.size > MAX_KEYS) this.attempts.delete(this.attempts.keys().next().value!);
    return at;
  }

  /** An attempt that succeeded does not count. */
  giveBack(key: string, at: number): void {
    const recent = this.attempts.get(key);
    const i = recent?.indexOf(at) ?? -1;
    if (i >= 0) recent!.splice(i, 1);
  }

  /** Forgets every attempt of `key`. */
  reset(key: string): void {
    this.attempts.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.rule.windowMs;
    return (this.attempts.get(key) ?? []).filter((t) => t > since);
  }
}

/** A sign-in attempt that holds its slots: say how the password check went. */
export interface SignInAttempt {
  /** The right password: the attempt is given back, and the username's streak from this address ends. */
  succeeded(): void;
  /** A wrong password or unknown user: the attempt stays counted (nothing more to do). */
  failed(): void;
}

export type SignInAdmission =
  | { readonly admitted: true; readonly attempt: SignInAttempt }
  | { readonly admitted: false; readonly retryAfterMs: number };

/**
 * The decision in front of every password check, in this instance's memory (SignInThrottle,
 * embedded mode) or shared by every instance (RedisSignInThrottle, full mode).
 */
export interface SignInGate {
  /** `username` as normalised by the caller (case, spaces); `address` the client's (TRUSTED_PROXIES). */
  admit(username: string, address: string): SignInAdmission | Promise<SignInAdmission>;
}

/**
 * The decision in front of every password check: per (username, address), per address and, slower,
 * per username. `admit` checks all three and takes a slot in each in one synchronous step, so
 * concurrent attempts cannot all pass the check before any of them is counted. A success clears the
 * (username, address) streak only: a guesser with one valid account of their own cannot reset their
 * address's count by signing into it.
 */
export class SignInThrottle implements SignInGate {
  private readonly perUsernameAndAddress: LoginThrottle;
  private readonly perAddress: LoginThrottle;
  private readonly perUsername: LoginThrottle;

  constructor(rules: SignInThrottleRules = DEFAULT_LOGIN_THROTTLE, now: () => number = Date.now) {
    this.perUsernameAndAddress = new LoginThrottle(rules.perUsernameAndAddress, now);
    this.perAddress = new LoginThrottle(rules.perAddress, now);
    this.perUsername = new LoginThrottle(rules.perUsername, now);
  }

  /** `username` as normalised by the caller (case, spaces); `address` the client's (TRUSTED_PROXIES). */
  admit(username: string, address: string): SignInAdmission {
    const both = `${address} ${username}`;
    const retryAfterMs = Math.max(
      this.perUsernameAndAddress.retryAfterMs(both),
      this.perAddress.retryAfterMs(address),
      this.perUsername.retryAfterMs(username),
    );
    if (retryAfterMs > 0) return { admitted: false, retryAfterMs };
    const taken = {
      both: this.perUsernameAndAddress.take(both),
      address: this.perAddress.take(address),
      username: this.perUsername.take(username),
    };
    return {
      admitted: true,
      attempt: {
        succeeded: () => {
          this.perUsernameAndAddress.reset(both);
          this.perAddress.giveBack(address, taken.address);
          this.perUsername.giveBack(username, taken.username);
        },
        failed: () => undefined,
      },
    };
  }
}
