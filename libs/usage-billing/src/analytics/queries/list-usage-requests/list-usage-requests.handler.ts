import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import {
  decodeRequestCursor,
  encodeRequestCursor,
  factPage,
  toUsageRequestView,
} from '../usage-request.view';
import { ListUsageRequestsQuery, type UsageRequestsPage } from './list-usage-requests.query';

@QueryHandler(ListUsageRequestsQuery)
export class ListUsageRequestsHandler implements IQueryHandler<ListUsageRequestsQuery> {
  constructor(@Inject(KNEX) private readonly knex: Knex) {}

  async execute({ scope, range, limit, cursor }: ListUsageRequestsQuery): Promise<UsageRequestsPage> {
    const after = cursor === null ? null : decodeRequestCursor(cursor);
    const rows = await factPage(this.knex, scope, range, 'desc', after, limit + 1);
    const data = rows.slice(0, limit).map(toUsageRequestView);
    const last = data[data.length - 1];
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      userId: scope.kind === 'user' ? scope.userId : null,
      data,
      nextCursor:
        rows.length > limit && last
          ? encodeRequestCursor({ occurredAt: last.occurredAt, requestId: last.requestId })
          : null,
    };
  }
}
