import {
  describeStartupError,
  loadConfig,
  createLogger,
  readModelProjections,
  openStores,
} from '@gw/platform';
import { rebuildAll } from '@gw/projections';

/**
 * `npm run projections:rebuild`: drops every read model and replays the whole log into it. Stop the
 * gateway (embedded) or the projector (full mode) first; PGlite allows one process at a time anyway.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'switchyard-rebuild');
  const stores = await openStores(config, logger, 'projections:rebuild');
  try {
    const results = await rebuildAll(readModelProjections, {
      eventStore: stores.eventStore,
      db: stores.knex,
      logger,
    });
    for (const r of results) {
      process.stdout.write(
        `rebuilt ${r.projection}@v${r.version}: ${r.events} events in ${r.durationMs} ms\n`,
      );
    }
  } finally {
    await stores.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`Rebuild failed: ${describeStartupError(e)}\n`);
  process.exit(1);
});
