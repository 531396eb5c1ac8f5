import type { NamedMigration } from '@gw/database';

/**
 * The credit ledger's totals also count settlements (Σ ChargeSettled, ever and per month): with them
 * the read model is a snapshot the gateway's in-memory budget ledger starts from, instead of folding
 * every request's usage since the beginning. ChargeSettled is new with this column, so 0 is right for
 * every row already there.
 */
export const migration: NamedMigration = {
  name: '20261211130000_add_settled_to_credit_ledger',
  async up(knex) {
    await knex.schema.alterTable('credit_balances', (t) => {
      t.bigInteger('settled_micros').notNullable().defaultTo(0);
    });
    await knex.schema.alterTable('credit_month_spend', (t) => {
      t.bigInteger('settled_micros').notNullable().defaultTo(0);
    });
  },
  async down(knex) {
    await knex.schema.alterTable('credit_month_spend', (t) => t.dropColumn('settled_micros'));
    await knex.schema.alterTable('credit_balances', (t) => t.dropColumn('settled_micros'));
  },
};
