import { randomUUID } from 'node:crypto';
import type { PGlite as PGliteClass } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { createDatabase, ensureSchema } from '../create-database';
import type { DatabaseConfig } from '../database.config';
import { runMigrations, type NamedMigration } from '../migrate';

export type TestDatabaseKind = 'pglite' | 'postgres';

/** Test-only: a migrated database of its own (fresh in-memory PGlite, or a random PostgreSQL schema). */
export interface TestDatabase {
  readonly kind: TestDatabaseKind;
  readonly knex: Knex;
  /** Drops the schema (PostgreSQL) and closes the connection(s). */
  drop(): Promise<void>;
}

export const postgresUrl = (): string | undefined => process.env.DATABASE_URL;

/**
 * PGlite loads its WebAssembly with a dynamic `import()`, which jest's module sandbox refuses unless
 * node runs with --experimental-vm-modules (as `npm test` does). Under a plain `npx jest`, PGlite is
 * loaded through Node's own loader and handed to knex-pglite.
 */
const vmModules = (): boolean =>
  [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--experimental-vm-modules'));

/** That PGlite lives in Node's realm: its date serializers must accept the sandbox's Date objects too. */
const serializeAnyRealmDate = (value: unknown): string =>
  Object.prototype.toString.call(value) === '[object Date]'
    ? new Date((value as Date).getTime()).toISOString()
    : String(value);

function pgliteOutsideSandbox(): Knex {
  const nodeModule = process.getBuiltinModule('node:module') as unknown as {
    _load(request: string, parent: null): { PGlite: typeof PGliteClass };
  };
  const { PGlite } = nodeModule._load(require.resolve('@electric-sql/pglite'), null);
  const pglite = new PGlite({
    serializers: { 1082: serializeAnyRealmDate, 1114: serializeAnyRealmDate, 1184: serializeAnyRealmDate },
  });
  return knexFactory({
    client: ClientPgLite as unknown as typeof Knex.Client,
    dialect: 'postgres',
    connection: { pglite } as Knex.StaticConnectionConfig,
  });
}

/** A fresh database with `migrations` applied; `label` names the PostgreSQL schema (`<label>_<random>`). */
export async function openTestDatabase(
  kind: TestDatabaseKind,
  migrations: readonly NamedMigration[],
  label = 'test',
): Promise<TestDatabase> {
  const url = postgresUrl();
  if (kind === 'postgres' && !url) throw new Error('DATABASE_URL is not set');
  const schema = `${label}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const config: DatabaseConfig = kind === 'postgres' ? { kind, url: url!, schema, poolMax: 4 } : { kind };
  const knex = kind === 'pglite' && !vmModules() ? pgliteOutsideSandbox() : createDatabase(config);
  try {
    await ensureSchema(knex, config);
    await runMigrations(knex, migrations);
  } catch (e) {
    await knex.destroy();
    throw e;
  }
  return {
    kind,
    knex,
    drop: async () => {
      if (kind === 'postgres') await knex.raw('drop schema if exists ?? cascade', [schema]);
      await knex.destroy();
    },
  };
}
