import type { NamedMigration } from '@gw/database';

/**
 * Usage by gateway key (GET /api/v1/me/usage/by-key): which key each request was made with, on the
 * fact (null: not known, requests recorded before RequestRouted carried it; 'session': made while
 * signed in) and as one more dimension of the daily rollup ('' for not known, so it can be part of
 * the primary key), whose primary key the upserts conflict on.
 */
const MEASURES = [
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
  'latency_ms_sum',
  'ttft_ms_sum',
];

export const migration: NamedMigration = {
  name: '20261215130000_add_api_key_to_usage_analytics',
  async up(knex) {
    await knex.raw('alter table usage_facts add column api_key_id text');
    await knex.raw(`alter table usage_daily_rollups add column api_key_id text not null default ''`);
    await knex.raw('alter table usage_daily_rollups drop constraint usage_daily_rollups_pkey');
    await knex.raw(
      'alter table usage_daily_rollups add constraint usage_daily_rollups_pkey primary key ' +
        '(user_id, day, provider, model_id, power_level, key_source, api_key_id)',
    );
  },
  async down(knex) {
    // Each day's rows of one user, provider, model, level and key source become one again.
    const dims = 'user_id, day, provider, model_id, power_level, key_source';
    const sums = MEASURES.map((c) => `sum(${c})`).join(', ');
    await knex.raw(
      `with old as (delete from usage_daily_rollups returning *) ` +
        `insert into usage_daily_rollups (${dims}, api_key_id, ${MEASURES.join(', ')}) ` +
        `select ${dims}, '', ${sums} from old group by ${dims}`,
    );
    await knex.raw('alter table usage_daily_rollups drop constraint usage_daily_rollups_pkey');
    await knex.raw('alter table usage_daily_rollups drop column api_key_id');
    await knex.raw(
      'alter table usage_daily_rollups add constraint usage_daily_rollups_pkey primary key ' +
        '(user_id, day, provider, model_id, power_level, key_source)',
    );
    await knex.raw('alter table usage_facts drop column if exists api_key_id');
  },
};
