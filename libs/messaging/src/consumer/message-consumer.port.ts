/** One message as a consumer receives it. */
export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  /** Decimal string (Kafka offsets are 64-bit). */
  readonly offset: string;
  readonly key: string | null;
  /** The value as UTF-8 text (JSON: an IntegrationEnvelope). */
  readonly value: string;
}

export interface ConsumeOptions {
  /**
   * Gets the messages of one partition in offset order, a batch at a time; the next batch of that
   * partition comes after the returned promise settles. Resolving commits the batch's offsets; rejecting
   * commits nothing, and the batch is delivered again (after a backoff) from the last committed offset.
   */
  readonly handle: (batch: readonly ConsumedMessage[]) => Promise<void>;
  readonly onError?: (error: Error) => void;
}

/**
 * The consuming side of the broker, for one consumer group and its topics. Adapters: kafkajs
 * (./kafka), in-memory (@gw/messaging/testing). Delivery is at least once: a handler must dedupe.
 */
export interface MessageConsumer {
  /** Starts consuming; resolves once running (not once caught up). */
  run(options: ConsumeOptions): Promise<void>;
  /** Stops after the batch in progress has been handled (and its offsets committed). */
  stop(): Promise<void>;
}
