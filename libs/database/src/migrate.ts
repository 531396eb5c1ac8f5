import type { Knex } from 'knex';

/** A named migration; names sort in the order they must run (YYYYMMDDHHmmss_verb_object). */
export interface NamedMigration extends Knex.Migration {
  readonly name: string;
}

/** Feeds knex a fixed list of migrations, so the build output needs no file-system discovery. */
export class StaticMigrationSource implements Knex.MigrationSource<NamedMigration> {
  constructor(private readonly migrations: readonly NamedMigration[]) {}
  getMigrations(): Promise<NamedMigration[]> {
    return Promise.resolve([...this.migrations].sort((a, b) => a.name.localeCompare(b.name)));
  }
  getMigrationName(migration: NamedMigration): string {
    return migration.name;
  }
  getMigration(migration: NamedMigration): Promise<Knex.Migration> {
    return Promise.resolve(migration);
  }
}

export async function runMigrations(knex: Knex, migrations: readonly NamedMigration[]): Promise<void> {
  await knex.migrate.latest({ migrationSource: new StaticMigrationSource(migrations) });
}
