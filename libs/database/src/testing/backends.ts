import { describeIf } from '@gw/shared-kernel/testing';
import { postgresUrl, type TestDatabaseKind } from './test-database';

const postgresSkipReason = (title: string): string =>
  `${title} (postgres): DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test); PGlite variants still run`;

/**
 * Declares a suite once per database: PGlite always, PostgreSQL always too — as `describe.skip` with
 * the reason printed once when DATABASE_URL is unset, so the run counts those tests as skipped
 * instead of never creating them. Every suite with a PostgreSQL variant declares it this way.
 *
 *   describeBackends('ProjectionRunner', (kind) => { beforeAll(() => openTestDatabase(kind)); … });
 */
export function describeBackends(
  title: string,
  fn: (kind: TestDatabaseKind) => void,
  kinds: readonly TestDatabaseKind[] = ['pglite', 'postgres'],
): void {
  for (const kind of kinds) {
    const declare =
      kind === 'postgres' ? describeIf(Boolean(postgresUrl()), postgresSkipReason(title)) : describe;
    declare(`${title} (${kind})`, () => fn(kind));
  }
}

/** A suite that needs a real PostgreSQL server (several connections, another process): PostgreSQL only. */
export function describePostgres(title: string, fn: () => void, needs = 'PostgreSQL'): void {
  describeIf(Boolean(postgresUrl()), `${title}: DATABASE_URL is not set (it needs ${needs})`)(
    `${title} (postgres)`,
    fn,
  );
}
