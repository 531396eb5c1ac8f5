import { types as pgTypes } from 'pg';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { PGlite } from '@electric-sql/pglite';
import type { DatabaseConfig } from './database.config';
import { pgliteStartParams } from './pglite-settings';

const INT8_OID = 20;

/**
 * A knex instance for PostgreSQL or embedded PGlite.
 *
 * int8 columns come back as strings from `pg` and as numbers from PGlite; adapters that read bigint
 * columns must go through `toBigInt` so both behave the same and nothing above float precision is lost.
 * PGlite has one connection: code inside `knex.transaction(trx => …)` must use only `trx`. It runs
 * with PGLITE_SETTINGS (memory); a new data directory should be created first by ensurePgliteCluster.
 */
export function createDatabase(config: DatabaseConfig): Knex {
  if (config.kind === 'postgres') {
    pgTypes.setTypeParser(INT8_OID, (v: string) => v);
    return knexFactory({
      client: 'pg',
      connection: config.url,
      searchPath: config.schema ? [config.schema] : undefined,
      pool: { min: 0, max: config.poolMax ?? 10 },
    });
  }
  return knexFactory({
    client: ClientPgLite as unknown as typeof Knex.Client,
    dialect: 'postgres',
    connection: {
      pglite: new PGlite({ dataDir: config.dataDir, startParams: pgliteStartParams() }),
    } as Knex.StaticConnectionConfig,
  });
}

/** Normalizes an int8 value from either driver. */
export const toBigInt = (value: string | number | bigint): bigint =>
  typeof value === 'bigint' ? value : BigInt(value);

/** Creates the schema named in a postgres config (tests use one schema per suite for isolation). */
export async function ensureSchema(knex: Knex, config: DatabaseConfig): Promise<void> {
  if (config.kind === 'postgres' && config.schema) {
    await knex.raw('create schema if not exists ??', [config.schema]);
  }
}
