import { Query } from '@nestjs/cqrs';
import type { UsageTotals } from '../usage-aggregate';
import type { UsageRange } from '../usage-range';

/** Default and largest number of users in a by-user answer. */
export const DEFAULT_TOP_USERS = 20;
export const MAX_TOP_USERS = 100;

export interface UsageByUserItem extends UsageTotals {
  readonly userId: string;
  /** What the platform kept: charged − provider cost, integer micro-dollars (negative: a loss). */
  readonly marginMicros: string;
  /** Margin over charge (0 to 1, negative for a loss, 6 decimals); null when nothing was charged. */
  readonly marginRate: number | null;
  /** This user's share of all requests and of the charge in the range (0 to 1). */
  readonly shareOfRequests: number;
  readonly shareOfCharge: number;
}

/** Every user's usage (admin): the top spenders, most charged first. */
export interface UsageByUser {
  readonly from: string;
  readonly to: string;
  /** Users with usage in the range (the answer holds the first `limit` of them). */
  readonly totalUsers: number;
  readonly data: readonly UsageByUserItem[];
}

export class GetUsageByUserQuery extends Query<UsageByUser> {
  constructor(
    readonly range: UsageRange,
    readonly limit: number,
  ) {
    super();
  }
}
