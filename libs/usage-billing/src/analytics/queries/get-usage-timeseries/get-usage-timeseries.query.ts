import { Query } from '@nestjs/cqrs';
import type { UsageTotals } from '../usage-aggregate';
import type { Grain, UsageRange, UsageScope } from '../usage-range';

export interface UsageBucket extends UsageTotals {
  /** The bucket's start: YYYY-MM-DD (day) or YYYY-MM-DDTHH:00:00Z (hour), UTC. */
  readonly bucket: string;
}

/** Buckets with usage only (sparse), oldest first. */
export interface UsageTimeseries {
  readonly from: string;
  readonly to: string;
  readonly userId: string | null;
  readonly bucket: Grain;
  readonly data: readonly UsageBucket[];
}

export class GetUsageTimeseriesQuery extends Query<UsageTimeseries> {
  constructor(
    readonly scope: UsageScope,
    readonly range: UsageRange,
    readonly bucket: Grain,
  ) {
    super();
  }
}
