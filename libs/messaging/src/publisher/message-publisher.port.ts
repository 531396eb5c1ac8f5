import type { OutgoingMessage } from '../contracts/envelope';

/**
 * Publishes messages to the broker. Adapters: kafkajs (./kafka), in-memory (@gw/messaging/testing).
 *
 * `publish` sends the messages in the order given (per key they stay in that order on their partition)
 * and resolves only once the broker has acknowledged every one of them (Kafka: acks from all in-sync
 * replicas). When it rejects, any of them may or may not have been written: the caller publishes them
 * all again (consumers dedupe by eventId).
 */
export interface MessagePublisher {
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The broker refused a message as larger than it accepts (Kafka: MESSAGE_TOO_LARGE). Publishing the
 * same message again can never succeed; the relay then publishes the batch one message at a time and
 * dead-letters the ones refused alone.
 */
export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';
}
