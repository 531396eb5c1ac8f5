import { Query } from '@nestjs/cqrs';
import type { UsageTotals } from '../usage-aggregate';
import type { UsageRange, UsageScope } from '../usage-range';

export interface KeySourceShare extends UsageTotals {
  /** This key source's share of all requests, and of the provider cost (0 to 1). */
  readonly shareOfRequests: number;
  readonly shareOfCost: number;
}

export interface UsageSummary extends UsageTotals {
  readonly from: string;
  readonly to: string;
  /** The user the answer is about; null for every user together (admin). */
  readonly userId: string | null;
  /** Requests paid with the caller's own provider keys vs the platform's. */
  readonly byok: KeySourceShare;
  readonly platform: KeySourceShare;
}

export class GetUsageSummaryQuery extends Query<UsageSummary> {
  constructor(
    readonly scope: UsageScope,
    readonly range: UsageRange,
  ) {
    super();
  }
}
