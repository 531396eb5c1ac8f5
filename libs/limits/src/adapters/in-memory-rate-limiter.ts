import { systemClock, type Clock } from '@gw/shared-kernel';
import {
  DEFAULT_WINDOWS,
  REQUEST_DIMENSIONS,
  type LimitDimension,
  type WindowLimits,
  type WindowLengths,
} from '../domain/rate-limits';
import type { RateLimitCheck, RateLimitDecision, RateLimiter, WindowState } from '../limiter/rate-limiter';

/** Admission times (ms) in order, from `head` on; the dead prefix is dropped when it is half the array. */
class TimeLog {
  times: number[] = [];
  weights: number[] = [];
  head = 0;
  sum = 0;

  get size(): number {
    return this.times.length - this.head;
  }
  /** Index of the first entry newer than `after` (binary search). */
  firstAfter(after: number): number {
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! > after) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
  /** Drops every entry at or before `upTo`. */
  prune(upTo: number): void {
    const first = this.firstAfter(upTo);
    for (let i = this.head; i < first; i++) this.sum -= this.weights[i]!;
    this.head = first;
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.weights = this.weights.slice(this.head);
      this.head = 0;
    }
  }
  push(at: number, weight: number): void {
    this.times.push(at);
    this.weights.push(weight);
    this.sum += weight;
  }
  clear(): void {
    this.times = [];
    this.weights = [];
    this.head = 0;
    this.sum = 0;
  }
}

interface SubjectLogs {
  readonly requests: TimeLog;
  readonly tokens: TimeLog;
  /** When every log of this subject is empty for good (swept then). */
  expiresAt: number;
}

/** Where in-memory limiters keep their logs; two limiters over one store count together. */
export type InMemoryRateLimitStore = Map<string, SubjectLogs>;

const SWEEP_EVERY = 1_024;

/**
 * Exact sliding windows in memory: a log of admission times per subject (one log serves rpm, rph
 * and rpd; counts by binary search) and a log of token counts with a running sum. Embedded mode's
 * limiter, and the per-instance fallback when Redis is unreachable. Synchronous inside, so a check
 * and its consumption are atomic on the event loop.
 */
export class InMemoryRateLimiter implements RateLimiter {
  private checks = 0;

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly windows: WindowLengths = DEFAULT_WINDOWS,
    private readonly store: InMemoryRateLimitStore = new Map(),
  ) {}

  check(request: RateLimitCheck): Promise<RateLimitDecision> {
    return Promise.resolve(this.decide(request));
  }

  /** Synchronous check (the same as `check`), for callers that want no promise. */
  decide({ subject, limits, tokens }: RateLimitCheck): RateLimitDecision {
    const now = this.clock.now().getTime();
    this.sweep(now);
    const logs = this.logsOf(subject, now, limits);
    const windows: Partial<Record<LimitDimension, WindowState>> = {};
    const refused: LimitDimension[] = [];
    let retryAfterMs = 0;
    const { requests, tokens: tokenLog } = logs;
    for (const d of REQUEST_DIMENSIONS) {
      const limit = limits[d];
      if (limit === null) continue;
      const w = this.windows[d];
      const first = requests.firstAfter(now - w);
      const count = requests.times.length - first;
      const resetMs = count > 0 ? requests.times[first]! + w - now : 0;
      if (count + 1 > limit) {
        refused.push(d);
        // The (count - limit)-th counted request must leave the window before one more fits.
        const wait = limit === 0 ? w : requests.times[first + count - limit]! + w - now;
        retryAfterMs = Math.max(retryAfterMs, wait);
      }
      windows[d] = { limit, remaining: Math.max(0, limit - count), resetMs };
    }
    const tpm = limits.tpm;
    if (tpm !== null) {
      const w = this.windows.tpm;
      const used = Math.max(0, tokenLog.sum);
      const resetMs = tokenLog.size > 0 ? tokenLog.times[tokenLog.head]! + w - now : 0;
      if (used + tokens > tpm) {
        refused.push('tpm');
        retryAfterMs = Math.max(
          retryAfterMs,
          this.tokenWait(tokenLog, used + tokens - tpm, tokens > tpm, now),
        );
      }
      windows.tpm = { limit: tpm, remaining: Math.max(0, tpm - used), resetMs };
    }
    if (refused.length > 0) return { allowed: false, windows, refused, retryAfterMs };
    // Allowed: count it everywhere.
    if (REQUEST_DIMENSIONS.some((d) => limits[d] !== null)) requests.push(now, 1);
    if (tpm !== null && tokens !== 0) tokenLog.push(now, tokens);
    for (const d of REQUEST_DIMENSIONS) {
      const state = windows[d];
      if (state) windows[d] = consumed(state, 1, this.windows[d]);
    }
    if (windows.tpm && tokens !== 0) windows.tpm = consumed(windows.tpm, tokens, this.windows.tpm);
    return { allowed: true, windows, refused, retryAfterMs: 0 };
  }

  record(subject: string, limits: WindowLimits, tokens: number): Promise<void> {
    if (limits.tpm !== null && tokens !== 0) {
      const now = this.clock.now().getTime();
      this.logsOf(subject, now, limits).tokens.push(now, tokens);
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.store.clear();
    return Promise.resolve();
  }

  /** Subjects held (for tests and the memory note). */
  subjects(): number {
    return this.store.size;
  }

  private logsOf(subject: string, now: number, limits: WindowLimits): SubjectLogs {
    let logs = this.store.get(subject);
    if (!logs) {
      logs = { requests: new TimeLog(), tokens: new TimeLog(), expiresAt: 0 };
      this.store.set(subject, logs);
    }
    // Requests are kept for the longest limited request window, tokens for the token window.
    const keep = Math.max(
      0,
      ...REQUEST_DIMENSIONS.filter((d) => limits[d] !== null).map((d) => this.windows[d]),
    );
    if (keep === 0) logs.requests.clear();
    else logs.requests.prune(now - keep);
    if (limits.tpm === null) logs.tokens.clear();
    else logs.tokens.prune(now - this.windows.tpm);
    logs.expiresAt = now + Math.max(keep, this.windows.tpm);
    return logs;
  }

  /** Ms until enough token uses leave the window to free `needed`; the whole window for a request above the limit. */
  private tokenWait(log: TimeLog, needed: number, neverFits: boolean, now: number): number {
    const w = this.windows.tpm;
    if (neverFits) return w;
    let freed = 0;
    for (let i = log.head; i < log.times.length; i++) {
      freed += log.weights[i]!;
      if (freed >= needed) return log.times[i]! + w - now;
    }
    return w;
  }

  /** Every SWEEP_EVERY checks, subjects whose logs have all expired are dropped. */
  private sweep(now: number): void {
    if (++this.checks % SWEEP_EVERY !== 0) return;
    for (const [subject, logs] of this.store) if (logs.expiresAt <= now) this.store.delete(subject);
  }
}

/** A window after this request was counted in it. */
const consumed = (state: WindowState, amount: number, window: number): WindowState => ({
  limit: state.limit,
  remaining: Math.max(0, state.remaining - amount),
  resetMs: state.resetMs > 0 ? state.resetMs : window,
});
