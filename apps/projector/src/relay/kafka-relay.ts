import type { Logger } from 'pino';
import {
  createKafka,
  ensureTopics,
  EventRelay,
  KafkaPublisher,
  KnexRelayCheckpoints,
  PUBLISHED_EVENT_TYPES,
  type DeadLetterReason,
} from '@gw/messaging';
import type { GatewayConfig, Stores } from '@gw/platform';
import type { LagSubject } from '@gw/projections';

/** The relay's row in relay_checkpoints. */
export const KAFKA_RELAY_NAME = 'kafka';

export interface RunningRelay {
  /** Its progress, for its lag: it reads only the published types, so its checkpoint moves on those. */
  readonly progress: LagSubject;
  /** Events the relay published as a dead-letter notice instead, by reason, since it started. */
  deadLettered(): Readonly<Record<DeadLetterReason, number>>;
  stop(): Promise<void>;
}

/**
 * With KAFKA_BROKERS: creates the topics (and the dead-letter topic) if missing (auto-create is off on the broker) and
 * publishes the log to them from the relay's checkpoint. Without: says so and runs nothing.
 */
export async function startKafkaRelay(
  config: GatewayConfig,
  stores: Stores,
  logger: Logger,
): Promise<RunningRelay | null> {
  if (!config.kafkaBrokers || config.kafkaBrokers.length === 0) {
    logger.info('kafka relay off: KAFKA_BROKERS is not set');
    return null;
  }
  const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'switchyard-projector' });
  const created = await ensureTopics(kafka);
  if (created.length > 0) logger.info({ topics: created }, 'created kafka topics');
  const publisher = new KafkaPublisher(kafka);
  const relay = new EventRelay({
    eventStore: stores.eventStore,
    checkpoints: new KnexRelayCheckpoints(stores.knex, KAFKA_RELAY_NAME),
    publisher,
    logger,
    maxMessageBytes: config.kafkaMaxMessageBytes,
  });
  await relay.start();
  return {
    progress: {
      name: KAFKA_RELAY_NAME,
      get checkpoint() {
        return relay.checkpoint;
      },
      eventTypes: PUBLISHED_EVENT_TYPES,
    },
    deadLettered: () => relay.status().deadLettered,
    stop: async () => {
      await relay.stop();
      await publisher.close();
    },
  };
}
