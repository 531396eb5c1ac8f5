import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import { NotFoundError } from '@gw/shared-kernel';
import {
  REQUEST_EXPLANATIONS_TABLE,
  type RequestExplanationDbRow,
} from '../../projections/request-explanations/request-explanation.table';
import { GetRequestExplanationQuery, type RequestExplanation } from './get-request-explanation.query';

@QueryHandler(GetRequestExplanationQuery)
export class GetRequestExplanationHandler implements IQueryHandler<GetRequestExplanationQuery> {
  constructor(@Inject(KNEX) private readonly knex: Knex) {}

  async execute({ requestId, viewer }: GetRequestExplanationQuery): Promise<RequestExplanation> {
    const row = await this.knex<RequestExplanationDbRow>(REQUEST_EXPLANATIONS_TABLE)
      .where({ request_id: requestId })
      .first();
    // Someone else's request is reported exactly like a missing one: ids are not an oracle.
    if (!row || (row.user_id !== viewer.userId && !viewer.roles.includes('admin'))) {
      throw new NotFoundError('ROUTING.REQUEST_NOT_FOUND', `No request ${requestId} is visible to you`);
    }
    return (
      typeof row.explanation === 'string' ? JSON.parse(row.explanation) : row.explanation
    ) as RequestExplanation;
  }
}
