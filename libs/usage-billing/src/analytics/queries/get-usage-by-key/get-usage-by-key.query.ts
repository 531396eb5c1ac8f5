import { Query } from '@nestjs/cqrs';
import type { UsageTotals } from '../usage-aggregate';
import type { UsageRange, UsageScope } from '../usage-range';

/** How the requests of one row were authenticated. */
export type UsageKeyKind = 'key' | 'session' | 'unknown';

export interface UsageByKeyItem extends UsageTotals {
  /** `key`: a gateway key (`apiKeyId`); `session`: signed in (an access token); `unknown`: not recorded. */
  readonly kind: UsageKeyKind;
  readonly apiKeyId: string | null;
  /** This row's share of all requests and of the charge in the range (0 to 1). */
  readonly shareOfRequests: number;
  readonly shareOfCharge: number;
}

/** Usage by the gateway key it was made with; most charged first. */
export interface UsageByKey {
  readonly from: string;
  readonly to: string;
  readonly data: readonly UsageByKeyItem[];
}

export class GetUsageByKeyQuery extends Query<UsageByKey> {
  constructor(
    readonly scope: UsageScope,
    readonly range: UsageRange,
  ) {
    super();
  }
}
