import { KafkaJSAggregateError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { isMessageTooLarge } from './kafka-publisher';

/** kafkajs's own error for broker error code 10, as its protocol layer makes it. */
const tooLarge = (): KafkaJSProtocolError =>
  new KafkaJSProtocolError({
    type: 'MESSAGE_TOO_LARGE',
    code: 10,
    retriable: false,
    message: 'The request included a message larger than the max message size the server will accept',
  } as unknown as Error);

describe('isMessageTooLarge (kafkajs errors)', () => {
  it('given MESSAGE_TOO_LARGE itself, as a retry cause or in an aggregate, when asked, then it is too large', () => {
    expect(isMessageTooLarge(tooLarge())).toBe(true);
    expect(
      isMessageTooLarge(new KafkaJSNumberOfRetriesExceeded(tooLarge(), { retryCount: 5, retryTime: 100 })),
    ).toBe(true);
    expect(isMessageTooLarge(new KafkaJSAggregateError('failed', [new Error('other'), tooLarge()]))).toBe(
      true,
    );
  });

  it('given other failures, when asked, then it is not', () => {
    expect(isMessageTooLarge(new Error('Connection error: ECONNREFUSED'))).toBe(false);
    expect(
      isMessageTooLarge(
        new KafkaJSProtocolError({
          type: 'NOT_LEADER_FOR_PARTITION',
          code: 6,
          retriable: true,
          message: 'not the leader',
        } as unknown as Error),
      ),
    ).toBe(false);
    expect(isMessageTooLarge(null)).toBe(false);
    expect(isMessageTooLarge('MESSAGE_TOO_LARGE')).toBe(false);
  });
});
