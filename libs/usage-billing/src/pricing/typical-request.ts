import type { ModelPrices } from '@gw/catalog';
import type { Micros } from '@gw/shared-kernel';
import { chargeFor, type BillingPolicy, type ChargeBasis } from './billing-policy';
import { priceUsage } from './price-usage';

/** A chat request of a typical size, for cost estimates: 1,000 prompt and 500 completion tokens, no cache. */
export interface TypicalRequest {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export const TYPICAL_REQUEST: TypicalRequest = { promptTokens: 1_000, completionTokens: 500 };

/** What such a request would cost the platform and what the caller would be charged. */
export interface TypicalRequestPrice {
  readonly providerCostMicros: Micros;
  readonly chargedMicros: Micros;
}

/**
 * Pure: the price of `request` at the model's prices, charged as a real request would be (the same
 * priceUsage and chargeFor the chat path counts with): cost × power-level multiplier × (1 + tier
 * markup) on the platform's key, the BYOK fee when the caller's own key pays.
 */
export function priceTypicalRequest(
  prices: ModelPrices,
  request: TypicalRequest,
  basis: ChargeBasis,
  policy: BillingPolicy,
): TypicalRequestPrice {
  const cost = priceUsage(prices, {
    promptTokens: request.promptTokens,
    completionTokens: request.completionTokens,
    cachedTokens: 0,
    cacheWriteTokens: 0,
  }).totalMicros;
  return { providerCostMicros: cost, chargedMicros: chargeFor(cost, basis, policy) };
}
