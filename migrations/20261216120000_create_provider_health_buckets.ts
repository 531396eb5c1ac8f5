import type { NamedMigration } from '@gw/database';

const TABLES = ['provider_health_minutes', 'provider_health_hours'] as const;

/**
 * Read model: upstream attempts per provider, credential (platform / byok), model and minute (kept
 * about two hours) or hour (kept ten days): counts by outcome and fixed log-spaced latency and
 * time-to-first-token histograms (HISTOGRAM_BUCKETS counts each, merged by the queries). The
 * position of the last event counted keeps replays from counting twice.
 */
export const migration: NamedMigration = {
  name: '20261216120000_create_provider_health_buckets',
  async up(knex) {
    for (const table of TABLES) {
      await knex.schema.createTable(table, (t) => {
        t.timestamp('bucket', { useTz: true }).notNullable();
        t.text('provider').notNullable();
        t.text('credential').notNullable();
        t.text('model_id').notNullable();
        t.integer('attempts').notNullable().defaultTo(0);
        t.integer('successes').notNullable().defaultTo(0);
        t.integer('rate_limited').notNullable().defaultTo(0);
        t.integer('server_error').notNullable().defaultTo(0);
        t.integer('timeout').notNullable().defaultTo(0);
        t.integer('auth').notNullable().defaultTo(0);
        t.integer('other').notNullable().defaultTo(0);
        t.specificType('latency_hist', 'integer[]');
        t.specificType('ttft_hist', 'integer[]');
        t.decimal('last_commit', 20, 0).notNullable();
        t.bigInteger('last_prepare').notNullable();
        t.primary(['bucket', 'provider', 'credential', 'model_id']);
      });
    }
  },
  async down(knex) {
    for (const table of TABLES) await knex.schema.dropTableIfExists(table);
  },
};
