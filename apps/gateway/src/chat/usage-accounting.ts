import type { CatalogModel } from '@gw/catalog';
import type { CompletionUsage as ChatCompletionUsage } from '@gw/providers';
import {
  chargeFor,
  priceUsage,
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
