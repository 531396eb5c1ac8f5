import { ConcurrencyError, ValidationError } from '@gw/shared-kernel';

export class WrongExpectedRevisionError extends ConcurrencyError {
  constructor(streamId: string, expected: string, actual: string) {
    super(
      'EVENTSTORE.WRONG_EXPECTED_REVISION',
      `Stream ${streamId}: expected revision ${expected}, found ${actual}`,
      {
        streamId,
        expected,
        actual,
      },
    );
  }
}

/** The same event id was appended before, but not as the same events of the same stream. */
export class DuplicateEventIdError extends ValidationError {
  constructor(eventId: string) {
    super(
      'EVENTSTORE.DUPLICATE_EVENT_ID',
      `Event id ${eventId} was already appended with different content`,
      {
        eventId,
      },
    );
  }
}
