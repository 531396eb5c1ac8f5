import type { RedisFieldGuard } from '@gw/shared-kernel';
import type { WindowLimits } from '../domain/rate-limits';
import type { RateLimitCheck, RateLimitDecision, RateLimiter } from '../limiter/rate-limiter';

/** Told once when an outage starts and once when it ends (logs, the degraded gauge). */
export interface FallbackObserver {
  degraded(error: Error): void;
  recovered(): void;
}

/**
 * The shared limiter (Redis) when it answers, else a per-instance one with the same limits — never
 * unlimited. `available()` says whether the shared one is worth trying (ioredis: connected), so an
 * outage costs no waiting per request; a command that fails or times out (the client's bounded
 * command timeout) is answered by the fallback too.
 */
export class FallbackRateLimiter implements RateLimiter {
  private isDegraded = false;

  constructor(
    private readonly primary: RateLimiter,
    private readonly fallback: RateLimiter,
    private readonly available: () => boolean,
    private readonly observer: FallbackObserver,
  ) {}

  get degraded(): boolean {
    return this.isDegraded;
  }

  async check(request: RateLimitCheck): Promise<RateLimitDecision> {
    if (this.available()) {
      try {
        const decision = await this.primary.check(request);
        this.up();
        return decision;
      } catch (e) {
        this.down(e);
      }
    } else this.down(new Error('not connected'));
    return this.fallback.check(request);
  }

  /**
   * The shared limiter's guarded check when it is worth trying; undefined otherwise, or when it
   * fails (then the caller asks `check`, which answers from the fallback).
   */
  async checkBehind(request: RateLimitCheck, guard: RedisFieldGuard): Promise<RateLimitDecision | undefined> {
    if (!this.primary.checkBehind || !this.available()) return undefined;
    try {
      const decision = await this.primary.checkBehind(request, guard);
      this.up();
      return decision;
    } catch (e) {
      this.down(e);
      return undefined;
    }
  }

  async record(subject: string, limits: WindowLimits, tokens: number): Promise<void> {
    if (this.available()) {
      try {
        await this.primary.record(subject, limits, tokens);
        this.up();
        return;
      } catch (e) {
        this.down(e);
      }
    } else this.down(new Error('not connected'));
    await this.fallback.record(subject, limits, tokens);
  }

  async close(): Promise<void> {
    await this.primary.close();
    await this.fallback.close();
  }

  private down(e: unknown): void {
    if (this.isDegraded) return;
    this.isDegraded = true;
    this.observer.degraded(e instanceof Error ? e : new Error(String(e)));
  }

  private up(): void {
    if (!this.isDegraded) return;
    this.isDegraded = false;
    this.observer.recovered();
  }
}
