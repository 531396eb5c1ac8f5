import type { Consumer, Kafka } from 'kafkajs';
import type { ConsumeOptions, ConsumedMessage, MessageConsumer } from '../consumer/message-consumer.port';

export interface KafkaConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group with no committed offsets starts. Default true: the beginning of each topic. */
  readonly fromBeginning?: boolean;
}

/**
 * kafkajs adapter of MessageConsumer: offsets are committed only after `handle` resolved for the batch
 * (no auto-resolve); a rejected batch is not committed and kafkajs delivers it again after its backoff.
 */
export class KafkaMessageConsumer implements MessageConsumer {
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly options: KafkaConsumerOptions,
  ) {
    this.consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  }

  async run({ handle, onError }: ConsumeOptions): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning }) => {
        if (!isRunning() || batch.messages.length === 0) return;
        const messages: ConsumedMessage[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key ? m.key.toString('utf8') : null,
          value: m.value ? m.value.toString('utf8') : '',
        }));
        try {
          await handle(messages);
        } catch (error) {
          onError?.(error instanceof Error ? error : new Error(String(error)));
          throw error;
        }
        resolveOffset(messages[messages.length - 1]!.offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
