import {
  openTestDatabase as openDatabase,
  postgresUrl,
  type TestDatabase,
  type TestDatabaseKind,
} from '@gw/database/testing';
import { migration as createVaultSecrets } from '../../../../migrations/20261123124000_create_vault_secrets';

export { postgresUrl, type TestDatabase };

/** Test-only: a database with the vault table (fresh in-memory PGlite, or a random PostgreSQL schema). */
export const openTestDatabase = (kind: TestDatabaseKind): Promise<TestDatabase> =>
  openDatabase(kind, [createVaultSecrets], 'key_vault_test');
