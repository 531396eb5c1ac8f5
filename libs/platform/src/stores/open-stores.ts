import type { Knex } from 'knex';
import type { Logger } from 'pino';
import {
  createDatabase,
  ensurePrivateDir,
  ensureSchema,
  isOpenToOthers,
  lockDataDir,
  runMigrations,
  type DataDirLock,
} from '@gw/database';
import { EsdbEventStore, PostgresEventStore, type EventStore } from '@gw/eventstore';
import { allMigrations } from '../../../../migrations';
import type { GatewayConfig } from '../config/gateway-config';

export interface Stores {
  readonly knex: Knex;
  readonly eventStore: EventStore;
  close(): Promise<void>;
}

/**
 * Opens the read-model database (migrated) and the event store the configuration names. The gateway
 * and the projector open them the same way.
 */
export async function openStores(config: GatewayConfig, logger: Logger, purpose: string): Promise<Stores> {
  let lock: DataDirLock | undefined;
  if (config.database.kind === 'pglite' && config.database.dataDir) {
    // 0700: the database, the vault's keys and the bootstrap credentials are nobody else's business.
    const dataDir = await ensurePrivateDir(config.dataDir);
    if (isOpenToOthers(dataDir.mode))
      logger.warn(
        { dataDir: config.dataDir, mode: `0${dataDir.mode.toString(8)}` },
        `the data directory is open to other users; run chmod 700 ${config.dataDir}`,
      );
    await ensurePrivateDir(config.database.dataDir);
    lock = await lockDataDir(config.database.dataDir, purpose);
    logger.debug({ dataDir: config.database.dataDir }, 'opened PGlite data directory');
  }
  const knex = createDatabase(config.database);
  try {
    await ensureSchema(knex, config.database);
    await runMigrations(knex, allMigrations);
  } catch (e) {
    await knex.destroy();
    await lock?.release();
    throw e;
  }
  const eventStore: EventStore =
    config.eventStore.kind === 'esdb'
      ? new EsdbEventStore(config.eventStore.url)
      : new PostgresEventStore(knex, { singleWriter: config.database.kind === 'pglite' });
  return {
    knex,
    eventStore,
    close: async () => {
      await eventStore.close();
      await knex.destroy();
      await lock?.release();
    },
  };
}
