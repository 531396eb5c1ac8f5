import type { ProviderRateLimit } from '../domain/routing-policy';

/** The sliding window's buckets: 12 × 5 s = the last minute (the current bucket included). */
export const LOAD_BUCKETS = 12;
export const LOAD_BUCKET_MS = 5_000;

/** One provider's window: per bucket, the requests and tokens, and which 5 s period it holds. */
interface ProviderWindow {
  readonly requests: Float64Array;
  readonly tokens: Float64Array;
  /** The bucket's period number (floor(ms / LOAD_BUCKET_MS)); -1 never used. */
  readonly periods: Float64Array;
}

/** How loaded a provider's platform account is, relative to the policy's per-minute limits. */
export interface ProviderLoadView {
  /**
   * max(requests / rpm, tokens / tpm) over the last minute before `nowMs` (default: the view's own
   * clock); 0 when the limit names neither.
   */
  utilization(provider: string, limit: ProviderRateLimit, nowMs?: number): number;
}

/**
 * Requests and tokens each provider's platform key was sent in the last minute, in fixed buckets
 * (12 × 5 s): recording and reading allocate nothing once a provider has its window (one per
 * provider, made the first time it is seen). In memory, per gateway instance: it ranks a provider
 * lower before its account answers 429, it is not a quota.
 */
export class ProviderLoadTracker implements ProviderLoadView {
  private readonly windows = new Map<string, ProviderWindow>();

  constructor(private readonly now: () => number = Date.now) {}

  /** One upstream call to `provider` on the platform's key, with the tokens it used (0: failed). */
  record(provider: string, tokens: number, nowMs: number = this.now()): void {
    const period = Math.floor(nowMs / LOAD_BUCKET_MS);
    const slot = period % LOAD_BUCKETS;
    const w = this.windowOf(provider);
    if (w.periods[slot] !== period) {
      w.periods[slot] = period;
      w.requests[slot] = 0;
      w.tokens[slot] = 0;
    }
    w.requests[slot]! += 1;
    w.tokens[slot]! += tokens > 0 ? tokens : 0;
  }

  /** Requests and tokens in the last minute (the buckets of the last 12 periods, this one included). */
  requestsInWindow(provider: string, nowMs: number = this.now()): number {
    return this.sum(provider, nowMs, 'requests');
  }

  tokensInWindow(provider: string, nowMs: number = this.now()): number {
    return this.sum(provider, nowMs, 'tokens');
  }

  utilization(provider: string, limit: ProviderRateLimit, nowMs: number = this.now()): number {
    const w = this.windows.get(provider);
    if (!w) return 0;
    let u = 0;
    if (limit.rpm !== undefined && limit.rpm > 0) u = this.sum(provider, nowMs, 'requests') / limit.rpm;
    if (limit.tpm !== undefined && limit.tpm > 0)
      u = Math.max(u, this.sum(provider, nowMs, 'tokens') / limit.tpm);
    return u;
  }

  private sum(provider: string, nowMs: number, field: 'requests' | 'tokens'): number {
    const w = this.windows.get(provider);
    if (!w) return 0;
    const period = Math.floor(nowMs / LOAD_BUCKET_MS);
    const values = w[field];
    let total = 0;
    for (let slot = 0; slot < LOAD_BUCKETS; slot++) {
      const p = w.periods[slot]!;
      if (p > period - LOAD_BUCKETS && p <= period) total += values[slot]!;
    }
    return total;
  }

  private windowOf(provider: string): ProviderWindow {
    let w = this.windows.get(provider);
    if (!w) {
      w = {
        requests: new Float64Array(LOAD_BUCKETS),
        tokens: new Float64Array(LOAD_BUCKETS),
        periods: new Float64Array(LOAD_BUCKETS).fill(-1),
      };
      this.windows.set(provider, w);
    }
    return w;
  }
}

/**
 * The ranking's rate-limit penalty for a utilization u: none below 0.8, then (u − 0.8) / 0.2 up to
 * 1 at the limit (at and past it the candidate also goes behind every one under its limit).
 */
export const rateLimitPenalty = (u: number): number => (u < 0.8 ? 0 : u >= 1 ? 1 : (u - 0.8) / 0.2);
