import { Query } from '@nestjs/cqrs';
import type { UsageRequestView } from '../usage-request.view';
import type { UsageRange, UsageScope } from '../usage-range';

export const MAX_REQUESTS_PAGE = 100;
export const DEFAULT_REQUESTS_PAGE = 50;

/** Newest first; `nextCursor` fetches the page after this one, null on the last page. */
export interface UsageRequestsPage {
  readonly from: string;
  readonly to: string;
  readonly userId: string | null;
  readonly data: readonly UsageRequestView[];
  readonly nextCursor: string | null;
}

export class ListUsageRequestsQuery extends Query<UsageRequestsPage> {
  constructor(
    readonly scope: UsageScope,
    readonly range: UsageRange,
    readonly limit: number,
    /** A nextCursor from an earlier page (checked by the handler: a bad one is a 400). */
    readonly cursor: string | null,
  ) {
    super();
  }
}
