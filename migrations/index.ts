import type { NamedMigration } from '@gw/database';

/**
 * Every migration, in one list. Add a file named `YYYYMMDDHHmmss_<verb>_<object>.ts` that exports
 * `migration: NamedMigration` and list it here.
 */
export const allMigrations: readonly NamedMigration[] = [];
