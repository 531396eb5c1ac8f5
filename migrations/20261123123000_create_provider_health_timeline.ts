import type { NamedMigration } from '@gw/database';

/** Read model: each provider's health changes (ProviderDegraded / ProviderRecovered) in order. */
export const migration: NamedMigration = {
  name: '20261123123000_create_provider_health_timeline',
  async up(knex) {
    await knex.schema.createTable('provider_health_timeline', (t) => {
      t.text('provider').notNullable();
      t.decimal('commit_position', 20, 0).notNullable();
      t.bigInteger('prepare_position').notNullable();
      t.text('kind').notNullable();
      t.text('reason').notNullable();
      t.jsonb('details').notNullable();
      t.timestamp('at', { useTz: true }).notNullable();
      t.primary(['commit_position', 'prepare_position']);
      t.index(['provider', 'at']);
    });
  },
  async down(knex) {
    await knex.schema.dropTable('provider_health_timeline');
  },
};
