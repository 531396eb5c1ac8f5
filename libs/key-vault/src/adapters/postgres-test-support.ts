import { PGlite } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import {
  openTestDatabase as openDatabase,
  postgresUrl,
  type TestDatabase,
  type TestDatabaseKind,
} from '@gw/database/testing';
import { runMigrations } from '@gw/database';
import { migration as createVaultSecrets } from '../../../../migrations/20261123124000_create_vault_secrets';

export { postgresUrl, type TestDatabase };

/** As in @gw/database/testing: PGlite can be created in jest's sandbox only under --experimental-vm-modules. */
const vmModules = (): boolean =>
  [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--experimental-vm-modules'));

const pgliteKnex = (pglite: PGlite): Knex =>
  knexFactory({
    client: ClientPgLite as unknown as typeof Knex.Client,
    dialect: 'postgres',
    connection: { pglite } as Knex.StaticConnectionConfig,
  });

/**
 * A fresh in-memory PGlite costs an initdb (about a second of CPU here); loading a copy of a data
 * directory that is already initialized and migrated costs less than half. The contract opens a
 * database of its own for every test that counts rows, so the file builds the migrated empty
 * database once (initdb and the real migration) and every PGlite fixture starts from its dump.
 */
let template: Promise<File | Blob> | undefined;
const migratedEmptyDataDir = (): Promise<File | Blob> =>
  (template ??= (async () => {
    const pglite = new PGlite();
    const knex = pgliteKnex(pglite);
    try {
      await runMigrations(knex, [createVaultSecrets]);
      return await pglite.dumpDataDir('none');
    } finally {
      await knex.destroy(); // closes the PGlite it was given
    }
  })());

/** Test-only: a database with the vault table (fresh in-memory PGlite, or a random PostgreSQL schema). */
export async function openTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  if (kind === 'postgres' || !vmModules()) return openDatabase(kind, [createVaultSecrets], 'key_vault_test');
  const knex = pgliteKnex(new PGlite({ loadDataDir: await migratedEmptyDataDir() }));
  return { kind, knex, drop: () => knex.destroy() };
}
