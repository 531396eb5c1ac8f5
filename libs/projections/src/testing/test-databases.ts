import {
  openTestDatabase as openDatabase,
  type TestDatabase,
  type TestDatabaseKind,
} from '@gw/database/testing';
import { migration as createProjectionCheckpoints } from '../../../../migrations/20261123120100_create_projection_checkpoints';

export { describeBackends, type TestDatabase, type TestDatabaseKind } from '@gw/database/testing';

/** A fresh database with the checkpoint tables: a new PGlite, or a new schema dropped again on drop(). */
export const openTestDatabase = (kind: TestDatabaseKind): Promise<TestDatabase> =>
  openDatabase(kind, [createProjectionCheckpoints], 'projections_test');
