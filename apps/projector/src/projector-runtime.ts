import { mkdir } from 'node:fs/promises';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { createDatabase, ensureSchema, runMigrations } from '@gw/database';
import { EsdbEventStore, PostgresEventStore, type EventStore } from '@gw/eventstore';
import { allMigrations } from '../../../migrations';
import type { GatewayConfig } from '../../gateway/src/config/gateway-config';

export interface ProjectorStores {
  readonly knex: Knex;
  readonly eventStore: EventStore;
  close(): Promise<void>;
}

/** The projector reads the same configuration as the gateway and opens the same stores. */
export async function openStores(config: GatewayConfig, logger: Logger): Promise<ProjectorStores> {
  if (config.database.kind === 'pglite') {
    if (config.database.dataDir) await mkdir(config.database.dataDir, { recursive: true });
    logger.info('PGlite: make sure no gateway is running on this data directory (PGlite allows one process)');
  }
  const knex = createDatabase(config.database);
  await ensureSchema(knex, config.database);
  await runMigrations(knex, allMigrations);
  const eventStore: EventStore =
    config.eventStore.kind === 'esdb'
      ? new EsdbEventStore(config.eventStore.url)
      : new PostgresEventStore(knex);
  return {
    knex,
    eventStore,
    close: async () => {
      await eventStore.close();
      await knex.destroy();
    },
  };
}
