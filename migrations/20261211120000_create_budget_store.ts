import type { NamedMigration } from '@gw/database';

/**
 * The budget store's PostgreSQL fallback (used while Redis is unreachable in full mode): each user's
 * settled charges (ever and per month, UTC) and the reservations of requests in flight.
 */
export const migration: NamedMigration = {
  name: '20261211120000_create_budget_store',
  async up(knex) {
    await knex.schema.createTable('budget_counters', (t) => {
      t.text('user_id').primary();
      // Null until the first reservation starts it from what that instance had seen.
      t.bigInteger('settled_micros');
      t.bigInteger('reserved_micros').notNullable().defaultTo(0);
    });
    await knex.schema.createTable('budget_month_settled', (t) => {
      t.text('user_id').notNullable();
      t.string('month', 7).notNullable();
      t.bigInteger('settled_micros').notNullable().defaultTo(0);
      t.primary(['user_id', 'month']);
    });
    await knex.schema.createTable('budget_reservations', (t) => {
      t.text('user_id').notNullable();
      t.text('reservation_id').notNullable();
      t.bigInteger('amount_micros').notNullable();
      t.timestamp('expires_at', { useTz: true }).notNullable();
      t.primary(['user_id', 'reservation_id']);
      t.index(['expires_at'], 'budget_reservations_expiry');
    });
  },
  async down(knex) {
    await knex.schema.dropTable('budget_reservations');
    await knex.schema.dropTable('budget_month_settled');
    await knex.schema.dropTable('budget_counters');
  },
};
