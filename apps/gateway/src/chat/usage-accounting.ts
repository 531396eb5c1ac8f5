import type { CatalogModel } from '@gw/catalog';
import type { CompletionUsage as ChatCompletionUsage } from '@gw/providers';
import {
  chargeFor,
  priceUsage,
  sanitizeUpstreamUsage,
  type BillableUsage,
  type BillingPolicyState,
  type ChargeBasis,
  type TokenUsage,
} from '@gw/usage-billing';

export interface CountedUsage extends Required<TokenUsage> {
  /** Of completionTokens, those spent reasoning (as the provider reports them; 0 when it does not). */
  readonly reasoningTokens: number;
  readonly providerCostMicros: bigint;
  readonly chargedMicros: bigint;
  /** The model's price version and the billing policy's version this was priced and charged at. */
  readonly priceVersion: number;
  readonly billingPolicyVersion: number;
}

/** The provider's usage (OpenAI's shape, as every adapter reports it) as the billing context counts it. */
export function tokenUsageOf(usage: ChatCompletionUsage): Required<TokenUsage> & { reasoningTokens: number } {
  const details = usage.prompt_tokens_details;
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    cachedTokens: details?.cached_tokens ?? 0,
    cacheWriteTokens: details?.cache_write_tokens ?? 0,
    cacheWrite1hTokens: details?.cache_write_1h_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

/** The usage a request is counted at, and how it was known. */
export interface UsageToCount {
  readonly usage: ChatCompletionUsage;
  /** The upstream reported no usage (or no object at all): the gateway's tokenizer counted. */
  readonly estimated: boolean;
  /** The upstream's usage had fields that were refused (sanitizeUpstreamUsage): the answer is flagged. */
  readonly clamped: boolean;
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A sanitized usage in OpenAI's shape (what the client's usage chunk shows and what is counted). */
function completionUsageOf(usage: BillableUsage): ChatCompletionUsage {
  const { promptTokens, completionTokens, cachedTokens, cacheWriteTokens, cacheWrite1hTokens } = usage;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    ...((cachedTokens > 0 || cacheWriteTokens > 0) && {
      prompt_tokens_details: {
        cached_tokens: cachedTokens,
        ...(cacheWriteTokens > 0 && { cache_write_tokens: cacheWriteTokens }),
        ...(cacheWrite1hTokens > 0 && { cache_write_1h_tokens: cacheWrite1hTokens }),
      },
    }),
    ...(usage.reasoningTokens > 0 && {
      completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    }),
  };
}

/**
 * The usage to count for an answer: what the upstream reported, checked field by field (an upstream,
 * above all a user's own endpoint, is untrusted input: a negative or absurd count would pay the
 * caller or lift their tokens per minute), or the estimate where it was absent or refused.
 * `estimate` runs only when needed (it tokenizes the answer). A report that passes is returned as it
 * came, so the client's usage chunk is unchanged.
 */
export function usageToCount(reported: unknown, estimate: () => ChatCompletionUsage): UsageToCount {
  if (reported === undefined || reported === null)
    return { usage: estimate(), estimated: true, clamped: false };
  const u = isRecord(reported) ? reported : {};
  const prompt = isRecord(u.prompt_tokens_details) ? u.prompt_tokens_details : {};
  const completion = isRecord(u.completion_tokens_details) ? u.completion_tokens_details : {};
  const checked = sanitizeUpstreamUsage(
    {
      promptTokens: u.prompt_tokens,
      completionTokens: u.completion_tokens,
      cachedTokens: prompt.cached_tokens,
      cacheWriteTokens: prompt.cache_write_tokens,
      cacheWrite1hTokens: prompt.cache_write_1h_tokens,
      reasoningTokens: completion.reasoning_tokens,
    },
    () => {
      const e = estimate();
      return { promptTokens: e.prompt_tokens, completionTokens: e.completion_tokens };
    },
  );
  if (!checked.clamped) return { usage: reported as ChatCompletionUsage, estimated: false, clamped: false };
  return { usage: completionUsageOf(checked.usage), estimated: !isRecord(reported), clamped: true };
}

/**
 * One request's usage, priced at the model's prices and charged under the billing policy in force
 * (both pure, in libs/usage-billing): provider cost, then cost × multiplier × (1 + markup), or the
 * BYOK fee when the caller's key paid.
 */
export function countUsage(
  model: CatalogModel,
  usage: ChatCompletionUsage,
  basis: ChargeBasis,
  billing: BillingPolicyState,
): CountedUsage {
  const tokens = tokenUsageOf(usage);
  const cost = priceUsage(model.prices, tokens).totalMicros;
  return {
    ...tokens,
    providerCostMicros: cost,
    chargedMicros: chargeFor(cost, basis, billing.policy),
    priceVersion: model.priceVersion ?? 1,
    billingPolicyVersion: billing.version,
  };
}
