import { Query } from '@nestjs/cqrs';
import type { UsageTotals } from '../usage-aggregate';
import type { UsageRange, UsageScope } from '../usage-range';

export type UsageDimension = 'provider' | 'model' | 'powerLevel';

export interface UsageBreakdownItem extends UsageTotals {
  readonly provider?: string;
  readonly model?: string;
  readonly powerLevel?: string;
  /** This item's share of all requests and of the charge in the range (0 to 1). */
  readonly shareOfRequests: number;
  readonly shareOfCharge: number;
}

/** By provider, by model (provider and model id) or by power level; most charged first. */
export interface UsageBreakdown {
  readonly from: string;
  readonly to: string;
  readonly userId: string | null;
  readonly dimension: UsageDimension;
  readonly data: readonly UsageBreakdownItem[];
}

export class GetUsageBreakdownQuery extends Query<UsageBreakdown> {
  constructor(
    readonly scope: UsageScope,
    readonly range: UsageRange,
    readonly dimension: UsageDimension,
  ) {
    super();
  }
}
