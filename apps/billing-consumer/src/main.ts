import { createDatabase, ensureSchema, runMigrations } from '@gw/database';
import { createKafka, KafkaMessageConsumer, TOPICS } from '@gw/messaging';
import { createLogger, describeStartupError } from '@gw/platform';
import { allMigrations } from '../../../migrations';
import { loadBillingConfig } from './billing-config';
import { BillingConsumer } from './billing-consumer';
import { LagoClient } from './lago-client';

/** Reads switchyard.usage.v1 into the billing ledger (and Lago, when LAGO_API_URL is set). */
async function main(): Promise<void> {
  const config = loadBillingConfig();
  const logger = createLogger(config.logLevel, 'switchyard-billing-consumer');
  const db = createDatabase(config.database);
  await ensureSchema(db, config.database);
  await runMigrations(db, allMigrations);
  const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'switchyard-billing-consumer' });
  const consumer = new BillingConsumer({
    db,
    consumer: new KafkaMessageConsumer(kafka, { groupId: config.groupId, topics: [TOPICS.usage] }),
    logger,
    ...(config.lago && { lago: new LagoClient(config.lago) }),
  });
  await consumer.start();
  logger.info(
    { topic: TOPICS.usage, groupId: config.groupId, lago: config.lago ? 'on' : 'off' },
    'billing consumer running',
  );
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'billing consumer stopping');
    consumer
      .stop()
      .then(() => db.destroy())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`Billing consumer failed to start: ${describeStartupError(e)}\n`);
  process.exit(1);
});
