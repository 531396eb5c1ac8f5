import type { Redis } from 'ioredis';
import {
  DEFAULT_WINDOWS,
  LIMIT_DIMENSIONS,
  type LimitDimension,
  type WindowLimits,
  type WindowLengths,
} from '../domain/rate-limits';
import type { RateLimitCheck, RateLimitDecision, RateLimiter, WindowState } from '../limiter/rate-limiter';
import { withDeadline, type RedisFieldGuard } from '@gw/shared-kernel';
import { GUARDED_SLIDING_WINDOW_LUA, SLIDING_WINDOW_LUA } from './sliding-window.lua';

/** The key prefix every instance shares (one Redis may serve several deployments: give each its own). */
export const DEFAULT_RATE_LIMIT_PREFIX = 'switchyard:rl:';

type SlidingWindowCommand = (...keysAndArgs: Array<string | number>) => Promise<number[]>;

/**
 * Exact sliding windows in Redis, shared by every gateway instance: one Lua script per request
 * (EVALSHA, so one round trip), time from Redis (a test may pass its own: `now`), keys `<prefix>{<subject>}:req|tok|meta` (one hash
 * slot per subject) expiring with their longest window.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly run: SlidingWindowCommand;
  private readonly runGuarded: SlidingWindowCommand;

  constructor(
    redis: Redis,
    private readonly options: {
      readonly prefix?: string;
      readonly windows?: WindowLengths;
      /** A call without an answer this long fails (withDeadline: a busy event loop is no timeout). */
      readonly deadlineMs?: number;
      /**
       * `checkBehind`'s deadline (default `deadlineMs`). Its answer comes right after the command it
       * follows, which may be slower to answer (queued behind every command sent before it on the
       * connection), so it may wait as long as that one: the budget hold's deadline.
       */
      readonly behindDeadlineMs?: number;
      /**
       * Tests only: the windows' time in ms, sent with each call, instead of Redis's TIME (so a test
       * can move time through them). Production leaves it unset: every instance agrees on Redis's.
       */
      readonly now?: () => number;
    } = {},
  ) {
    if (!('switchyardSlidingWindow' in redis))
      redis.defineCommand('switchyardSlidingWindow', { numberOfKeys: 3, lua: SLIDING_WINDOW_LUA });
    if (!('switchyardSlidingWindowGuarded' in redis))
      redis.defineCommand('switchyardSlidingWindowGuarded', {
        numberOfKeys: 4,
        lua: GUARDED_SLIDING_WINDOW_LUA,
      });
    const commands = redis as unknown as Record<
      'switchyardSlidingWindow' | 'switchyardSlidingWindowGuarded',
      SlidingWindowCommand
    >;
    this.run = commands.switchyardSlidingWindow.bind(redis);
    this.runGuarded = commands.switchyardSlidingWindowGuarded.bind(redis);
  }

  async check({ subject, limits, tokens }: RateLimitCheck): Promise<RateLimitDecision> {
    return this.decisionOf(limits, await this.call(subject, limits, tokens, 'check'));
  }

  /** The check as one script behind the guard (HEXISTS first): issued at once, in call order. */
  async checkBehind(
    { subject, limits, tokens }: RateLimitCheck,
    guard: RedisFieldGuard,
  ): Promise<RateLimitDecision | undefined> {
    const reply = await this.call(subject, limits, tokens, 'check', guard);
    return reply[0] === -1 ? undefined : this.decisionOf(limits, reply);
  }

  private decisionOf(limits: WindowLimits, reply: number[]): RateLimitDecision {
    const windows: Partial<Record<LimitDimension, WindowState>> = {};
    const refused: LimitDimension[] = [];
    let retryAfterMs = 0;
    const allowed = reply[0] === 1;
    LIMIT_DIMENSIONS.forEach((d, i) => {
      const limit = limits[d];
      if (limit === null) return;
      const used = reply[1 + i * 3]!;
      const resetMs = reply[2 + i * 3]!;
      const wait = reply[3 + i * 3]!;
      windows[d] = { limit, remaining: Math.max(0, limit - used), resetMs };
      if (wait > 0) {
        refused.push(d);
        retryAfterMs = Math.max(retryAfterMs, wait);
      }
    });
    return { allowed, windows, refused, retryAfterMs: allowed ? 0 : retryAfterMs };
  }

  async record(subject: string, limits: WindowLimits, tokens: number): Promise<void> {
    if (limits.tpm === null || tokens === 0) return;
    await this.call(subject, limits, tokens, 'record');
  }

  /** The client belongs to the caller, who closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** The keys one subject uses (for tests and the memory note). */
  keysOf(subject: string): [string, string, string] {
    const base = `${this.options.prefix ?? DEFAULT_RATE_LIMIT_PREFIX}{${subject}}`;
    return [`${base}:req`, `${base}:tok`, `${base}:meta`];
  }

  private call(
    subject: string,
    limits: WindowLimits,
    tokens: number,
    mode: 'check' | 'record',
    guard?: RedisFieldGuard,
  ): Promise<number[]> {
    const w = this.options.windows ?? DEFAULT_WINDOWS;
    const [req, tok, meta] = this.keysOf(subject);
    const args = [
      limits.rpm ?? -1,
      limits.rph ?? -1,
      limits.rpd ?? -1,
      limits.tpm ?? -1,
      w.rpm,
      w.rph,
      w.rpd,
      w.tpm,
      Math.trunc(tokens),
      mode,
      this.options.now ? Math.trunc(this.options.now()) : '',
    ];
    const reply = guard
      ? this.runGuarded(req, tok, meta, guard.key, ...args, guard.field)
      : this.run(req, tok, meta, ...args);
    const deadlineMs = (guard && this.options.behindDeadlineMs) || this.options.deadlineMs;
    return deadlineMs === undefined ? reply : withDeadline(reply, deadlineMs);
  }
}
