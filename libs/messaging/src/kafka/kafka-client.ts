import { Kafka, logLevel, type Admin, type ITopicConfig, type KafkaConfig } from 'kafkajs';
import { ALL_TOPICS } from '../contracts/topics';

export interface KafkaConnection {
  readonly brokers: readonly string[];
  /** Names this process to the brokers (their logs, quotas). */
  readonly clientId: string;
}

/** A kafkajs client; its own logger is off (errors reach the callers, who log them with context). */
export function createKafka({ brokers, clientId }: KafkaConnection, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.NOTHING, ...extra });
}

export interface EnsureTopicsOptions {
  readonly topics?: readonly string[];
  readonly numPartitions?: number;
  /** Default: the broker's default (1 on the compose stack). */
  readonly replicationFactor?: number;
}

/**
 * Creates the topics that do not exist yet (the brokers run with auto-create off). Existing topics are
 * left as they are. Returns the ones it created.
 */
export async function ensureTopics(kafka: Kafka, options: EnsureTopicsOptions = {}): Promise<string[]> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = (options.topics ?? ALL_TOPICS).filter((t) => !existing.has(t));
    if (missing.length === 0) return [];
    const topics: ITopicConfig[] = missing.map((topic) => ({
      topic,
      numPartitions: options.numPartitions ?? 6,
      ...(options.replicationFactor !== undefined && { replicationFactor: options.replicationFactor }),
    }));
    await admin.createTopics({ topics, waitForLeaders: true });
    return [...missing];
  } finally {
    await admin.disconnect();
  }
}

/** Moves a consumer group back to the start of a topic (the group must have no running members). */
export async function resetGroupToEarliest(kafka: Kafka, groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.resetOffsets({ groupId, topic, earliest: true });
  } finally {
    await admin.disconnect();
  }
}
