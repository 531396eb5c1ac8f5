import { describeStartupError } from '../../gateway/src/config/startup-error';
import { rebuildAll } from '@gw/projections';
import { loadConfig } from '../../gateway/src/config/gateway-config';
import { createLogger } from '../../gateway/src/logging/logger';
import { gatewayProjections } from '../../gateway/src/runtime/in-process-projections';
import { openStores } from '../../gateway/src/runtime/open-stores';

/**
 * `npm run projections:rebuild`: drops every read model and replays the whole log into it. Stop the
 * gateway (embedded) or the projector (full mode) first; PGlite allows one process at a time anyway.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'switchyard-rebuild');
  const stores = await openStores(config, logger, 'projections:rebuild');
  try {
    const results = await rebuildAll(gatewayProjections, {
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
