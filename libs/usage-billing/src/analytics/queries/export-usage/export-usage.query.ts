import { Query } from '@nestjs/cqrs';
import type { UsageRequestView } from '../usage-request.view';
import type { UsageRange, UsageScope } from '../usage-range';

/** Every request in the range, oldest first, read page by page while the caller consumes it. */
export interface UsageExport {
  readonly rows: AsyncIterable<UsageRequestView>;
}

export class ExportUsageQuery extends Query<UsageExport> {
  constructor(
    readonly scope: UsageScope,
    readonly range: UsageRange,
  ) {
    super();
  }
}
