import {
  openTestDatabase as openDatabase,
  postgresUrl,
  type TestDatabase,
  type TestDatabaseKind,
} from '@gw/database/testing';
import { allMigrations } from '../../../../../migrations';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store';

export { postgresUrl, type TestDatabase };

/** Test-only: a migrated database of its own (fresh in-memory PGlite, or a random PostgreSQL schema). */
export const openTestDatabase = (kind: TestDatabaseKind): Promise<TestDatabase> =>
  openDatabase(kind, allMigrations, 'eventstore_test');

export async function openTestStore(kind: 'pglite' | 'postgres', options: PostgresEventStoreOptions = {}) {
  const db = await openTestDatabase(kind);
  const store = new PostgresEventStore(db.knex, { pollIntervalMs: 20, ...options });
  return {
    store,
    knex: db.knex,
    cleanup: async () => {
      await store.close();
      await db.drop();
    },
  };
}
