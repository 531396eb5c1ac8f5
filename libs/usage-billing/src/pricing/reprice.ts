import type { ModelPrices } from '@gw/catalog';
import type { PowerLevel, Tier } from '@gw/shared-kernel';
import { chargeFor, type BillingPolicy } from './billing-policy';
import { priceUsage } from './price-usage';
import type { UsageRepriced } from './usage-repriced.events';

/** What a reprice reads of a request's UsageRecorded (the fields of the event it needs). */
export interface RecordedUsage {
  readonly requestId: string;
  readonly userId: string;
  readonly modelId: string;
  readonly powerLevel: PowerLevel;
  readonly keySource: 'platform' | 'byok';
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly cacheWriteTokens?: number;
  readonly cacheWrite1hTokens?: number;
  readonly providerCostMicros: string;
  readonly chargedMicros: string;
  readonly tier?: Tier;
  readonly priceVersion?: number;
  /** Absent: charged before the billing policy existed, at cost. */
  readonly billingPolicyVersion?: number;
}

export interface RepriceInput {
  readonly recorded: RecordedUsage;
  /** Earlier corrections of this request, in order. */
  readonly corrections: readonly UsageRepriced['data'][];
  /** The model's prices now, and their version. */
  readonly prices: ModelPrices;
  readonly priceVersion: number;
  /** The billing policy the request was charged under (its recorded version), unless it had none. */
  readonly policy: BillingPolicy | undefined;
  readonly reason: string;
  readonly at: Date;
}

/**
 * The correction that prices a recorded request at the model's current prices, or undefined when
 * there is nothing to correct: it is already at this price version, or the amounts come out the
 * same. The charge is recomputed under the policy version the request was charged by (the price was
 * wrong, not the policy); a request from before the billing policy was charged at cost and stays so.
 */
export function repriceUsage(input: RepriceInput): UsageRepriced | undefined {
  const { recorded, corrections, prices, priceVersion, policy } = input;
  const last = corrections[corrections.length - 1];
  const previousPriceVersion = last?.priceVersion ?? recorded.priceVersion ?? 1;
  if (previousPriceVersion === priceVersion) return undefined;
  const previousCost = BigInt(last?.providerCostMicros ?? recorded.providerCostMicros);
  const previousCharge = BigInt(last?.chargedMicros ?? recorded.chargedMicros);
  const cost = priceUsage(prices, {
    promptTokens: recorded.promptTokens,
    completionTokens: recorded.completionTokens,
    cachedTokens: recorded.cachedTokens,
    cacheWriteTokens: recorded.cacheWriteTokens ?? 0,
    cacheWrite1hTokens: recorded.cacheWrite1hTokens ?? 0,
  }).totalMicros;
  const charge =
    policy === undefined || recorded.tier === undefined
      ? cost
      : chargeFor(
          cost,
          { powerLevel: recorded.powerLevel, tier: recorded.tier, keySource: recorded.keySource },
          policy,
        );
  if (cost === previousCost && charge === previousCharge) return undefined;
  return {
    type: 'UsageRepriced',
    data: {
      requestId: recorded.requestId,
      userId: recorded.userId,
      modelId: recorded.modelId,
      priceVersion,
      previousPriceVersion,
      providerCostMicros: cost.toString(),
      chargedMicros: charge.toString(),
      previousProviderCostMicros: previousCost.toString(),
      previousChargedMicros: previousCharge.toString(),
      deltaCostMicros: (cost - previousCost).toString(),
      deltaChargedMicros: (charge - previousCharge).toString(),
      reason: input.reason,
      repricedAt: input.at.toISOString(),
    },
  };
}
