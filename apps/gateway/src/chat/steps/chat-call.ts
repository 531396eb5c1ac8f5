import type { Logger } from 'pino';
import type { Principal, TierPolicy } from '@gw/accounts';
import type { RedisFieldGuard, Clock } from '@gw/shared-kernel';
import type { BudgetGate } from '../../billing/budget-gate';
import type { GatewayMetrics } from '../../metrics/gateway-metrics';
import type { ChatCompletionDto } from '../chat-completion.dto';
import type { ChatContext } from '../chat-context';
import type { UserKeyRing } from '../byok-keys';
import type { RequestRecorder } from '../request-recorder';
import type { StepTimer } from './step-timer';

/** The chat route's pattern as Fastify matches it (its authenticate step is timed by GatewayKeyGuard). */
export const CHAT_ROUTE = '/v1/chat/completions';

export interface ChatCall {
  readonly principal: Principal;
  readonly dto: ChatCompletionDto;
  /** The body as the client sent it: unknown fields pass through to the upstream. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly requestId: string;
  readonly powerLevelHeader?: string;
  /** The `x-switchyard-use-case` header (routing's use-case chain). */
  readonly useCaseHeader?: string;
  readonly signal: AbortSignal;
  /**
   * An upper bound on the prompt's tokens (promptTokenBound), computed once per request: the routing,
   * rate-limit and budget steps share it; absent: computed here.
   */
  readonly promptTokens?: number;
  /** Streams: every SSE text written is also pushed here (an Idempotency-Key's stored answer). */
  readonly transcript?: string[];
  /**
   * Told the tokens an answered request used (prompt + completion), e.g. to correct tokens per minute;
   * `clamped`: the upstream's usage was refused in part (then nothing may be given back).
   */
  readonly onUsage?: (tokens: number, clamped: boolean) => void;
  /**
   * The tier's rate limits: asked once the budget holds the request (a request refused for money
   * takes no rate-limit slot), before any upstream call; throws the 429, else gives the
   * x-ratelimit-* headers.
   */
  readonly admit?: () => Promise<Readonly<Record<string, string>>>;
  /**
   * The same step sent behind the budget's hold on its Redis connection (no round trip of its own),
   * counted only if the hold is there; undefined when it was not decided that way (then `admit`).
   */
  readonly admitBehind?: (guard: RedisFieldGuard) => Promise<Readonly<Record<string, string>> | undefined>;
  /**
   * The request's step clock, started by the HTTP layer (its validate step already observed); absent:
   * the pipeline starts one when it begins.
   */
  readonly steps?: StepTimer;
}

export type LimitHeaders = Readonly<Record<string, string>>;

/** What the pipeline's steps talk to: built once, when the service is. */
export interface ChatDeps {
  readonly context: ChatContext;
  readonly recorder: RequestRecorder;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly keys: UserKeyRing;
  /** Which power levels each tier may use (the access directory's, fed from the log). */
  readonly tierPolicy: () => TierPolicy;
  /** Balances and spending caps; absent (unit tests): nothing is held or refused. */
  readonly budget: BudgetGate | undefined;
}

/** No user keys at all (a gateway without the keys feed, unit tests). */
export const NO_KEYS: UserKeyRing = {
  routingKeys: () => new Map(),
  apiKey: () => undefined,
  used: () => undefined,
  rejected: () => undefined,
};
