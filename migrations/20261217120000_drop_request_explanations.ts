import type { NamedMigration } from '@gw/database';

/**
 * GET /api/v1/requests/:id is answered from the request's own stream (issue 19: write less per
 * request), so the per-request `request_explanations` read model and its checkpoint go. `down` brings
 * the empty table back; `npm run projections:rebuild`-style replays are not needed for it any more.
 */
export const migration: NamedMigration = {
  name: '20261217120000_drop_request_explanations',
  async up(knex) {
    await knex.raw('drop table if exists request_explanations');
    await knex.raw("delete from projection_checkpoints where name = 'request-explanations'");
  },
  async down(knex) {
    await knex.schema.createTable('request_explanations', (t) => {
      t.text('request_id').primary();
      t.text('user_id').notNullable().index();
      t.json('explanation').notNullable();
      t.decimal('last_commit', 20, 0).notNullable();
      t.bigInteger('last_prepare').notNullable();
    });
  },
};
