import {
  describeStartupError,
  loadConfig,
  createLogger,
  readModelProjections,
  openStores,
} from '@gw/platform';
import { ProjectionRunnerGroup } from '@gw/projections';
import { startKafkaRelay } from './relay/kafka-relay';

/** Full mode: runs every projection as its own process (the gateway runs with PROJECTIONS=off). */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'switchyard-projector');
  const stores = await openStores(config, logger, 'projector');
  const group = new ProjectionRunnerGroup(readModelProjections, {
    eventStore: stores.eventStore,
    db: stores.knex,
    logger,
  });
  await group.start();
  const relay = await startKafkaRelay(config, stores, logger);
  logger.info(
    { projections: readModelProjections.map((p) => `${p.name}@v${p.version}`) },
    'projector running',
  );
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'projector stopping');
    Promise.all([group.stop(), relay?.stop()])
      .then(() => stores.close())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`Projector failed to start: ${describeStartupError(e)}\n`);
  process.exit(1);
});
