import type { NamedMigration } from '@gw/database';

const TABLES = ['provider_health_minutes', 'provider_health_hours'] as const;

/**
 * Read model: upstream attempts per provider and credential (platform / byok) per minute (kept about
 * two hours) and per hour (kept ten days; per model too, model_id '*' being all of them): counts by outcome and fixed log-spaced latency and
 * time-to-first-token histograms (HISTOGRAM_BUCKETS counts each, merged by the queries). The
 * positions of the events counted keep a redelivered batch from counting twice.
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
        // The first and last event a row's latest write counted: a write whose first event is not
        // after the row's last one (a redelivered batch) changes nothing.
        t.decimal('first_commit', 20, 0).notNullable();
        t.bigInteger('first_prepare').notNullable();
        t.decimal('last_commit', 20, 0).notNullable();
        t.bigInteger('last_prepare').notNullable();
        // The reports read one model (ALL_MODELS: the provider-level rows) over a range of buckets;
        // the catalog's per-model latency and the pruning read a range of buckets.
        t.primary(['model_id', 'bucket', 'provider', 'credential']);
        t.index(['bucket']);
      });
    }
  },
  async down(knex) {
    for (const table of TABLES) await knex.schema.dropTableIfExists(table);
  },
};
