import type { DomainEvent } from '@gw/shared-kernel';

/**
 * A correction of one request's cost and charge after a price fix (`npm run usage:reprice`), appended
 * to the request's own stream: the UsageRecorded before it stays as it was. The last correction of a
 * request is its cost and charge now; the deltas are what it changes against the one before it.
 * Money as decimal strings of integer micro-dollars.
 */
export type UsageRepriced = DomainEvent<
  'UsageRepriced',
  {
    requestId: string;
    userId: string;
    modelId: string;
    /** The model's price version this request is now priced at, and the one before. */
    priceVersion: number;
    previousPriceVersion: number;
    providerCostMicros: string;
    chargedMicros: string;
    previousProviderCostMicros: string;
    previousChargedMicros: string;
    deltaCostMicros: string;
    deltaChargedMicros: string;
    reason: string;
    repricedAt: string;
  }
>;
