import type { Knex } from 'knex';
import type { NamedMigration } from '@gw/database';

const measures = (t: Knex.CreateTableBuilder): void => {
  for (const c of [
    'requests',
    'failed_requests',
    'interrupted_requests',
    'fallback_requests',
    'streamed_requests',
    'prompt_tokens',
    'completion_tokens',
    'cached_tokens',
    'cache_write_tokens',
    'provider_cost_micros',
    'charged_micros',
    'latency_count',
    'ttft_count',
  ])
    t.bigInteger(c).notNullable().defaultTo(0);
  // Latencies are fractional milliseconds.
  t.double('latency_ms_sum').notNullable().defaultTo(0);
  t.double('ttft_ms_sum').notNullable().defaultTo(0);
};

/**
 * Usage analytics (GET /api/v1/me/usage/… and /api/v1/admin/usage/…): one fact per request, plus daily
 * (user × provider × model × power level × key source) and hourly (user) rollups that the same
 * projection keeps in the same transaction. Rollup rows with user_id '*' hold every user together.
 */
export const migration: NamedMigration = {
  name: '20261201130000_create_usage_analytics',
  async up(knex) {
    await knex.schema.createTable('usage_facts', (t) => {
      t.text('request_id').primary();
      t.text('user_id').notNullable();
      t.timestamp('occurred_at', { useTz: true }).notNullable();
      t.text('provider').notNullable();
      t.text('model_id').notNullable();
      t.text('power_level').notNullable();
      t.text('key_source').notNullable();
      t.text('key_id');
      /** routed (no outcome yet: counts nowhere) | completed | interrupted | failed */
      t.text('outcome').notNullable();
      t.integer('attempts').notNullable();
      t.bigInteger('prompt_tokens').notNullable();
      t.bigInteger('completion_tokens').notNullable();
      t.bigInteger('cached_tokens').notNullable();
      t.bigInteger('cache_write_tokens').notNullable();
      t.bigInteger('provider_cost_micros').notNullable();
      t.bigInteger('charged_micros').notNullable();
      t.double('latency_ms');
      t.double('ttft_ms');
      t.boolean('streamed').notNullable();
      t.boolean('estimated').notNullable();
      t.text('finish_reason');
      t.text('failure_reason');
      t.integer('failure_status');
      t.decimal('last_commit', 20, 0).notNullable();
      t.bigInteger('last_prepare').notNullable();
    });
    // Newest-first pages and partial-day edges, per user and across users; requests without an outcome
    // are not in them (every query filters them out with the same predicate).
    await knex.raw(
      `create index usage_facts_user_time on usage_facts (user_id, occurred_at desc, request_id desc) where outcome <> 'routed'`,
    );
    await knex.raw(
      `create index usage_facts_time on usage_facts (occurred_at desc, request_id desc) where outcome <> 'routed'`,
    );
    await knex.schema.createTable('usage_daily_rollups', (t) => {
      t.text('user_id').notNullable();
      t.date('day').notNullable();
      t.text('provider').notNullable();
      t.text('model_id').notNullable();
      t.text('power_level').notNullable();
      t.text('key_source').notNullable();
      measures(t);
      t.primary(['user_id', 'day', 'provider', 'model_id', 'power_level', 'key_source']);
    });
    await knex.schema.createTable('usage_hourly_rollups', (t) => {
      t.text('user_id').notNullable();
      t.timestamp('hour', { useTz: true }).notNullable();
      measures(t);
      t.primary(['user_id', 'hour']);
    });
  },
  async down(knex) {
    await knex.schema.dropTable('usage_hourly_rollups');
    await knex.schema.dropTable('usage_daily_rollups');
    await knex.schema.dropTable('usage_facts');
  },
};
