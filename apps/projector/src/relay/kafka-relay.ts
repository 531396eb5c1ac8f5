import type { Logger } from 'pino';
import { createKafka, ensureTopics, EventRelay, KafkaPublisher, KnexRelayCheckpoints } from '@gw/messaging';
import type { GatewayConfig, Stores } from '@gw/platform';

/** The relay's row in relay_checkpoints. */
export const KAFKA_RELAY_NAME = 'kafka';

export interface RunningRelay {
  stop(): Promise<void>;
}

/**
 * With KAFKA_BROKERS: creates the four topics if missing (auto-create is off on the broker) and
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
  });
  await relay.start();
  return {
    stop: async () => {
      await relay.stop();
      await publisher.close();
    },
  };
}
