import type { NamedMigration } from '@gw/database';

/** Read model: one row per user with lifetime usage totals (GET /api/v1/me/usage). */
export const migration: NamedMigration = {
  name: '20261123121000_create_usage_totals_by_user',
  async up(knex) {
    await knex.schema.createTable('usage_totals_by_user', (t) => {
      t.text('user_id').primary();
      t.bigInteger('requests').notNullable().defaultTo(0);
      t.bigInteger('failed_requests').notNullable().defaultTo(0);
      t.bigInteger('prompt_tokens').notNullable().defaultTo(0);
      t.bigInteger('completion_tokens').notNullable().defaultTo(0);
      t.bigInteger('cached_tokens').notNullable().defaultTo(0);
      t.bigInteger('provider_cost_micros').notNullable().defaultTo(0);
      t.bigInteger('charged_micros').notNullable().defaultTo(0);
      t.decimal('last_commit', 20, 0).notNullable();
      t.bigInteger('last_prepare').notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
  },
  async down(knex) {
    await knex.schema.dropTable('usage_totals_by_user');
  },
};
