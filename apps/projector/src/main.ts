import {
  ConfigError,
  describeStartupError,
  loadConfig,
  createLogger,
  readModelProjections,
  openStores,
} from '@gw/platform';
import { ProjectionRunnerGroup } from '@gw/projections';
import { startMetricsServer } from './metrics/metrics-server';
import { createProjectorRegistry } from './metrics/projector-metrics';
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
  // After the runners and the relay have read their checkpoints: a scrape never sees a lag from the
  // beginning of the log that only means "not started yet".
  const metrics = await startMetricsServer({
    registry: createProjectorRegistry({
      eventStore: stores.eventStore,
      projections: group.runners,
      ...(relay && { relay: relay.progress, relayDeadLetters: () => relay.deadLettered() }),
      logger,
    }),
    metricsToken: config.metricsToken,
    host: config.host,
    port: config.metricsPort,
    logger,
  }).catch((e: unknown) => {
    throw new ConfigError(
      `The projector's metrics cannot listen on ${config.host}:${config.metricsPort} (HOST, METRICS_PORT): ${e instanceof Error ? e.message : String(e)}`,
    );
  });
  if (!config.metricsToken)
    logger.warn(
      { port: metrics.port },
      'METRICS_TOKEN is not set: GET /metrics refuses every scrape (401) until it is',
    );
  logger.info(
    {
      projections: readModelProjections.map((p) => `${p.name}@v${p.version}`),
      metrics: `${metrics.url}/metrics`,
    },
    'projector running',
  );
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'projector stopping');
    Promise.all([metrics.close(), group.stop(), relay?.stop()])
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
