import type { Knex } from 'knex';
import type { Logger } from 'pino';
import {
  createDatabase,
  ensurePgliteCluster,
  ensurePrivateDir,
  ensureSchema,
  isOpenToOthers,
  lockDataDir,
  runMigrations,
  type DataDirLock,
} from '@gw/database';
import { EsdbEventStore, PostgresEventStore, type AuditKeys, type EventStore } from '@gw/eventstore';
import { loadAuditKeys } from '../audit/load-audit-keys';
import { allMigrations } from '../../../../migrations';
import type { GatewayConfig } from '../config/gateway-config';

export interface Stores {
  readonly knex: Knex;
  readonly eventStore: EventStore;
  /** The audit chain's keys (the event store keys its links with them); undefined: see OpenStoresOptions. */
  readonly auditKeys?: AuditKeys;
  close(): Promise<void>;
}

export interface OpenStoresOptions {
  /**
   * The process appends events or verifies the audit chain: outside embedded mode AUDIT_CHAIN_KEY and
   * AUDIT_SIGNING_KEY must then be set (the start is refused without them). Processes that only read
   * (the projector, a rebuild) open the store without them when they are not set.
   */
  readonly auditKeys?: 'required' | 'optional';
}

/**
 * Opens the read-model database (migrated) and the event store the configuration names. The gateway
 * and the projector open them the same way. The event store keys its chain links with the audit chain
 * key (embedded: `$DATA_DIR/audit-keys.json`, created on the first start).
 */
export async function openStores(
  config: GatewayConfig,
  logger: Logger,
  purpose: string,
  options: OpenStoresOptions = {},
): Promise<Stores> {
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
    try {
      // A new folder gets its cluster from a child process (PGlite's initdb would stay in our memory).
      if ((await ensurePgliteCluster(config.database.dataDir)) === 'created')
        logger.debug({ dataDir: config.database.dataDir }, 'created the PGlite database');
    } catch (e) {
      await lock.release();
      throw e;
    }
    logger.debug({ dataDir: config.database.dataDir }, 'opened PGlite data directory');
  }
  let auditKeys: AuditKeys | undefined;
  try {
    auditKeys = await loadAuditKeys(config, options.auditKeys === 'required');
  } catch (e) {
    await lock?.release();
    throw e;
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
      ? new EsdbEventStore(config.eventStore.url, { chainKey: auditKeys?.chainKey })
      : new PostgresEventStore(knex, {
          singleWriter: config.database.kind === 'pglite',
          chainKey: auditKeys?.chainKey,
        });
  return {
    knex,
    eventStore,
    auditKeys,
    close: async () => {
      await eventStore.close();
      await knex.destroy();
      await lock?.release();
    },
  };
}
