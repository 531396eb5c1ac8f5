import type { NamedMigration } from '@gw/database';

/**
 * Read models of credits (GET /api/v1/me/credits and its ledger): every grant and every charge as a
 * ledger entry keyed by the event that caused it, each user's totals, and their spend per month.
 */
export const migration: NamedMigration = {
  name: '20261201140000_create_credit_ledger',
  async up(knex) {
    await knex.schema.createTable('credit_ledger', (t) => {
      // The id of the event behind the entry: a redelivered event inserts nothing.
      t.text('entry_id').primary();
      t.text('user_id').notNullable();
      t.timestamp('at', { useTz: true }).notNullable();
      // grant (admin, promotion, purchase), charge, correction
      t.text('kind').notNullable();
      // Signed micro-dollars: grants positive, charges negative.
      t.bigInteger('amount_micros').notNullable();
      t.text('reference').notNullable();
      t.text('description').notNullable();
      t.index(['user_id', 'at', 'entry_id'], 'credit_ledger_user_at');
    });
    await knex.schema.createTable('credit_balances', (t) => {
      t.text('user_id').primary();
      t.bigInteger('granted_micros').notNullable().defaultTo(0);
      t.bigInteger('charged_micros').notNullable().defaultTo(0);
      t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
    await knex.schema.createTable('credit_month_spend', (t) => {
      t.text('user_id').notNullable();
      t.string('month', 7).notNullable(); // YYYY-MM, UTC
      t.bigInteger('charged_micros').notNullable().defaultTo(0);
      t.primary(['user_id', 'month']);
    });
  },
  async down(knex) {
    await knex.schema.dropTable('credit_month_spend');
    await knex.schema.dropTable('credit_balances');
    await knex.schema.dropTable('credit_ledger');
  },
};
