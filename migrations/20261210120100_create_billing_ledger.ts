import type { NamedMigration } from '@gw/database';

/**
 * apps/billing-consumer: what it consumed from switchyard.usage.v1.
 *
 * `billing_processed_events`: one row per event id, so a redelivered or replayed message changes
 * nothing (the insert conflicts); it also holds what still has to go to Lago (`lago_status` pending →
 * sent | rejected), so a crash between the ledger write and the Lago call loses no forward.
 *
 * `billing_ledger`: per-user totals, integer micro-dollars as bigint. Every event applies as a delta
 * (a correction that arrives later adds its difference), so totals do not depend on arrival order.
 */
export const migration: NamedMigration = {
  name: '20261210120100_create_billing_ledger',
  async up(knex) {
    await knex.raw(`
      create table billing_processed_events (
        event_id          text        primary key,
        event_type        text        not null,
        user_id           text        not null,
        topic             text        not null,
        kafka_partition   integer     not null,
        kafka_offset      text        not null,
        occurred_at       timestamptz not null,
        processed_at      timestamptz not null default now(),
        lago_status       text        check (lago_status in ('pending', 'sent', 'rejected')),
        lago_event        jsonb,
        lago_attempts     integer     not null default 0,
        lago_error        text,
        lago_sent_at      timestamptz
      )`);
    await knex.raw(
      `create index billing_processed_events_lago_pending on billing_processed_events (processed_at)
         where lago_status = 'pending'`,
    );
    await knex.raw(`
      create table billing_ledger (
        user_id              text        primary key,
        events               bigint      not null default 0,
        requests             bigint      not null default 0,
        prompt_tokens        bigint      not null default 0,
        completion_tokens    bigint      not null default 0,
        cached_tokens        bigint      not null default 0,
        provider_cost_micros bigint      not null default 0,
        charged_micros       bigint      not null default 0,
        updated_at           timestamptz not null default now()
      )`);
  },
  async down(knex) {
    await knex.raw('drop table if exists billing_ledger');
    await knex.raw('drop table if exists billing_processed_events');
  },
};
