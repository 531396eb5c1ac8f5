import { randomUUID } from 'node:crypto';
import type { PGlite as PGliteClass } from '@electric-sql/pglite';
import { createDatabase, ensureSchema, runMigrations, type DatabaseConfig } from '@gw/database';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { migration as createVaultSecrets } from '../../../../migrations/20261123124000_create_vault_secrets';

/** Test-only: a database with the vault table (fresh in-memory PGlite, or a random PostgreSQL schema). */
export interface TestDatabase {
  readonly knex: Knex;
  drop(): Promise<void>;
}

export const postgresUrl = (): string | undefined => process.env.DATABASE_URL;

/**
 * PGlite loads its WebAssembly with a dynamic `import()`, which jest's sandbox refuses unless node runs
 * with --experimental-vm-modules (as `npm test` does); under a plain `npx jest` load it through Node's own
 * loader and hand the instance to knex-pglite.
 */
const vmModules = (): boolean =>
  [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--experimental-vm-modules'));

const isDate = (value: unknown): value is Date => Object.prototype.toString.call(value) === '[object Date]';
/** That PGlite lives in Node's realm: its date serializers must accept the sandbox's Date objects too. */
const serializeDate = (value: unknown): string =>
  isDate(value) ? new Date(value.getTime()).toISOString() : String(value);

function pgliteOutsideSandbox(): Knex {
  const nodeModule = process.getBuiltinModule('node:module') as unknown as {
    _load(request: string, parent: null): { PGlite: typeof PGliteClass };
  };
  const { PGlite } = nodeModule._load(require.resolve('@electric-sql/pglite'), null);
  return knexFactory({
    client: ClientPgLite as unknown as typeof Knex.Client,
    dialect: 'postgres',
    connection: {
      pglite: new PGlite({ serializers: { 1082: serializeDate, 1114: serializeDate, 1184: serializeDate } }),
    } as Knex.StaticConnectionConfig,
  });
}

export async function openTestDatabase(kind: 'pglite' | 'postgres'): Promise<TestDatabase> {
  const url = postgresUrl();
  if (kind === 'postgres' && !url) throw new Error('DATABASE_URL is not set');
  const schema = `key_vault_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const config: DatabaseConfig = kind === 'postgres' ? { kind, url: url!, schema, poolMax: 4 } : { kind };
  const knex = kind === 'pglite' && !vmModules() ? pgliteOutsideSandbox() : createDatabase(config);
  try {
    await ensureSchema(knex, config);
    await runMigrations(knex, [createVaultSecrets]);
  } catch (e) {
    await knex.destroy();
    throw e;
  }
  return {
    knex,
    drop: async () => {
      if (kind === 'postgres') await knex.raw('drop schema if exists ?? cascade', [schema]);
      await knex.destroy();
    },
  };
}
