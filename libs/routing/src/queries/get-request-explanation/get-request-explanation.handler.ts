import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { NotFoundError } from '@gw/shared-kernel';
import { toRequestStreamId } from '../../domain/request.events';
import {
  evolveRequestExplanation,
  isRequestExplanationEvent,
  type RequestExplanationRow,
} from '../../projections/request-explanations/request-explanation.row';
import { GetRequestExplanationQuery, type RequestExplanation } from './get-request-explanation.query';

/**
 * Served from the request's own stream (three or four events, read by stream id), folded with the same
 * pure function a read model would use: nothing is written per request to answer this, and the answer
 * is there as soon as the request's events are committed.
 */
@QueryHandler(GetRequestExplanationQuery)
export class GetRequestExplanationHandler implements IQueryHandler<GetRequestExplanationQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ requestId, viewer }: GetRequestExplanationQuery): Promise<RequestExplanation> {
    const events = await this.store.readStream(toRequestStreamId(requestId));
    let row: RequestExplanationRow | null = null;
    for (const event of events)
      if (isRequestExplanationEvent(event)) row = evolveRequestExplanation(row, event);
    // Someone else's request is reported exactly like a missing one: ids are not an oracle.
    if (!row || (row.userId !== viewer.userId && !viewer.roles.includes('admin'))) {
      throw new NotFoundError('ROUTING.REQUEST_NOT_FOUND', `No request ${requestId} is visible to you`);
    }
    const { lastPosition: _position, ...explanation } = row;
    return explanation;
  }
}
