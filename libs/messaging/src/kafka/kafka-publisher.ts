import { CompressionTypes, type Kafka, type Producer, type TopicMessages } from 'kafkajs';
import { messageHeaders, serializeEnvelope, type OutgoingMessage } from '../contracts/envelope';
import { MessageTooLargeError, type MessagePublisher } from '../publisher/message-publisher.port';

/** The producer settings the relay's guarantees rest on (DESIGN.md, Kafka). */
export const PRODUCER_SETTINGS = Object.freeze({
  /** Retries inside kafkajs never duplicate or reorder a message on its partition. */
  idempotent: true,
  /** One request in flight per broker connection: a retried request cannot overtake a later one. */
  maxInFlightRequests: 1,
});
/** Acknowledged by every in-sync replica. */
export const PRODUCER_ACKS = -1;

/**
 * kafkajs adapter of MessagePublisher: one idempotent producer; each `publish` is one `sendBatch` with
 * acks -1, grouped by topic in the given order (kafkajs keeps the order within a partition).
 */
export class KafkaPublisher implements MessagePublisher {
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({ ...PRODUCER_SETTINGS, allowAutoTopicCreation: false });
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    try {
      await this.producer.sendBatch({
        acks: PRODUCER_ACKS,
        compression: CompressionTypes.None,
        topicMessages: groupByTopic(messages),
      });
    } catch (error) {
      if (isMessageTooLarge(error))
        throw new MessageTooLargeError('the broker refused a message as too large (MESSAGE_TOO_LARGE)');
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = null;
  }

  private connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = null;
      throw error;
    });
    return this.connected;
  }
}

/** Messages grouped by topic, each topic's messages in the order given. */
export function groupByTopic(messages: readonly OutgoingMessage[]): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const m of messages) {
    let group = byTopic.get(m.topic);
    if (!group) byTopic.set(m.topic, (group = { topic: m.topic, messages: [] }));
    group.messages.push({ key: m.key, value: serializeEnvelope(m.value), headers: messageHeaders(m.value) });
  }
  return [...byTopic.values()];
}

/**
 * Whether kafkajs failed because the broker refused a record as too large: a KafkaJSProtocolError of
 * type MESSAGE_TOO_LARGE (code 10), itself or as the cause of a retry or aggregate error.
 */
export function isMessageTooLarge(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const e = error as {
    type?: unknown;
    code?: unknown;
    name?: unknown;
    cause?: unknown;
    originalError?: unknown;
    errors?: unknown;
  };
  if (e.type === 'MESSAGE_TOO_LARGE' || (e.name === 'KafkaJSProtocolError' && e.code === 10)) return true;
  const inner = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? (e.errors as unknown[]) : [])];
  return inner.some((i) => isMessageTooLarge(i, depth + 1));
}
