import type { NamedMigration } from '@gw/database';

/**
 * apps/billing-consumer: the ledger also applies price corrections and credits.
 *
 * UsageRepriced adds its deltas to `provider_cost_micros` and `charged_micros` (the columns stay the
 * totals now) and counts in `corrections`; every CreditsGranted (admin, promotion, purchase) adds to
 * `granted_micros` and `grants`; CreditsPurchased counts the payment in `purchases` and `paid_micros`
 * (what the user paid; the credit it buys is its CreditsGranted). Integer micro-dollars as bigint.
 *
 * Events of these types were never marked processed by the earlier consumer, so replaying the topic
 * from offset 0 after this migration applies them once and leaves the usage already counted alone.
 */
export const migration: NamedMigration = {
  name: '20261210120200_add_credits_to_billing_ledger',
  async up(knex) {
    await knex.raw(`
      alter table billing_ledger
        add column corrections    bigint not null default 0,
        add column grants         bigint not null default 0,
        add column granted_micros bigint not null default 0,
        add column purchases      bigint not null default 0,
        add column paid_micros    bigint not null default 0`);
  },
  async down(knex) {
    await knex.raw(`
      alter table billing_ledger
        drop column if exists paid_micros,
        drop column if exists purchases,
        drop column if exists granted_micros,
        drop column if exists grants,
        drop column if exists corrections`);
  },
};
