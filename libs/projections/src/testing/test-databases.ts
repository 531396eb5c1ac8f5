import { randomUUID } from 'node:crypto';
import type { PGlite as PGliteClass } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { createDatabase, ensureSchema, runMigrations } from '@gw/database';
import { migration as createProjectionCheckpoints } from '../../../../migrations/20261123120100_create_projection_checkpoints';

export type TestDatabaseKind = 'pglite' | 'postgres';

export interface TestDatabase {
  readonly kind: TestDatabaseKind;
  readonly db: Knex;
  close(): Promise<void>;
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set. */
export const testDatabaseKinds = (): TestDatabaseKind[] =>
  process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

const TIMESTAMP_OIDS = [1082 /* date */, 1114 /* timestamp */, 1184 /* timestamptz */];

/** A Date from jest's sandbox is not `instanceof` the Date of Node's realm, where PGlite then lives. */
const serializeAnyRealmDate = (value: unknown): string =>
  typeof value === 'object' && value !== null && typeof (value as Date).toISOString === 'function'
    ? (value as Date).toISOString()
    : String(value);

/**
 * PGlite loads its WebAssembly with a dynamic `import()`, which jest's module sandbox refuses without
 * --experimental-vm-modules; load it through Node's own loader and hand the instance to knex-pglite.
 */
function inMemoryPglite(): Knex {
  const nodeModule = process.getBuiltinModule('node:module') as unknown as {
    _load(request: string, parent: null): { PGlite: typeof PGliteClass };
  };
  const { PGlite } = nodeModule._load(require.resolve('@electric-sql/pglite'), null);
  return knexFactory({
    client: ClientPgLite as unknown as typeof Knex.Client,
    dialect: 'postgres',
    connection: {
      pglite: new PGlite({
        serializers: Object.fromEntries(TIMESTAMP_OIDS.map((oid) => [oid, serializeAnyRealmDate])),
      }),
    } as Knex.StaticConnectionConfig,
  });
}

/** A fresh database with the checkpoint tables: a new PGlite, or a new schema dropped again on close. */
export async function openTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  const schema = `projections_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let db: Knex;
  if (kind === 'postgres') {
    if (!url) throw new Error('DATABASE_URL is not set');
    const config = { kind, url, schema, poolMax: 4 } as const;
    db = createDatabase(config);
    await ensureSchema(db, config);
  } else {
    db = inMemoryPglite();
  }
  await runMigrations(db, [createProjectionCheckpoints]);
  return {
    kind,
    db,
    async close() {
      if (kind === 'postgres') await db.raw('drop schema if exists ?? cascade', [schema]);
      await db.destroy();
    },
  };
}
