import type { NamedMigration } from '@gw/database';

/** Read model: one row per chat request with its routing explanation (GET /api/v1/requests/:id). */
export const migration: NamedMigration = {
  name: '20261123122000_create_request_explanations',
  async up(knex) {
    await knex.schema.createTable('request_explanations', (t) => {
      t.text('request_id').primary();
      t.text('user_id').notNullable().index();
      t.json('explanation').notNullable(); // written once per request: json is cheaper to write than jsonb
      t.decimal('last_commit', 20, 0).notNullable();
      t.bigInteger('last_prepare').notNullable();
    });
  },
  async down(knex) {
    await knex.schema.dropTable('request_explanations');
  },
};
