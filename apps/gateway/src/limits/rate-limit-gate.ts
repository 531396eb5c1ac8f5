import type { Counter } from 'prom-client';
import type { Principal } from '@gw/accounts';
import type { RedisFieldGuard } from '@gw/shared-kernel';
import type { LimitDimension, RateLimitDecision, RateLimits, WindowState } from '@gw/limits';
import { REQUEST_DIMENSIONS } from '@gw/limits';
import type { ChatCompletionDto } from '../chat/chat-completion.dto';
import { promptTokenBound } from '@gw/routing';
import type { ErrorResponse, HasErrorResponse } from '../errors/error-response';

/**
 * What a request counts in tokens-per-minute when it is admitted: the prompt's upper bound (the one
 * routing and the budget use: promptTokenBound) plus the output it asks for at most, for each of its
 * `n` choices (`max_completion_tokens ?? max_tokens`, 0 when absent). The real usage is known only
 * later; `RateLimits.recordTokens` corrects for it.
 */
export function admissionTokens(
  dto: Pick<
    ChatCompletionDto,
    'messages' | 'tools' | 'response_format' | 'max_tokens' | 'max_completion_tokens' | 'n'
  >,
  promptTokens: number = promptTokenBound(dto),
): number {
  return promptTokens + Math.max(1, dto.n ?? 1) * (dto.max_completion_tokens ?? dto.max_tokens ?? 0);
}

/**
 * How many tokens to add to the caller's tokens-per-minute window once the real usage is known (negative:
 * given back). An answer whose usage the gateway refused in part (clamped) never gives back below what
 * was admitted, and a count that is not a finite number changes nothing.
 */
export function tokenCorrection(admittedTokens: number, usedTokens: number, clamped: boolean): number {
  const delta = usedTokens - admittedTokens;
  if (!Number.isFinite(delta)) return 0;
  return clamped ? Math.max(0, delta) : delta;
}

/** OpenAI's duration format for x-ratelimit-reset-*: `20ms`, `1s`, `6m0s`, `1h0m0s` (whole seconds from 1 s on, rounded up). */
export function formatReset(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const total = Math.ceil(ms / 1_000);
  const h = Math.floor(total / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}

/** The request window to report: the one that refused, else the one with the least left (the shortest on a tie). */
function reportedRequestWindow(decision: RateLimitDecision): WindowState | undefined {
  const refused = REQUEST_DIMENSIONS.find((d) => decision.refused.includes(d));
  if (refused) return decision.windows[refused];
  let best: WindowState | undefined;
  for (const d of REQUEST_DIMENSIONS) {
    const w = decision.windows[d];
    if (w && (!best || w.remaining < best.remaining)) best = w;
  }
  return best;
}

/** OpenAI's x-ratelimit-* headers for the tightest request window and tpm; unlimited ones are left out. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {};
  const requests = reportedRequestWindow(decision);
  if (requests) {
    headers['x-ratelimit-limit-requests'] = String(requests.limit);
    headers['x-ratelimit-remaining-requests'] = String(requests.remaining);
    headers['x-ratelimit-reset-requests'] = formatReset(requests.resetMs);
  }
  const tokens = decision.windows.tpm;
  if (tokens) {
    headers['x-ratelimit-limit-tokens'] = String(tokens.limit);
    headers['x-ratelimit-remaining-tokens'] = String(tokens.remaining);
    headers['x-ratelimit-reset-tokens'] = formatReset(tokens.resetMs);
  }
  return headers;
}

const WINDOW_WORDS: Record<LimitDimension, string> = {
  rpm: 'requests per minute',
  rph: 'requests per hour',
  rpd: 'requests per day',
  tpm: 'tokens per minute',
};

/** 429 in OpenAI's shape: the caller's tier limit, not a provider failure; nothing was counted. */
export class RateLimitExceededError extends Error implements HasErrorResponse {
  constructor(
    readonly tier: string,
    readonly decision: RateLimitDecision,
    readonly tokens: number,
  ) {
    super(`Rate limit reached: ${decision.refused.join(', ')}`);
  }
  toErrorResponse(): ErrorResponse {
    const seconds = String(Math.max(1, Math.ceil(this.decision.retryAfterMs / 1_000)));
    const parts = this.decision.refused.map((d) => {
      const w = this.decision.windows[d]!;
      return d === 'tpm' && this.tokens > w.limit
        ? `this request counts ${this.tokens} tokens, more than the ${w.limit} ${WINDOW_WORDS[d]} of the ${this.tier} tier`
        : `${w.limit} ${WINDOW_WORDS[d]}`;
    });
    return {
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      message: `Rate limit reached for the ${this.tier} tier: ${parts.join('; ')}. Retry in ${seconds} s.`,
      param: null,
      headers: { 'retry-after': seconds, ...rateLimitHeaders(this.decision) },
    };
  }
}

/** The chat hot path's rate-limit step: one limiter call from memory-held limits, no database. */
export class RateLimitGate {
  constructor(
    private readonly limits: RateLimits,
    private readonly refusals: Counter<'tier' | 'dimension'>,
  ) {}

  /**
   * Once the real usage is known: tokens per minute count what the request used instead of what it
   * was admitted with (its prompt estimate plus the output it asked for at most). Off the answer's
   * path: a failure leaves the admission's count. When the upstream's usage was refused in part
   * (`clamped`), nothing is given back: only more than was admitted is counted.
   */
  correct(principal: Principal, admittedTokens: number, usedTokens: number, clamped = false): void {
    const delta = tokenCorrection(admittedTokens, usedTokens, clamped);
    if (delta === 0) return;
    this.limits.recordTokens(principal.userId, principal.tier, delta).catch(() => undefined);
  }

  /** Admits the request (counted in every window) and returns its x-ratelimit-* headers, or throws a 429. */
  async admit(
    principal: Principal,
    dto: ChatCompletionDto,
    promptTokens?: number,
  ): Promise<Record<string, string>> {
    const tokens = admissionTokens(dto, promptTokens);
    return this.decided(principal, await this.limits.admit(principal.userId, principal.tier, tokens), tokens);
  }

  /**
   * `admit`, sent at once behind the budget's hold on its Redis connection and counted only if the
   * hold is there (no round trip of its own); undefined when it was not decided that way (no shared
   * limiter, Redis unreachable, the hold not in Redis): then `admit` decides.
   */
  async admitBehind(
    principal: Principal,
    dto: ChatCompletionDto,
    guard: RedisFieldGuard,
    promptTokens?: number,
  ): Promise<Record<string, string> | undefined> {
    const tokens = admissionTokens(dto, promptTokens);
    const decision = await this.limits.admitBehind(principal.userId, principal.tier, tokens, guard);
    return decision && this.decided(principal, decision, tokens);
  }

  private decided(principal: Principal, decision: RateLimitDecision, tokens: number): Record<string, string> {
    if (!decision.allowed) {
      for (const dimension of decision.refused) this.refusals.inc({ tier: principal.tier, dimension });
      throw new RateLimitExceededError(principal.tier, decision, tokens);
    }
    return rateLimitHeaders(decision);
  }
}
