/** How many failed sign-ins a key (a username, an address) may have within `windowMs`. */
export interface ThrottleRule {
  readonly maxFailures: number;
  readonly windowMs: number;
}

/** 5 wrong passwords per username and 20 per address in 15 minutes (OWASP's usual order of magnitude). */
export const DEFAULT_LOGIN_THROTTLE = {
  perUsername: { maxFailures: 5, windowMs: 15 * 60_000 },
  perAddress: { maxFailures: 20, windowMs: 15 * 60_000 },
} as const;

/** Keys remembered at most; the oldest go first (an attacker cycling usernames cannot grow it). */
const MAX_KEYS = 10_000;

/**
 * Failed sign-ins per key in a sliding window, in memory (one instance's view: in full mode each
 * gateway instance counts on its own, so N instances allow N times the rule). A key over its rule is
 * refused until its oldest failure leaves the window; that time is the Retry-After.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

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

  recordFailure(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.delete(key);
    this.failures.set(key, recent.slice(-this.rule.maxFailures));
    if (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  /** A successful sign-in clears the username's failures. */
  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.rule.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }
}
