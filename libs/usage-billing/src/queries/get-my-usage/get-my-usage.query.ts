import { Query } from '@nestjs/cqrs';

/** Money as decimal strings of integer micro-dollars. */
export interface MyUsage {
  readonly userId: string;
  readonly requests: number;
  readonly failedRequests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly totalTokens: number;
  readonly providerCostMicros: string;
  readonly costMicros: string;
}

export class GetMyUsageQuery extends Query<MyUsage> {
  constructor(readonly userId: string) {
    super();
  }
}
