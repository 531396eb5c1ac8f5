import type { NamedMigration } from '@gw/database';

/**
 * Read models of credits (GET /api/v1/me/credits and its ledger): every grant as a ledger entry keyed
 * by the event that caused it (charges are read from usage_facts, one row per request already), each
 * user's totals with the last event applied to them, and their spend per month.
 */
export const migration: NamedMigration = {
  name: '20261201140000_create_credit_ledger',
  async up(knex) {
    await knex.schema.createTable('credit_ledger', (t) => {
      // The id of the event behind the entry.
      t.text('entry_id').primary();
      t.text('user_id').notNullable();
      t.timestamp('at', { useTz: true }).notNullable();
      // admin, promotion, purchase
      t.text('kind').notNullable();
      // Micro-dollars added.
      t.bigInteger('amount_micros').notNullable();
      t.text('reference').notNullable();
      t.text('description').notNullable();
      t.index(['user_id', 'at', 'entry_id'], 'credit_ledger_user_at');
    });
    await knex.schema.createTable('credit_balances', (t) => {
      t.text('user_id').primary();
      t.bigInteger('granted_micros').notNullable().defaultTo(0);
      t.bigInteger('charged_micros').notNullable().defaultTo(0);
      // The last event applied to this user's totals (a redelivered event changes nothing).
      t.decimal('last_commit', 20, 0).notNullable();
      t.bigInteger('last_prepare').notNullable();
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
